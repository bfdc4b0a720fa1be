"""Region codes for the generated city and the regions its migrants come from.

Read at run time from the shared Kemendagri table (``../shared/data/wilayah/``, see its README:
used through that path, never copied into the project).  Without the table a generic fallback
is used (codes 1871.01-20 and made-up names), so the generator still runs elsewhere, with
other output.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

CITY = "1871"  # Kota Bandar Lampung

#: where members of each group were born / first registered: (province, weight)
ORIGIN_PROVINCES: dict[str, list[tuple[str, float]]] = {
    "JAWA": [("18", 0.50), ("33", 0.18), ("35", 0.14), ("34", 0.07), ("31", 0.06), ("32", 0.05)],
    "SUNDA": [("32", 0.55), ("36", 0.15), ("18", 0.25), ("31", 0.05)],
    "LAMPUNG": [("18", 1.0)],
    "MELAYU": [("16", 0.60), ("18", 0.32), ("15", 0.08)],
    "MINANG": [("13", 0.75), ("18", 0.15), ("31", 0.10)],
    "BATAK": [("12", 0.78), ("18", 0.14), ("31", 0.08)],
    "TIONGHOA": [("18", 0.55), ("31", 0.20), ("16", 0.13), ("12", 0.12)],
    "BALI": [("51", 0.45), ("18", 0.55)],
    "UMUM": [("18", 0.45), ("31", 0.15), ("73", 0.20), ("36", 0.20)],
}
#: share of people of a group born in Lampung who were born in the city itself
CITY_SHARE_OF_LAMPUNG = 0.55


@dataclass
class Regency:
    code: str  # 4 digits
    name: str  # upper case, without "KABUPATEN"/"KOTA"
    population: float
    kecamatan: list[tuple[str, str]] = field(default_factory=list)  # (6 digits, name)


@dataclass
class Regions:
    city_kecamatan: list[tuple[str, str]]  # (6 digits, name)
    kelurahan: dict[str, list[str]]  # city kecamatan code -> kelurahan names
    regencies: dict[str, list[Regency]]  # province (2 digits) -> regencies
    source: str


def _clean(name: str) -> str:
    text = name.upper()
    for prefix in ("KABUPATEN ADMINISTRASI ", "KOTA ADMINISTRASI ", "KABUPATEN ", "KOTA "):
        if text.startswith(prefix):
            text = text[len(prefix):]
    return " ".join(text.split())


def _folder() -> Path | None:
    env = os.environ.get("INDEPGEN_WILAYAH")
    candidates = [Path(env)] if env else []
    here = Path(__file__).resolve()
    candidates += [parent / "shared" / "data" / "wilayah" for parent in here.parents]
    for folder in candidates:
        if (folder / "kemendagri_2025.csv").exists():
            return folder
    return None


@lru_cache(maxsize=1)
def load_regions() -> Regions:
    folder = _folder()
    if folder is None:
        return _fallback()
    rows = list(csv.reader((folder / "kemendagri_2025.csv").open(encoding="utf-8")))
    population: dict[str, float] = {}
    pop_path = folder / "penduduk_2025.csv"
    if pop_path.exists():
        with pop_path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                population[row["kode"].replace(".", "")] = float(row["total"] or 0)
    provinces = {p for groups in ORIGIN_PROVINCES.values() for p, _ in groups}
    regencies: dict[str, dict[str, Regency]] = {p: {} for p in provinces}
    city_kec: list[tuple[str, str]] = []
    kelurahan: dict[str, list[str]] = {}
    for code, name in rows[1:] if rows and rows[0][0] == "kode" else rows:
        parts = code.split(".")
        if parts[0] not in provinces:
            continue
        if len(parts) == 2:
            reg = parts[0] + parts[1]
            regencies[parts[0]][reg] = Regency(reg, _clean(name), population.get(reg, 1.0))
        elif len(parts) == 3:
            reg = parts[0] + parts[1]
            if reg in regencies[parts[0]]:
                regencies[parts[0]][reg].kecamatan.append((reg + parts[2], _clean(name)))
            if reg == CITY:
                city_kec.append((reg + parts[2], _clean(name)))
        elif len(parts) == 4 and parts[0] + parts[1] == CITY:
            kelurahan.setdefault(parts[0] + parts[1] + parts[2], []).append(_clean(name))
    out = {p: [r for r in regs.values() if r.kecamatan] for p, regs in regencies.items()}
    return Regions(city_kec, kelurahan, out, source=str(folder / "kemendagri_2025.csv"))


def _fallback() -> Regions:
    generic = ["SUKAJAYA", "SUKAMAJU", "SIDOREJO", "MEKARSARI", "KARANG ANYAR", "GEDONG AIR",
               "TANJUNG RAYA", "SUMBER REJO", "WAY DADI", "KAMPUNG BARU"]
    city = [(f"{CITY}{i:02d}", f"KECAMATAN {i:02d}") for i in range(1, 21)]
    kel = {code: [f"{g} {i}" if j % 2 else g for j, g in enumerate(generic[: 5 + i % 4])]
           for i, (code, _) in enumerate(city)}
    regencies: dict[str, list[Regency]] = {}
    for groups in ORIGIN_PROVINCES.values():
        for province, _ in groups:
            regs = [Regency(f"{province}{k:02d}", f"KABUPATEN {province}{k:02d}", 1.0,
                            [(f"{province}{k:02d}{c:02d}", f"KECAMATAN {c:02d}") for c in range(1, 9)])
                    for k in range(1, 6)]
            if province == CITY[:2]:
                regs.append(Regency(CITY, "BANDAR LAMPUNG", 1.0, city))
            regencies[province] = regs
    return Regions(city, kel, regencies, source="generic fallback")
