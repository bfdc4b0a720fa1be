"""Keyed pseudonymisation: stable tokens over cleaned values, no raw value left, clear errors."""

from __future__ import annotations

import hashlib
import hmac
import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzzkit import damaged_niks, niks, series_of, weird_scalars
from nikmatch.errors import SchemaError
from nikmatch.nik import clean_nik
from nikmatch.privacy import MIN_KEY_BYTES, pseudonymize, pseudonymize_frame

KEY = b"test key: 0123456789abcdef"
OTHER_KEY = b"another key, 16+ bytes long"
HEX64 = re.compile(r"[0-9a-f]{64}")


def test_token_is_hmac_sha256_of_the_cleaned_nik_with_domain_separation() -> None:
    token = pseudonymize(pd.Series(["'1871 0157 0845 0001"]), KEY, kind="nik")[0]
    expected = hmac.new(KEY, b"nikmatch/v1/nik\x1f1871015708450001", hashlib.sha256).hexdigest()
    assert token == expected


def test_nik_and_kk_tokens_differ_for_the_same_digits() -> None:
    digits = pd.Series(["1871015708450001"])
    assert pseudonymize(digits, KEY, kind="nik")[0] != pseudonymize(digits, KEY, kind="kk")[0]


def test_tokens_depend_on_the_key() -> None:
    digits = pd.Series(["1871015708450001"])
    one = pseudonymize(digits, KEY, kind="nik")[0]
    assert one != pseudonymize(digits, OTHER_KEY, kind="nik")[0]


@given(damaged_niks())
def test_damaged_forms_of_a_nik_get_the_token_of_its_cleaned_form(raw: object) -> None:
    tokens = pseudonymize(pd.Series([raw, clean_nik(raw)], dtype=object), KEY, kind="nik")
    assert [tokens.iloc[0]] == [tokens.iloc[1]]  # list equality: NA matches NA


@given(series_of(weird_scalars()))
def test_same_index_order_and_missing_stay_missing(values: pd.Series) -> None:
    for kind in ("nik", "kk", "name"):
        if any(isinstance(v, list) for v in values):  # documented: unhashable values
            with pytest.raises(TypeError, match="unhashable"):
                pseudonymize(values, KEY, kind=kind)  # type: ignore[arg-type]
            continue
        out = pseudonymize(values, KEY, kind=kind)  # type: ignore[arg-type]
        assert out.index.equals(values.index)
        assert len(out) == len(values)
        assert str(out.dtype) == "string"
        for raw, token in zip(values.tolist(), out.tolist(), strict=True):
            assert token is pd.NA or HEX64.fullmatch(token)
            if raw is None or raw is pd.NA or (isinstance(raw, float) and raw != raw):
                assert token is pd.NA


@given(st.lists(niks(), min_size=1, max_size=20))
def test_row_order_does_not_change_tokens(values: list[str]) -> None:
    forward = pseudonymize(pd.Series(values), KEY, kind="nik")
    backward = pseudonymize(pd.Series(values[::-1]), KEY, kind="nik")
    assert forward.tolist() == backward.tolist()[::-1]


def test_equal_hashing_values_of_different_types_stay_apart_whatever_the_order() -> None:
    a = pseudonymize(pd.Series([True, 1], dtype=object), KEY, kind="nik").tolist()
    b = pseudonymize(pd.Series([1, True], dtype=object), KEY, kind="nik").tolist()
    assert a == b[::-1]
    assert a[0] != a[1]


def test_empty_names_are_missing_not_a_shared_token() -> None:
    tokens = pseudonymize(pd.Series(["", "   ", ",", None]), KEY, kind="name")
    assert tokens.isna().all()


@pytest.mark.parametrize("bad", [b"", b"short", b"x" * (MIN_KEY_BYTES - 1)])
def test_short_key_is_a_clear_value_error(bad: bytes) -> None:
    with pytest.raises(ValueError, match="key is too short"):
        pseudonymize(pd.Series(["1871015708450001"]), bad, kind="nik")


def test_text_key_is_a_clear_type_error() -> None:
    with pytest.raises(TypeError, match="key must be bytes"):
        pseudonymize(pd.Series(["1"]), "a string key of many chars", kind="nik")  # type: ignore[arg-type]


def test_unknown_kind_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="kind must be one of"):
        pseudonymize(pd.Series(["1"]), KEY, kind="email")  # type: ignore[arg-type]


def test_frame_replaces_identifiers_and_keeps_everything_else() -> None:
    df = pd.DataFrame(
        {"nik": ["1871015708450001", None], "no_kk": ["1871010101200001", "1871010101200001"],
         "nama": ["Siti Aminah", "SITI AMINAH"], "nama_ibu": ["Nur", None],
         "tanggal_lahir": ["1945-08-17", "1990-01-01"]},
        index=["a", "b"],
    )
    out = pseudonymize_frame(df, KEY)
    assert list(out.columns) == list(df.columns)
    assert out.index.equals(df.index)
    assert out["tanggal_lahir"].tolist() == df["tanggal_lahir"].tolist()
    assert out.loc["a", "no_kk"] == out.loc["b", "no_kk"]
    assert out.loc["a", "nama"] == out.loc["b", "nama"]
    assert out["nik"].isna().tolist() == [False, True]
    flat = out.astype(str).to_numpy().ravel().tolist()
    assert not any(v in flat for v in ("1871015708450001", "1871010101200001", "Siti Aminah"))
    assert df.loc["a", "nik"] == "1871015708450001"  # the input is not modified


def test_frame_columns_can_be_named_explicitly() -> None:
    df = pd.DataFrame({"NIK_PEMOHON": ["1871015708450001"], "NAMA_LGKP": ["Siti"]})
    out = pseudonymize_frame(df, KEY, columns={"NIK_PEMOHON": "nik", "NAMA_LGKP": "name"})
    assert HEX64.fullmatch(out.loc[0, "NIK_PEMOHON"])


def test_frame_without_known_columns_is_a_schema_error() -> None:
    with pytest.raises(SchemaError, match="none of the default columns"):
        pseudonymize_frame(pd.DataFrame({"x": [1]}), KEY)
    with pytest.raises(SchemaError, match="not in the frame"):
        pseudonymize_frame(pd.DataFrame({"x": [1]}), KEY, columns={"nik": "nik"})


def test_empty_frame_gives_empty_frame() -> None:
    out = pseudonymize_frame(pd.DataFrame({"nik": pd.Series([], dtype=object)}), KEY)
    assert out.shape == (0, 1)
