"""Masking never leaks a full identifier."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from nikmatch.privacy import mask_nik, mask_text

SIXTEEN = re.compile(r"\d{16}")


@given(st.text(alphabet="0123456789 .-", max_size=60))
def test_mask_text_leaves_no_long_digit_run(text: str) -> None:
    assert not re.search(r"\d{9}", mask_text(text))


@given(st.from_regex(r"\d{16}", fullmatch=True))
def test_mask_nik_keeps_region_and_tail(nik: str) -> None:
    masked = mask_nik(nik)
    assert masked[:6] == nik[:6]
    assert masked[-2:] == nik[-2:]
    assert masked[6:14] == "*" * 8
    assert not SIXTEEN.search(masked)


def test_schema_errors_never_show_a_whole_nik_from_the_columns() -> None:
    """A file of NIKs read with its first NIK as the header: the schema error lists the
    columns, masked."""
    import pandas as pd
    import pytest

    import nikmatch as nm

    frame = pd.DataFrame({"1871015708450001": ["1871015708450002"]})
    with pytest.raises(nm.SchemaError) as caught:
        nm.check_niks(frame)
    assert "1871015708450001" not in str(caught.value)
    assert "187101********01" in str(caught.value)
