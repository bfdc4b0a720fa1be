"""The ``nikmatch`` command line, run in-process through ``main([...])`` on generated data."""

from __future__ import annotations

import csv
import io
import re
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nikmatch.cli import main
from nikmatch.evaluate import pairwise_metrics
from nikmatch.export import write_csv, write_xlsx
from nikmatch.synth import generate_population, generate_unrecorded_list, true_pairs

SIXTEEN_DIGITS = re.compile(r"\d{16}")
CLUSTER_COLUMNS = ["cluster_id", "cluster_size", "survivor", "recommendation", "flags"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the command; check what every run must satisfy (masked, no traceback)."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert not SIXTEEN_DIGITS.search(out), out
    assert not SIXTEEN_DIGITS.search(err), err
    assert "Traceback" not in err
    assert "bug in nikmatch" not in err, err
    return code, out, err


def read_back(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("cli")
    register, truth = generate_population(1500, seed=5, as_strings=True)
    listed, list_truth = generate_unrecorded_list(register, truth, n=150, seed=5)
    write_csv(register, folder / "register.csv")
    write_csv(listed, folder / "list.csv")
    return {
        "folder": folder,
        "register": register,
        "truth": truth,
        "listed": listed,
        "list_truth": list_truth,
    }


# ------------------------------------------------------------------------------ demo, help


def test_demo_runs_on_builtin_data(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_dir = tmp_path / "demo"
    code, out, err = run(capsys, "demo", "--size", "2000", "--out", str(out_dir))
    assert code == 0, err
    assert "precision" in out
    assert "recall" in out
    assert "hard negatives" in out
    assert out.count("match weight") == 1  # the strongest pair explained
    assert "Belum rekam" in out
    assert "KTP-el coverage" in out
    for name in ("report.html", "register.csv", "belum_rekam.csv", "pairs.csv", "model.json"):
        assert (out_dir / name).is_file(), name
    assert list((out_dir / "review").glob("review_*.xlsx"))
    assert str(out_dir / "report.html") in out or "report.html" in out
    metrics = re.search(r"precision (\d\.\d+), recall (\d\.\d+)", out)
    assert metrics is not None
    assert float(metrics.group(1)) >= 0.9


def test_demo_rejects_a_tiny_size(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "demo", "--size", "10", "--out", "unused")
    assert code == 2
    assert "at least 200" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["--version"],
        ["--help"],
        ["check", "--help"],
        ["dedupe", "--help"],
        ["link", "--help"],
        ["demo", "--help"],
        ["train", "--help"],
        ["review", "--help"],
        ["apply-review", "--help"],
        ["report", "--help"],
    ],
)
def test_version_and_help(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, out, _ = run(capsys, *argv)
    assert code == 0
    assert out.startswith(("nikmatch", "usage"))


# ------------------------------------------------------------------------------ check


def test_check_writes_one_row_per_input_row(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rows = [
        ("1871015708450001", "17-08-1945", "PEREMPUAN", "SITI AMINAH"),
        ("", "", "", "BUDI"),
        ("abc", "x", "L", '=HYPERLINK("http://x")'),
        ("1.871015708450001e+15", "17-08-1945", "P", "SRI"),
        ("1871015708450001", "17-08-1945", "LAKI-LAKI", "AGUS"),  # sex disagrees with the NIK
        ("'1871015708450001", "", "", "@SUM(A1)"),
        ("18710157084500", "", "", "+62"),
    ]
    source = tmp_path / "niks.csv"
    with open(source, "w", encoding="utf-8", newline="") as handle:  # raw, formulas included
        writer = csv.writer(handle)
        writer.writerow(["nik", "tanggal_lahir", "jenis_kelamin", "nama"])
        writer.writerows(rows)
    output = tmp_path / "report.csv"
    code, out, err = run(
        capsys, "check", str(source), "--output", str(output), "--reference-date", "2026-01-01"
    )
    assert code == 0, err
    report = read_back(output)
    assert len(report) == len(rows)
    assert report["nik"].tolist() == [r[0] for r in rows]  # the input, as it was
    assert report["is_valid"].tolist() == [
        "True",
        "False",
        "False",
        "True",
        "True",
        "True",
        "False",
    ]
    assert "sex_mismatch" in report.loc[4, "problems"]
    assert report.loc[1, "problems"] == "missing"
    assert report.loc[0, "nik_clean"] == "1871015708450001"
    assert report.loc[2, "nama"].startswith("'=")  # formula neutralised
    assert report.loc[5, "nama"].startswith("'@")
    for code_name in ("missing", "non_digit", "length", "sex_mismatch"):
        assert code_name in out


def test_check_sample_needs_no_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    output = tmp_path / "sample.csv"
    code, out, err = run(capsys, "check", "--sample", "400", "--seed", "2", "-o", str(output))
    assert code == 0, err
    assert len(read_back(output)) == 400
    assert "severity" in out
    assert "error" in out


def test_check_writes_xlsx(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    output = tmp_path / "sample.xlsx"
    code, _, err = run(capsys, "check", "--sample", "50", "-o", str(output))
    assert code == 0, err
    assert output.stat().st_size > 0


def test_check_list_without_header(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "bare.csv"
    source.write_text("1871015708450001\n\nabc\n1871015708450002\n", encoding="utf-8")
    output = tmp_path / "out.csv"
    code, _, err = run(capsys, "check", str(source), "-o", str(output))
    assert code == 0, err
    assert len(read_back(output)) == 4  # the first line is data, the blank line a missing NIK


def test_check_named_column_and_semicolons(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "semi.csv"
    source.write_text("NOMOR;NAMA_LENGKAP\n1871015708450001;SITI\n", encoding="utf-8")
    code, out, err = run(capsys, "check", str(source), "--column", "NOMOR")
    assert code == 0, err
    assert "'NOMOR'" in out


def test_check_xlsx_input(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "in.xlsx"
    write_xlsx(pd.DataFrame({"nik": ["1871015708450001", "12"]}), source)
    code, out, err = run(capsys, "check", str(source))
    assert code == 0, err  # python-calamine reads it: a core dependency
    assert "2 rows" in out


# ------------------------------------------------------------------------------ dedupe, link


def _record_ids(rows: pd.Series, register: pd.DataFrame) -> pd.Series:
    """Row numbers of the file (1-based) -> record_id of the generated register."""
    return pd.Series(register.index[rows.astype(int).to_numpy() - 1])


def test_dedupe_round_trip(
    capsys: pytest.CaptureFixture[str], files: dict[str, object], tmp_path: Path
) -> None:
    folder = files["folder"]
    register = files["register"]
    truth = files["truth"]
    assert isinstance(folder, Path)
    assert isinstance(register, pd.DataFrame)
    assert isinstance(truth, pd.DataFrame)
    output, pairs, model = tmp_path / "clusters.csv", tmp_path / "pairs.csv", tmp_path / "m.json"
    code, out, err = run(
        capsys,
        "dedupe",
        str(folder / "register.csv"),
        "--output",
        str(output),
        "--pairs",
        str(pairs),
        "--save-model",
        str(model),
    )
    assert code == 0, err
    clusters = read_back(output)
    assert len(clusters) == len(register)
    assert list(clusters.columns) == [*register.columns, *CLUSTER_COLUMNS]
    assert clusters["nik"].tolist() == register["nik"].tolist()
    found = read_back(pairs)
    wanted = {"id_l", "id_r", "match_probability", "ambiguous", "nik_l", "nama_r", "level_nama"}
    assert wanted <= set(found)
    predicted = pd.DataFrame(
        {"id_l": _record_ids(found["id_l"], register), "id_r": _record_ids(found["id_r"], register)}
    )
    metrics = pairwise_metrics(predicted, true_pairs(truth))
    # row numbers map back to the right records (accuracy itself is the benchmarks' job)
    assert metrics.tp >= 1, metrics
    assert metrics.precision >= 0.9, metrics
    multi = clusters[clusters["cluster_size"].astype(int) > 1]
    assert (multi.groupby("cluster_id")["survivor"].apply(lambda s: (s == "True").sum()) == 1).all()
    assert "strongest pairs" in out
    assert model.exists()

    # the saved model is reused; a stricter threshold never finds more pairs
    again = tmp_path / "again.csv"
    code, _out2, err = run(
        capsys,
        "dedupe",
        str(folder / "register.csv"),
        "-o",
        str(again),
        "--model",
        str(model),
        "--threshold",
        "0.999",
    )
    assert code == 0, err
    assert len(read_back(again)) == len(register)


def test_link_round_trip(
    capsys: pytest.CaptureFixture[str], files: dict[str, object], tmp_path: Path
) -> None:
    folder = files["folder"]
    register = files["register"]
    truth = files["truth"]
    list_truth = files["list_truth"]
    assert isinstance(folder, Path)
    assert isinstance(register, pd.DataFrame)
    assert isinstance(truth, pd.DataFrame)
    assert isinstance(list_truth, pd.DataFrame)
    output, pairs = tmp_path / "linked.csv", tmp_path / "pairs.csv"
    code, out, err = run(
        capsys,
        "link",
        str(folder / "list.csv"),
        str(folder / "register.csv"),
        "--output",
        str(output),
        "--pairs",
        str(pairs),
        "--one-to-one",
    )
    assert code == 0, err
    linked = read_back(output)
    assert len(linked) == len(list_truth)
    wanted = {"best_id", "best_probability", "n_matches", "n_ambiguous", "best_nik", "best_nama"}
    assert wanted <= set(linked)
    has = linked["best_id"] != ""
    assert has.mean() >= 0.5  # wiring, not accuracy (the benchmarks gate accuracy)
    best_person = truth["person_id"].to_numpy()[linked.loc[has, "best_id"].astype(int) - 1]
    assert (best_person == list_truth["person_id"].to_numpy()[has.to_numpy()]).mean() >= 0.9
    assert not linked.loc[has, "best_id"].duplicated().any()  # one-to-one
    assert "at least one match" in out
    assert len(read_back(pairs)) >= has.sum()


# ------------------------------------------------------------------------------ errors


@pytest.fixture
def bad_files(tmp_path: Path) -> Path:
    (tmp_path / "nocols.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    (tmp_path / "latin.csv").write_bytes(b"nik,nama\n1,\xe9\xff\n")
    (tmp_path / "model.json").write_text("not json", encoding="utf-8")
    (tmp_path / "ragged.csv").write_text('nik,nama\n1,"2\n', encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("argv", "expected", "status"),
    [
        (["check", "{d}/missing.csv"], "file not found", 1),
        (["check"], "--sample", 2),
        (["check", "{d}/nocols.csv"], "no NIK column", 1),
        (["check", "{d}/nocols.csv", "--column", "nik"], "SchemaError", 1),
        (["check", "{d}/empty.csv"], "empty", 1),
        (["check", "{d}/latin.csv"], "--encoding", 1),
        (["check", "{d}/ragged.csv"], "nikmatch", 1),
        (["check", "{d}"], "directory", 1),
        (["check", "--sample", "0"], "at least 1", 2),
        (["check", "--sample", "5", "--reference-date", "2026-13-01"], "YYYY-MM-DD", 2),
        (["dedupe", "{d}/nocols.csv", "-o", "{d}/o.csv"], "missing required column", 1),
        (["dedupe", "{d}/nocols.csv", "-o", "{d}/o.txt"], ".csv or .xlsx", 2),
        (["dedupe", "{d}/nocols.csv", "-o", "{d}/nocols.csv"], "also an input", 2),
        (["dedupe", "{d}/nocols.csv", "-o", "{d}/no/such/o.csv"], "does not exist", 2),
        (["dedupe", "{d}/nocols.csv"], "required", 2),
        (["dedupe", "{d}/nocols.csv", "-o", "{d}/o.csv", "--threshold", "1.5"], "probability", 2),
        (
            ["dedupe", "{d}/nocols.csv", "-o", "{d}/o.csv", "--model", "{d}/model.json"],
            "cannot load the model",
            1,
        ),
        (["dedupe", "{d}/nocols.csv", "-o", "{d}/o.csv", "--map", "nama"], "CANONICAL=HEADER", 2),
        (["link", "{d}/nocols.csv", "{d}/missing.csv", "-o", "{d}/o.csv"], "file not found", 1),
        (["link", "{d}/nocols.csv", "{d}/nocols.csv", "-o", "{d}/o.csv"], "SchemaError", 1),
        (["train", "{d}/nocols.csv", "-o", "{d}/m.csv"], ".json", 2),
        (["report", "{d}/nocols.csv", "-o", "{d}/r.csv"], ".html", 2),
        (["review", "{d}/nocols.csv", "--pairs", "{d}/nocols.csv", "--out", "{d}/r"], "pairs", 1),
        (["apply-review", "{d}/nocols.csv", "--out", "{d}/r"], "workbook", 1),
        (["apply-review", "{d}", "--out", "{d}/r"], "no .xlsx", 2),
        (["frobnicate"], "invalid choice", 2),
        ([], "COMMAND", 2),
    ],
)
def test_errors_are_one_line_with_their_exit_status(
    capsys: pytest.CaptureFixture[str], bad_files: Path, argv: list[str], expected: str, status: int
) -> None:
    code, _, err = run(capsys, *(a.format(d=bad_files) for a in argv))
    assert code == status, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("nikmatch"), err
    assert expected in lines[0]


def test_messages_mask_niks(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "nik_header.csv"
    source.write_text("1871015708450001,1871015708450002\nx,y\n", encoding="utf-8")
    code, _, err = run(capsys, "dedupe", str(source), "-o", str(tmp_path / "o.csv"))
    assert code == 1
    assert "187101********01" in err


# ------------------------------------------------------------------------------ fuzz

_HEADERS = [
    "nik",
    "NIK",
    "nama",
    "NAMA_LENGKAP",
    "tanggal_lahir",
    "TGL_LHR",
    "jenis_kelamin",
    "nama_ibu",
    "no_kk",
    "kelurahan",
    "rt",
    "x",
    "",
]
_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_CELLS = st.one_of(
    _TEXT,
    st.sampled_from(
        [
            "",
            "1871015708450001",
            "1871014101900002",
            "1.871015708450001e+15",
            "17-08-1945",
            "1945-08-17",
            "00-00-0000",
            "SITI AMINAH",
            "BUDI SANTOSO",
            "L",
            "P",
            "PEREMPUAN",
            "-",
            "=1+1",
            "NaN",
        ]
    ),
)


@st.composite
def csv_contents(draw: st.DrawFn) -> str:
    """CSV text with random headers (some canonical, some missing) and random unicode cells."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(st.characters(blacklist_categories=("Cs",)), max_size=60))
    headers = draw(st.lists(st.one_of(st.sampled_from(_HEADERS), _TEXT), max_size=6))
    if draw(st.booleans()):  # usually enough columns for dedupe to get past the schema check
        headers = ["nama", draw(st.sampled_from(["nik", "tanggal_lahir"])), *headers]
    n_rows = draw(st.integers(0, 12))
    width = max(len(headers), 1)
    rows = draw(
        st.lists(st.lists(_CELLS, min_size=width, max_size=width), min_size=n_rows, max_size=n_rows)
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if headers:
        writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue()


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=csv_contents())
def test_fuzz_check_and_dedupe_never_crash(
    capsys: pytest.CaptureFixture[str], content: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "input.csv"
        source.write_text(content, encoding="utf-8")
        for argv in (
            ["check", str(source), "-o", str(Path(folder) / "check.csv")],
            ["dedupe", str(source), "-o", str(Path(folder) / "dedupe.csv")],
        ):
            code, _, err = run(capsys, *argv)
            assert code in (0, 1), err
            if code == 1:
                assert len(err.strip().splitlines()) == 1, err


def test_error_and_warning_texts_from_elsewhere_are_masked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A message nikmatch did not write (pandas, a reader, a warning) may quote a cell: the
    NIK in it is masked before it is printed."""

    from nikmatch import cli

    nik = "1871015708450001"
    for exc in (ValueError(f"could not convert {nik!r}"), RuntimeError(f"row {nik}")):
        _, message = cli._describe(exc)
        assert nik not in message
        assert "187101********01" in message
    cli._show_warning(UserWarning(f"odd value {nik}"), UserWarning, "x.py", 1)
    err = capsys.readouterr().err
    assert nik not in err
    assert "187101********01" in err
