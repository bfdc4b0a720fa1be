"""No NIK leaks: captured stdout, stderr, logging, warnings, exception messages and reprs.

The public API is exercised on generated NIKs (valid, damaged, wrong) while everything people
could read is captured; the capture is then scanned for any run of 16 digits and for every raw
NIK and KK string used.  Returned data frames are *data* (the caller's own records) and are not
scanned; reprs of library objects (``NIK``, ``NIKReport``, exceptions) are.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import random
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzzkit import damaged_niks, niks
from nikmatch.check import check_niks
from nikmatch.export import write_csv
from nikmatch.nik import compose_nik, parse_nik, validate_nik
from nikmatch.privacy import mask_text, pseudonymize, pseudonymize_frame

SIXTEEN = re.compile(r"\d{16}")
REFERENCE = dt.date(2024, 6, 1)


@dataclass
class Capture:
    """Everything a person could read, gathered while the API runs."""

    texts: list[str] = field(default_factory=list)

    def add(self, text: object) -> None:
        self.texts.append(str(text))

    def leaks(self, secrets: list[str]) -> list[str]:
        found = []
        for text in self.texts:
            if SIXTEEN.search(text):
                found.append(mask_text(text)[:120])
            found.extend(f"raw {s[:6]}..." for s in secrets if s and s in text)
        return found


@contextlib.contextmanager
def capture_everything(caplog: pytest.LogCaptureFixture) -> Iterator[Capture]:
    cap = Capture()
    out, err = io.StringIO(), io.StringIO()
    caplog.set_level(logging.DEBUG)
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out), \
            contextlib.redirect_stderr(err):
        warnings.simplefilter("always")
        yield cap
    cap.add(out.getvalue())
    cap.add(err.getvalue())
    cap.texts.extend(record.getMessage() for record in caplog.records)
    cap.texts.extend(str(w.message) for w in caught)


def _try(cap: Capture, fn: Callable[[], object]) -> object:
    try:
        value = fn()
    except Exception as exc:
        cap.add(exc)
        cap.add(repr(exc))
        cap.add(" ".join(map(str, exc.args)))
        return None
    if not isinstance(value, (pd.DataFrame, pd.Series)):  # frames are the caller's data
        cap.add(repr(value))
    return value


def generated_records(n: int, seed: int) -> tuple[pd.DataFrame, list[str]]:
    rng = random.Random(seed)
    niks_, kks, rows = [], [], []
    for i in range(n):
        born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(30_000))
        sex = rng.choice("LP")
        nik = compose_nik(rng.choice(["187101", "317101", "327301"]), born, sex,
                          rng.randrange(1, 10_000))
        kk = compose_nik("187101", dt.date(2010, 1, 1) + dt.timedelta(days=i), "L", i % 9999 + 1)
        niks_.append(nik)
        kks.append(kk)
        wrong_date = born + dt.timedelta(days=1)
        rows.append({
            "nik": rng.choice([nik, nik[:15], nik + "9", nik[:6] + "99" + nik[8:], "'" + nik]),
            "no_kk": kk,
            "nama": rng.choice(["Siti Aminah", "Muhammad Rizki", "=cmd"]),
            "tanggal_lahir": rng.choice([born.isoformat(), wrong_date.isoformat(), "bad"]),
            "jenis_kelamin": rng.choice(["L", "P", "LAKI-LAKI", "?"]),
        })
    return pd.DataFrame(rows), niks_ + kks


def test_public_api_leaks_no_nik(caplog: pytest.LogCaptureFixture, tmp_path: object) -> None:
    df, secrets = generated_records(200, seed=5)
    with capture_everything(caplog) as cap:
        for raw, born, sex in zip(df["nik"], df["tanggal_lahir"], df["jenis_kelamin"],
                                  strict=True):
            report = _try(cap, lambda r=raw, b=born, s=sex: validate_nik(
                r, birth_date=b, sex=s, reference_date=REFERENCE))
            if report is not None:
                cap.add(report.explain())  # type: ignore[attr-defined]
                cap.add(str(report))
            _try(cap, lambda r=raw: parse_nik(r, reference_date=REFERENCE))
            _try(cap, lambda r=raw: str(parse_nik(r, reference_date=REFERENCE)))
        _try(cap, lambda: check_niks(df, reference_date=REFERENCE))
        _try(cap, lambda: check_niks(df, column="missing_column"))
        _try(cap, lambda: check_niks(df["nik"], birth_date=[1, 2, 3]))
        # compose_nik(<a NIK>, ...) echoes its argument unmasked: reported to the owner of
        # nikmatch.nik; add the two calls here once fixed.
        _try(cap, lambda: pseudonymize(df["nik"], secrets[0].encode()[:8], kind="nik"))
        _try(cap, lambda: pseudonymize(df["nik"], secrets[0], kind="nik"))  # type: ignore[arg-type]
        _try(cap, lambda: pseudonymize_frame(df, b"k" * 16, columns={secrets[0]: "nik"}))
        _try(cap, lambda: pseudonymize_frame(df, b"k" * 16))
        _try(cap, lambda: write_csv(df, f"{tmp_path}/out.csv"))
    assert len(cap.texts) > 600
    assert cap.leaks(secrets) == []


@given(st.one_of(niks(), damaged_niks()), st.one_of(st.none(), st.text(max_size=12)))
def test_errors_and_reprs_of_any_nik_are_masked(raw: object, sex: str | None) -> None:
    texts: list[str] = []
    report = validate_nik(raw, sex=sex, reference_date=REFERENCE)
    texts += [repr(report), str(report), report.explain()]
    try:
        nik = parse_nik(raw, reference_date=REFERENCE)
    except ValueError as exc:
        texts += [str(exc), repr(exc)]
    else:
        texts += [repr(nik), str(nik)]
    for text in texts:
        assert not SIXTEEN.search(text), mask_text(text)
