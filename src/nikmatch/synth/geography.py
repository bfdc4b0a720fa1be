"""Where generated people live and come from: kecamatan, kelurahan, streets, places of birth.

Codes and names come from :meth:`nikmatch.regions.Regions.default` (the bundled Kemendagri
table).  Kecamatan and kelurahan are weighted with a seeded Zipf-like distribution (exponent
0.5: in a city of 20 kecamatan the largest is about 4.5 times the smallest, as in Bandar
Lampung).  Migrants come from the other regencies of the province and from large cities of
Java and Sumatra.

>>> geo = Geography.build("1871", np.random.default_rng(0))
>>> len(geo.districts), geo.place_of_birth
(20, 'BANDAR LAMPUNG')
>>> geo.district_names[list(geo.districts).index("187101")]
'KEDATON'
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from nikmatch.errors import SchemaError
from nikmatch.regions import Regions, undot
from nikmatch.synth.names import zipf_weights

__all__ = ["STREETS", "Geography", "place_name"]

#: Regencies/cities outside the province that send migrants (Java and Sumatra), by weight.
_FAR_ORIGINS: tuple[tuple[str, float], ...] = (
    ("3171", 3),
    ("3172", 2),
    ("3173", 2),
    ("3174", 2),
    ("3175", 3),
    ("3201", 2),
    ("3273", 2),
    ("3204", 1),
    ("3374", 2),
    ("3372", 1),
    ("3578", 2),
    ("3471", 1),
    ("3301", 1),
    ("3302", 1),
    ("3603", 2),
    ("3671", 1),
    ("1671", 3),
    ("1275", 2),
    ("1371", 1),
    ("1571", 1),
    ("1771", 1),
    ("5171", 1),
    ("7371", 1),
    ("3309", 1),
    ("3313", 1),
)

#: Street names (neutral words: plants, birds, places); addresses are JL./GG. + one of these.
STREETS: tuple[str, ...] = (
    "MAWAR",
    "MELATI",
    "KENANGA",
    "ANGGREK",
    "CEMPAKA",
    "FLAMBOYAN",
    "DAHLIA",
    "TERATAI",
    "SAWO",
    "MANGGA",
    "DURIAN",
    "RAMBUTAN",
    "NANGKA",
    "KELAPA",
    "PISANG",
    "JERUK",
    "SALAK",
    "CENDANA",
    "MERANTI",
    "BERINGIN",
    "BAMBU",
    "PINANG",
    "RASAMALA",
    "CEMARA",
    "KAMBOJA",
    "MERPATI",
    "KUTILANG",
    "CENDRAWASIH",
    "RAJAWALI",
    "KASUARI",
    "NURI",
    "PELITA",
    "SEJAHTERA",
    "MAKMUR",
    "SENTOSA",
    "BAHAGIA",
    "HARAPAN",
    "KARYA",
    "BHAKTI",
    "PERINTIS",
    "PEMUDA",
    "MASJID",
    "MUSHOLA",
    "PASAR",
    "PELABUHAN",
    "STASIUN",
    "LAPANGAN",
    "SEKOLAH",
    "KAMPUNG BARU",
    "WAY HALIM",
    "WAY KANDIS",
    "WAY SEKAMPUNG",
    "WAY TULANG BAWANG",
    "WAY SEMANGKA",
    "RAYA",
    "BUKIT",
    "GUNUNG",
    "KALI",
    "TELUK",
    "PANTAI",
    "NELAYAN",
    "TANI",
    "SETIA",
    "ABADI",
    "DAMAI",
    "MERDEKA",
    "SAWAH",
    "KEBUN",
    "TAMAN",
    "SEROJA",
    "TANJUNG",
    "PULAU",
    "SUMBER",
    "MAJU",
)
_ESTATES: tuple[str, ...] = (
    "GRIYA",
    "BUMI",
    "TAMAN",
    "VILLA",
    "PERMATA",
    "CITRA",
    "PURI",
    "GRAHA",
    "KORPRI",
    "BTN",
)


def place_name(region_name: str) -> str:
    """Upper-case place of birth from a regency name (without ``Kabupaten``/``Kota``).

    >>> place_name("Kota Bandar Lampung"), place_name("Kabupaten Lampung Selatan")
    ('BANDAR LAMPUNG', 'LAMPUNG SELATAN')
    >>> place_name("Kota Administrasi Jakarta Pusat")
    'JAKARTA'
    """
    text = region_name.upper()
    for prefix in ("KOTA ADMINISTRASI ", "KABUPATEN ADMINISTRASI ", "KABUPATEN ", "KOTA "):
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    if text.startswith("JAKARTA "):
        return "JAKARTA"
    return text


@dataclass(frozen=True)
class Geography:
    """The kecamatan and kelurahan of one regency, with weights, and migrant origins.

    Build it with :meth:`build`.  Arrays are aligned: ``districts[i]`` has name
    ``district_names[i]`` and weight ``district_weights[i]``; ``villages[i]`` lists the
    kelurahan names of district ``i`` with weights ``village_weights[i]``.

    >>> geo = Geography.build("1872", np.random.default_rng(1))
    >>> geo.place_of_birth, round(float(geo.district_weights.sum()), 6)
    ('METRO', 1.0)
    """

    regency: str
    place_of_birth: str
    districts: tuple[str, ...]
    district_names: tuple[str, ...]
    district_weights: npt.NDArray[np.float64]
    villages: tuple[tuple[str, ...], ...]
    village_weights: tuple[npt.NDArray[np.float64], ...]
    origin_districts: tuple[str, ...]
    origin_places: tuple[str, ...]
    origin_weights: npt.NDArray[np.float64]

    @classmethod
    def build(
        cls, region: str, rng: np.random.Generator, regions: Regions | None = None
    ) -> Geography:
        """Read the regency ``region`` from the region table and draw seeded weights.

        Raises :class:`~nikmatch.errors.SchemaError` when ``region`` is not a regency with
        kecamatan in the table.

        >>> Geography.build("9999", np.random.default_rng(0))
        Traceback (most recent call last):
        ...
        nikmatch.errors.SchemaError: region '9999' is not a regency/city of the region table ...
        """
        table = regions if regions is not None else Regions.default()
        code = undot(region) or ""
        districts = table.children(code) if len(code) == 4 else []
        name = table.name(code) if districts else None
        if not districts or name is None:
            raise SchemaError(
                f"region {region!r} is not a regency/city of the region table "
                "(give a 4-digit Kemendagri code such as '1871')"
            )
        district_weights = zipf_weights(len(districts), 0.5)[rng.permutation(len(districts))]
        villages: list[tuple[str, ...]] = []
        village_weights: list[npt.NDArray[np.float64]] = []
        for district in districts:
            names = tuple((table.name(v) or v).upper() for v in table.children(district))
            names = names or ((table.name(district) or district).upper(),)
            villages.append(names)
            village_weights.append(zipf_weights(len(names), 0.5)[rng.permutation(len(names))])
        origins: list[str] = []
        places: list[str] = []
        weights: list[float] = []
        near = [r for r in table.children(code[:2]) if r != code]
        far = [(r, w) for r, w in _FAR_ORIGINS if r[:2] != code[:2] and r in table]
        for regency, weight in [*((r, 6.0) for r in near), *far]:
            kecamatan = table.children(regency)
            for k in kecamatan:
                origins.append(k)
                places.append(place_name(table.name(regency) or regency))
                weights.append(weight / len(kecamatan))
        origin_weights = np.asarray(weights, dtype=np.float64)
        return cls(
            regency=code,
            place_of_birth=place_name(name),
            districts=tuple(districts),
            district_names=tuple((table.name(d) or d).upper() for d in districts),
            district_weights=district_weights,
            villages=tuple(villages),
            village_weights=tuple(village_weights),
            origin_districts=tuple(origins),
            origin_places=tuple(places),
            origin_weights=origin_weights / origin_weights.sum(),
        )

    def draw_districts(self, rng: np.random.Generator, n: int) -> npt.NDArray[np.int64]:
        """Positions into :attr:`districts`, drawn with the district weights.

        >>> geo = Geography.build("1871", np.random.default_rng(0))
        >>> geo.draw_districts(np.random.default_rng(0), 3).tolist()
        [12, 5, 0]
        """
        return rng.choice(len(self.districts), size=n, p=self.district_weights)

    def draw_villages(
        self, rng: np.random.Generator, district: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.object_]:
        """A kelurahan name for each district position, drawn with the village weights.

        >>> geo = Geography.build("1871", np.random.default_rng(0))
        >>> geo.draw_villages(np.random.default_rng(0), np.array([0, 0])).tolist()
        ['PENENGAHAN', 'SUKAMENANTI']
        """
        out = np.empty(district.size, dtype=object)
        u = rng.random(district.size)
        for i, (names, weights) in enumerate(zip(self.villages, self.village_weights, strict=True)):
            rows = np.flatnonzero(district == i)
            cdf = np.cumsum(weights)
            pick = np.minimum(np.searchsorted(cdf, u[rows] * cdf[-1], side="right"), len(names) - 1)
            out[rows] = np.asarray(names, dtype=object)[pick]
        return out

    def draw_addresses(self, rng: np.random.Generator, n: int) -> npt.NDArray[np.object_]:
        """Street addresses like SIAK's ``alamat``: ``JL. MAWAR NO. 12``, ``GG. SAWO``...

        >>> geo = Geography.build("1871", np.random.default_rng(0))
        >>> geo.draw_addresses(np.random.default_rng(3), 3).tolist()
        ['JL. CEMARA NO. 99', 'JL. MELATI NO. 77', 'PERUM GRAHA KELAPA BLOK D NO. 4']
        """
        kind = rng.choice(4, size=n, p=[0.5, 0.3, 0.12, 0.08])
        street = np.asarray(STREETS, dtype=object)[
            rng.choice(len(STREETS), size=n, p=zipf_weights(len(STREETS), 0.6))
        ]
        number = rng.integers(1, 160, size=n)
        estate = np.asarray(_ESTATES, dtype=object)[rng.integers(0, len(_ESTATES), size=n)]
        block = np.asarray(list("ABCDEFGH"), dtype=object)[rng.integers(0, 8, size=n)]
        out = np.empty(n, dtype=object)
        for i in range(n):
            k = kind[i]
            if k == 0:
                out[i] = f"JL. {street[i]} NO. {number[i]}"
            elif k == 1:
                out[i] = f"GG. {street[i]}" if number[i] % 3 else f"GG. {street[i]} NO. {number[i]}"
            elif k == 2:
                out[i] = f"PERUM {estate[i]} {street[i]} BLOK {block[i]} NO. {number[i] % 40 + 1}"
            else:
                out[i] = f"JL. {street[i]}"
        return out
