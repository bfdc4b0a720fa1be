"""End to end, as an office runs it: ``python -m nikmatch`` in a subprocess.

demo (a few thousand records) -> officers fill in decisions in the workbooks -> apply-review ->
the confirmed list; bad files end with a clear message, a non-zero exit and no traceback.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from nikmatch.export import write_csv
from nikmatch.review_workbook import SHEET

SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")


def nikmatch(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NIKMATCH_TRACEBACK",)}
    env["NIKMATCH_PROGRESS"] = "0"
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "nikmatch", *argv],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        cwd=cwd,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert not SIXTEEN_DIGITS.search(done.stdout), done.stdout
    assert not SIXTEEN_DIGITS.search(done.stderr), done.stderr
    return done


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("office") / "demo"
    done = nikmatch("demo", "--size", "3000", "--seed", "2", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "report.html" in done.stdout
    assert "apply-review" in done.stdout
    return out


def fill_some(review: Path) -> int:
    """An officer's work: in each of three workbooks, the first pair is one person (keep B),
    the second two people; returns the number of 'sama orang' decisions."""
    same = 0
    for path in sorted(review.glob("*.xlsx"))[:3]:
        book = openpyxl.load_workbook(path)
        sheet = book[SHEET]
        col = {str(c.value): c.column for c in sheet[1]}
        for row, decision in ((2, "sama orang"), (3, "beda orang")):
            if sheet.cell(row, col["kunci"]).value is None:
                continue
            sheet.cell(row, col["keputusan"]).value = decision
            sheet.cell(row, col["dipertahankan"]).value = "B"
            sheet.cell(row, col["petugas"]).value = "Petugas Kecamatan"
            sheet.cell(row, col["tanggal_cek"]).value = "05-02-2026"
            same += decision == "sama orang"
        book.save(path)
    return same


def test_demo_fill_apply_review_confirmed_list(demo: Path) -> None:
    review = demo / "review"
    for name in ("report.html", "register.csv", "clusters.csv", "pairs.csv", "model.json"):
        assert (demo / name).is_file(), name
    same = fill_some(review)
    applied = demo / "applied"
    argv = [
        "apply-review",
        str(review),
        "--register",
        str(demo / "register.csv"),
        "--out",
        str(applied),
        "--model",
        str(demo / "model.json"),
        "--update-model",
        str(demo / "updated.json"),
    ]
    done = nikmatch(*argv)
    assert done.returncode == 0, done.stderr
    assert "still open" in done.stdout
    assert "precision" in done.stdout
    confirmed = pd.read_csv(applied / "confirmed.csv", dtype=str, keep_default_na=False)
    assert len(confirmed) == same
    register = pd.read_csv(demo / "register.csv", dtype=str, keep_default_na=False)
    for row in confirmed.itertuples():
        assert row.keep_nik == register.loc[int(row.keep_id) - 1, "nik"]
        assert row.retire_nik == register.loc[int(row.retire_id) - 1, "nik"]
        assert row.petugas == "Petugas Kecamatan"
        assert row.tanggal == "2026-02-05"
    opened = pd.read_csv(applied / "open.csv", dtype=str, keep_default_na=False)
    decided = pd.read_csv(applied / "decisions.csv", dtype=str, keep_default_na=False)
    pairs = pd.read_csv(demo / "pairs.csv", dtype=str, keep_default_na=False)
    assert len(opened) + len(decided) == len(pairs)
    assert (demo / "updated.json").is_file()
    before = {p.name: p.read_bytes() for p in applied.iterdir()}
    again = nikmatch(*argv)  # re-applying is idempotent
    assert again.returncode == 0, again.stderr
    assert {p.name: p.read_bytes() for p in applied.iterdir()} == before


def test_the_files_of_dedupe_make_the_same_workbooks(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "books"
    done = nikmatch(
        "review",
        str(demo / "clusters.csv"),
        "--pairs",
        str(demo / "pairs.csv"),
        "--out",
        str(out),
        "--mask-nik",
        "--quiet",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""  # --quiet
    books = sorted(out.glob("*.xlsx"))
    assert len(books) == len(list((demo / "review").glob("*.xlsx")))
    sheet = openpyxl.load_workbook(books[0])[SHEET]
    col = {str(c.value): c.column for c in sheet[1]}
    assert "********" in str(sheet.cell(2, col["nik_a"]).value)
    assert sheet.cell(2, col["alasan"]).value  # reasons from the weight_ columns


def test_an_edited_nik_is_refused_with_file_sheet_and_row(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "books"
    assert (
        nikmatch(
            "review",
            str(demo / "clusters.csv"),
            "--pairs",
            str(demo / "pairs.csv"),
            "--out",
            str(out),
        ).returncode
        == 0
    )
    path = sorted(out.glob("*.xlsx"))[0]
    book = openpyxl.load_workbook(path)
    sheet = book[SHEET]
    col = {str(c.value): c.column for c in sheet[1]}
    sheet.cell(2, col["nik_a"]).value = 1871010101900001  # retyped, as a number
    book.save(path)
    done = nikmatch("apply-review", str(path), "--out", str(tmp_path / "applied"))
    assert done.returncode == 1
    assert f"{path}, sheet {SHEET}, row 2: the NIK of pair" in done.stderr
    assert not (tmp_path / "applied").exists()


@pytest.mark.parametrize(
    ("content", "argv", "message"),
    [
        (b"nomor,warga\n1,2\n", ["dedupe", "{f}", "-o", "{d}/o.csv"], "missing required column"),
        (b"", ["check", "{f}"], "is empty"),
        (b"nik,nama\n1,\xe9\xff\n", ["check", "{f}"], "--encoding"),
        (
            b"nik,nama,tanggal_lahir\nabc,SITI,01-01-1990\nx1x,BUDI,02-02-1991\n",
            ["dedupe", "{f}", "-o", "{d}/o.csv"],
            "none of the 2 values in column 'nik' is a usable NIK",
        ),
        (
            b"nik,nama\n1871015708450001,SITI\n",
            ["apply-review", "{f}", "--out", "{d}/a"],
            "workbook",
        ),
    ],
)
def test_bad_files_end_with_a_clear_message(
    tmp_path: Path, content: bytes, argv: list[str], message: str
) -> None:
    source = tmp_path / "input.csv"
    source.write_bytes(content)
    done = nikmatch(*(a.format(f=source, d=tmp_path) for a in argv))
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("nikmatch: error:")
    assert message in done.stderr


def test_garbage_niks_are_flagged_rows_in_a_check(tmp_path: Path) -> None:
    source = tmp_path / "niks.csv"
    write_csv(pd.DataFrame({"nik": ["abc", "12", "1871015708450001"]}), source)
    done = nikmatch("check", str(source), "-o", str(tmp_path / "report.csv"))
    assert done.returncode == 0, done.stderr
    report = pd.read_csv(tmp_path / "report.csv", dtype=str, keep_default_na=False)
    assert report["is_valid"].tolist() == ["False", "False", "True"]


def test_parquet_in_and_out_and_the_exit_status_of_a_usage_error(tmp_path: Path) -> None:
    from nikmatch.synth import generate_population

    register, _ = generate_population(800, seed=3, as_strings=True)
    register.to_parquet(tmp_path / "register.parquet")
    done = nikmatch(
        "dedupe", str(tmp_path / "register.parquet"), "-o", str(tmp_path / "c.parquet"), "-q"
    )
    assert done.returncode == 0, done.stderr
    back = pd.read_parquet(tmp_path / "c.parquet")
    assert back["nik"].tolist() == register["nik"].tolist()
    assert nikmatch("dedupe", "--frobnicate").returncode == 2
    train = nikmatch(
        "train", str(tmp_path / "register.parquet"), "-o", str(tmp_path / "model.json")
    )
    assert train.returncode == 0, train.stderr
    assert "weight=" in train.stdout
    report = nikmatch(
        "report",
        str(tmp_path / "register.parquet"),
        "-o",
        str(tmp_path / "r.html"),
        "--model",
        str(tmp_path / "model.json"),
        "--wajib-ktp",
        "777871",
        "--belum-rekam",
        "16000",
    )
    assert report.returncode == 0, report.stderr
    assert "97.9%" in (tmp_path / "r.html").read_text(encoding="utf-8")
    assert dt.date.today().isoformat() in (tmp_path / "r.html").read_text(encoding="utf-8")
