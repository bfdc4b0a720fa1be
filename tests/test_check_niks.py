"""check_niks: shape, index, columns, and row-by-row agreement with validate_nik."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nikmatch.check import check_niks
from nikmatch.errors import SchemaError
from nikmatch.nik import compose_nik, validate_nik
from nikmatch.regions import Regions

REF = dt.date(2025, 6, 30)
COLUMNS = ["nik", "is_valid", "problems", "severity", "province", "regency", "district",
           "birth_date", "sex", "serial"]
DISTRICTS = [*Regions.default().children("1871"), "910101", "990101", "180001"]

nik_like = st.one_of(
    st.builds(
        lambda d, day, month, yy, serial: f"{d}{day:02d}{month:02d}{yy:02d}{serial:04d}",
        st.sampled_from(DISTRICTS),
        st.integers(0, 99),
        st.integers(0, 14),
        st.integers(0, 99),
        st.integers(0, 9999),
    ),
    st.from_regex(r"[0-9]{16}", fullmatch=True),
    st.text(alphabet="0123456789 .-'eE+,", max_size=22),
    st.text(max_size=20),
    st.none(),
)
record_dates = st.one_of(st.none(), st.dates(dt.date(1900, 1, 1), dt.date(2030, 1, 1)),
                         st.sampled_from(["17-08-1945", "x", ""]))
record_sex = st.one_of(st.none(), st.sampled_from(["L", "P", "LAKI-LAKI", "PEREMPUAN", "1", "2",
                                                   "?"]))


def assert_agrees(out: pd.DataFrame, values: list[object], dates: list[object] | None,
                  sexes: list[object] | None) -> None:
    for i, value in enumerate(values):
        report = validate_nik(
            value,
            birth_date=None if dates is None else dates[i],
            sex=None if sexes is None else sexes[i],
            reference_date=REF,
        )
        row = out.iloc[i]
        assert row["problems"] == ";".join(report.problems), (i, value)
        assert bool(row["is_valid"]) == report.is_valid
        assert row["severity"] == report.severity
        if report.nik is not None:
            assert row["nik"] == report.nik.value
            assert row["district"] == report.nik.district
            assert row["province"] == report.nik.province
            assert row["regency"] == report.nik.regency
            assert row["birth_date"].date() == report.nik.birth_date
            assert row["sex"] == report.nik.sex
            assert row["serial"] == int(report.nik.serial)
        if "non_digit" in report.problems or "length" in report.problems:
            assert pd.isna(row["nik"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(nik_like, record_dates, record_sex), max_size=30))
def test_check_niks_agrees_with_validate_nik(rows: list[tuple[object, object, object]]) -> None:
    values = [r[0] for r in rows]
    dates = [r[1] for r in rows]
    sexes = [r[2] for r in rows]
    index = pd.Index([i % 3 for i in range(len(rows))])  # duplicate labels
    frame = pd.DataFrame({"nik": pd.Series(values, dtype=object), "tanggal_lahir": dates,
                          "jenis_kelamin": sexes})
    frame.index = index
    out = check_niks(frame, reference_date=REF)
    assert list(out.columns) == COLUMNS
    assert out.index.equals(frame.index)
    assert_agrees(out, values, dates, sexes)
    plain = check_niks(pd.Series(values, dtype=object, index=index), reference_date=REF)
    assert plain.index.equals(index)
    assert_agrees(plain, values, None, None)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(st.floats(), st.integers(0, 10**17),
                          st.floats(1e15, 1e16)), max_size=20))
def test_numeric_columns_agree_with_validate_nik(values: list[float]) -> None:
    series = pd.Series([float(v) for v in values], dtype="float64")
    out = check_niks(series, reference_date=REF)
    assert_agrees(out, series.tolist(), None, None)
    ints = pd.Series([int(v) for v in values if isinstance(v, int)], dtype="int64")
    assert_agrees(check_niks(ints, reference_date=REF), ints.tolist(), None, None)


def test_same_length_index_and_order() -> None:
    niks = [compose_nik("187101", dt.date(1990, 1, d), "L", d) for d in range(1, 21)]
    values = pd.Series([*niks, "bad", None, "1871 0101 0190 0001"],
                       index=list("abcdefghijklmnopqrstuvw"))
    out = check_niks(values, reference_date=REF)
    assert len(out) == len(values)
    assert out.index.equals(values.index)
    assert out["is_valid"].tolist() == [True] * 20 + [False, False, True]
    assert out.loc["w", "nik"] == "1871010101900001"
    assert out["problems"].tolist()[20:22] == ["non_digit", "missing"]
    assert str(out["birth_date"].dtype).startswith("datetime64")
    assert pd.isna(out.loc["u", "birth_date"])
    assert pd.isna(out.loc["u", "district"])
    assert pd.isna(out.loc["u", "serial"])
    assert pd.isna(out.loc["u", "sex"])


def test_empty_input() -> None:
    out = check_niks(pd.Series([], dtype=object))
    assert list(out.columns) == COLUMNS
    assert len(out) == 0


def test_dataframe_with_export_headers() -> None:
    frame = pd.DataFrame({
        "NIK": ["1871015708450001", "1871015708450001"],
        "TGL_LHR": ["17-08-1945", "18-08-1945"],
        "JENIS_KLMIN": ["PEREMPUAN", "LAKI-LAKI"],
    })
    out = check_niks(frame, reference_date=REF)
    assert out["problems"].tolist() == ["", "birth_date_mismatch;sex_mismatch"]
    renamed = frame.rename(columns={"NIK": "nomor"})
    out2 = check_niks(renamed, column="nomor", birth_date="TGL_LHR", sex="JENIS_KLMIN",
                      reference_date=REF)
    assert out2["problems"].tolist() == out["problems"].tolist()


def test_datetime_birth_date_column_and_arrays() -> None:
    niks = pd.Series(["1871015708450001", "1871011708450002"])
    dates = pd.Series(pd.to_datetime(["1945-08-17", None]))
    out = check_niks(niks, birth_date=dates, sex=np.array([2, 2]), reference_date=REF)
    assert out["problems"].tolist() == ["", "sex_mismatch"]


def test_schema_errors() -> None:
    with pytest.raises(SchemaError, match="no nik column"):
        check_niks(pd.DataFrame({"nama": ["x"]}))
    with pytest.raises(SchemaError, match="not found"):
        check_niks(pd.DataFrame({"nik": ["x"]}), birth_date="tgl")
    with pytest.raises(SchemaError, match="values for"):
        check_niks(pd.Series(["x", "y"]), sex=["L"])
    with pytest.raises(SchemaError, match="Series or a DataFrame"):
        check_niks(["1871015708450001"])  # type: ignore[arg-type]


def test_historic_regions_in_column_check(tmp_path: object) -> None:
    old = Regions.from_mapping({"91": "PAPUA", "91.01": "KAB. MERAUKE", "91.01.01": "MERAUKE"})
    niks = pd.Series(["9101011708450001", "9102011708450001"])
    plain = check_niks(niks, reference_date=REF)
    assert plain["problems"].tolist() == ["region_unknown", "region_unknown"]
    out = check_niks(niks, reference_date=REF, regions=Regions.default().with_historic(old))
    assert out["problems"].tolist() == ["region_historic", "region_unknown"]
    assert out["is_valid"].all()


def test_million_rows_keep_length_and_index() -> None:
    base = np.array([compose_nik("187101", dt.date(1980, 5, 5), "P", s) for s in range(1, 1001)],
                    dtype=object)
    values = pd.Series(np.tile(base, 1000), index=np.repeat(np.arange(1000), 1000))
    out = check_niks(values, reference_date=REF)
    assert len(out) == 1_000_000
    assert out.index.equals(values.index)
    assert out["is_valid"].all()
