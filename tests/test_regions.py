"""Region table: the bundled edition, user-supplied editions, historic codes, vectorised lookups."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nikmatch.errors import SchemaError
from nikmatch.regions import CURRENT, HISTORIC, UNKNOWN, Regions, undot

WILAYAH = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "wilayah"
EDITIONS = (2016, 2018, 2020, 2022, 2023, 2025)
needs_wilayah = pytest.mark.skipif(
    not (WILAYAH / "kemendagri_2025.csv").exists(), reason="shared wilayah editions not present"
)


@cache
def edition(year: int) -> Regions:
    return Regions.from_csv(WILAYAH / f"kemendagri_{year}.csv")


def edition_rows(year: int) -> list[tuple[str, str]]:
    with (WILAYAH / f"kemendagri_{year}.csv").open(encoding="utf-8") as handle:
        return [(row["kode"], row["nama"]) for row in csv.DictReader(handle)]


def test_default_is_cached_and_knows_bandar_lampung() -> None:
    regions = Regions.default()
    assert regions is Regions.default()
    assert regions.name("18") == "Lampung"
    assert regions.name("18.71") == "Kota Bandar Lampung"
    assert regions.name("187101") == "Kedaton"
    kecamatan = regions.children("1871")
    assert len(kecamatan) == 20
    assert kecamatan[0] == "187101"
    assert all(len(c) == 6 and c.startswith("1871") for c in kecamatan)
    kelurahan = regions.children("187101")
    assert "1871011003" in kelurahan
    assert regions.name(kelurahan[0]) is not None


def test_default_counts_match_the_2025_decree() -> None:
    regions = Regions.default()
    assert len(regions.provinces()) == 38
    assert regions.children("") == []
    levels = pd.Series([Regions.level(c) for c in regions._names]).value_counts()
    assert levels["province"] == 38
    assert levels["regency"] == 514
    assert levels["district"] == 7285


def test_levels_and_undot() -> None:
    assert Regions.level("18.71.01.1003") == "village"
    assert Regions.level("1871") == "regency"
    assert Regions.level("18.7") is None
    assert Regions.level(1871) is None
    assert undot("  18.71.01 ") == "187101"
    assert undot("18.71.011") is None


def test_kemendagri_is_not_bps() -> None:
    # BPS 1871010 (Telukbetung Barat) is Kemendagri 18.71.08; 7-digit codes are not accepted.
    regions = Regions.default()
    assert regions.name("1871010") is None
    assert regions.name("18.71.08") == "Telukbetung Barat"


def test_vectorised_status_and_names_keep_index() -> None:
    regions = Regions.default()
    codes = pd.Series(["1871", "9101", None, "1871", "18.71.01"], index=[5, 5, 7, 1, 0])
    status = regions.lookup_status(codes)
    assert status.index.equals(codes.index)
    assert status.astype(str).tolist() == ["current", "unknown", "unknown", "current", "current"]
    names = regions.lookup_names(codes)
    assert names.index.equals(codes.index)
    assert names.iloc[0] == "Kota Bandar Lampung"
    assert pd.isna(names.iloc[1])
    assert pd.isna(names.iloc[2])
    arr = regions.status_codes(np.array(["187101", "000000"], dtype=object))
    assert arr.tolist() == [CURRENT, UNKNOWN]
    assert regions.status_codes([]).shape == (0,)


def test_from_mapping_rejects_bad_codes() -> None:
    with pytest.raises(SchemaError, match="not a Kemendagri code"):
        Regions.from_mapping({"1871010": "x"})


def test_from_csv_rejects_missing_columns(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("code,name\n18,Lampung\n", encoding="utf-8")
    with pytest.raises(SchemaError, match="kode,nama"):
        Regions.from_csv(path)


def test_from_csv_edition_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "decree.csv"
    path.write_text("\ufeffkode,nama\n18,LAMPUNG\n18.71,KOTA BANDAR LAMPUNG\n\n", encoding="utf-8")
    regions = Regions.from_csv(path, edition="Permendagri 72/2019")
    assert regions.edition == "Permendagri 72/2019"
    assert regions.children("18") == ["1871"]


@needs_wilayah
@pytest.mark.parametrize("year", EDITIONS)
def test_every_code_of_every_edition_is_accepted_with_its_name(year: int) -> None:
    regions = edition(year)
    rows = edition_rows(year)
    assert len(rows) > 90_000
    for code, name in rows:
        assert regions.is_current(code), code
        assert regions.name(code) == name.strip(), code
    kecamatan = [c for c, _ in rows if c.count(".") == 2]
    undotted = np.array([c.replace(".", "") for c in kecamatan], dtype=object)
    assert regions.status_codes(undotted).max() == CURRENT


@needs_wilayah
def test_bundled_table_agrees_with_2025_edition(capsys: pytest.CaptureFixture[str]) -> None:
    bundled = Regions.default()
    rows = edition_rows(2025)
    codes = {undot(c) for c, _ in rows}
    missing = [c for c, _ in rows if not bundled.is_current(c)]
    renamed = [c for c, n in rows if bundled.is_current(c) and bundled.name(c) != n.strip()]
    bundled_codes = set(bundled._names) | set(bundled._village_names())
    extra = sorted(bundled_codes - codes)  # type: ignore[operator]
    print(f"bundled vs 2025: missing={len(missing)} renamed={len(renamed)} extra={len(extra)}")
    print("missing:", missing[:20], "renamed:", renamed[:20], "extra:", extra[:20])
    assert (missing, renamed, extra) == ([], [], [])


@needs_wilayah
def test_papua_split_codes_are_historic_once_2020_is_loaded() -> None:
    old = edition(2020)
    assert old.name("91.01") is not None  # Merauke, before the 2022 split
    current = Regions.default()
    assert current.status("9101") == "unknown"
    regions = current.with_historic(old)
    assert regions.status("9101") == "historic"
    assert regions.historic_edition("910101") == "kemendagri_2020"
    assert regions.name("9101") == old.name("9101")
    assert regions.status("187101") == "current"
    assert regions.status_codes(["9101", "1871", "0000"]).tolist() == [HISTORIC, CURRENT, UNKNOWN]
    assert regions.historic_editions == ("kemendagri_2020",)
    # The 2022 split: 26 regencies and 594 kecamatan of the 2022 edition are gone from 2025.
    gone = [c for c in edition(2022)._names if len(c) in (4, 6) and not current.is_current(c)]
    assert sum(len(c) == 4 for c in gone) == 26
    assert sum(len(c) == 6 for c in gone) == 594


@needs_wilayah
def test_historic_keeps_first_table_given() -> None:
    regions = Regions.default().with_historic(edition(2022), edition(2016))
    assert regions.historic_edition("9101") == "kemendagri_2022"
    assert set(regions.historic_editions) <= {"kemendagri_2022", "kemendagri_2016"}
