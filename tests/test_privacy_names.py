"""Pseudonymised names: tokens follow nikmatch.names normalisation and phonetic keys."""

from __future__ import annotations

import pandas as pd

from nikmatch.privacy import pseudonymize, pseudonymize_frame

KEY = b"test key: 0123456789abcdef"


def test_name_tokens_agree_after_normalisation() -> None:
    names = pd.Series(["H. MOCH. DJOKO SOESILO, S.H.", "Muhammad Joko Susilo", "Joko Susilo"])
    tokens = pseudonymize(names, KEY, kind="name")
    assert tokens[0] == tokens[1]
    assert tokens[0] != tokens[2]


def test_keep_phonetic_adds_key_tokens_that_survive_spelling_variants() -> None:
    df = pd.DataFrame({"nama": ["Yusuf Rachmat", "Jusuf Rahmat"]})
    out = pseudonymize_frame(df, KEY, keep_phonetic=True)
    assert list(out.columns) == ["nama", "nama_key"]
    assert out.loc[0, "nama_key"] == out.loc[1, "nama_key"]
    assert out.loc[0, "nama_key"] != out.loc[0, "nama"]
