"""Name pools by naming tradition, drawn with Zipf-like frequencies.

Every pool lists tokens from most to least common; :func:`zipf_weights` turns that order into
probabilities, so a handful of tokens (``MUHAMMAD``, ``SITI``, ``RIZKI``, ``AMINAH``...) cover a
large share of people and many unrelated residents share a full name.  The tokens are ordinary
given names and family names; no pool combines them into the name of a known person (see
:data:`AVOIDED_NAMES`), and every person generated is fictitious.

A name is built from four slots, ``prefix first middle last`` (empty slots are skipped):

* ``prefix`` -- Balinese ``I``/``NI`` + birth-order word, or a Lampung *adok* title;
* ``first`` / ``middle`` -- given names;
* ``last`` -- a second given name, or the family name (marga, Chinese-Indonesian surname,
  eastern-Indonesian family name) that children inherit from their father.

>>> t = TRADITIONS["balinese"]
>>> t.inherits_surname, BALINESE_ORDER[0]
(False, ('WAYAN', 'PUTU', 'GEDE'))
>>> round(float(zipf_weights(3, 1.0)[0]), 3)
0.545
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "ABDUL_SECOND",
    "ADOK_FEMALE",
    "ADOK_MALE",
    "AVOIDED_NAMES",
    "BALINESE_ORDER",
    "TRADITIONS",
    "TWIN_NAME_KINDS",
    "TWIN_PAIRS",
    "Pool",
    "Tradition",
    "draw_names",
    "draw_surnames",
    "sibling_variant",
    "twin_names",
    "zipf_weights",
]


def zipf_weights(n: int, exponent: float) -> npt.NDArray[np.float64]:
    """Probabilities proportional to ``1 / rank**exponent`` for ranks 1..n.

    >>> [round(float(w), 2) for w in zipf_weights(4, 1.0)]
    [0.48, 0.24, 0.16, 0.12]
    """
    ranks = np.arange(1, n + 1, dtype=np.float64)
    weights = ranks**-exponent
    result: npt.NDArray[np.float64] = weights / weights.sum()
    return result


@dataclass(frozen=True)
class Pool:
    """Tokens for one sex of one tradition, most common first.

    ``single`` are one-word names (mostly older people), ``first`` and ``last`` the first and
    last given names of longer names.

    >>> Pool(single=("SLAMET",), first=("BUDI",), last=("SANTOSO",)).first
    ('BUDI',)
    """

    single: tuple[str, ...]
    first: tuple[str, ...]
    last: tuple[str, ...]


@dataclass(frozen=True)
class Tradition:
    """A naming tradition: its share of households, pools, surnames and religions.

    >>> TRADITIONS["batak"].inherits_surname
    True
    """

    name: str
    share: float
    male: Pool
    female: Pool
    surnames: tuple[str, ...] = ()
    religions: tuple[tuple[str, float], ...] = (("ISLAM", 1.0),)

    @property
    def inherits_surname(self) -> bool:
        """Whether children take the father's family name (marga, surname).

        >>> TRADITIONS["javanese"].inherits_surname
        False
        """
        return bool(self.surnames)


#: Full names never produced (public figures); a generated name equal to one is redrawn.
AVOIDED_NAMES: frozenset[str] = frozenset(
    {
        "JOKO WIDODO",
        "SUSILO BAMBANG YUDHOYONO",
        "MEGAWATI SOEKARNOPUTRI",
        "PRABOWO SUBIANTO",
        "SOEHARTO",
        "SUHARTO",
        "SOEKARNO",
        "SUKARNO",
        "ABDURRAHMAN WAHID",
        "BUDI GUNAWAN",
        "MUHAMMAD HATTA",
        "JUSUF KALLA",
        "MAKRUF AMIN",
        "GIBRAN RAKABUMING RAKA",
    }
)

#: Balinese birth-order words: first, second, third, fourth child (then the cycle restarts).
BALINESE_ORDER: tuple[tuple[str, ...], ...] = (
    ("WAYAN", "PUTU", "GEDE"),
    ("MADE", "KADEK", "NENGAH"),
    ("NYOMAN", "KOMANG"),
    ("KETUT",),
)

#: Lampung *adok* (customary titles) written before the name in some records.
ADOK_MALE: tuple[str, ...] = ("RADEN", "MINAK", "KIMAS", "BATIN", "PANGERAN")
ADOK_FEMALE: tuple[str, ...] = ("RATU", "INTAN", "MINAN", "RADEN AYU")

_JAVANESE = Tradition(
    "javanese",
    0.34,
    male=Pool(
        single=(
            "SLAMET",
            "SUPARMAN",
            "SUGIYANTO",
            "SUKARDI",
            "SUPRIYADI",
            "SUTRISNO",
            "SUMARNO",
            "SUYATNO",
            "SUNARTO",
            "PAIMAN",
            "PONIMAN",
            "SUGENG",
            "WAGIMAN",
            "SARIMIN",
            "KASIMAN",
            "TUKIMAN",
            "SUPARDI",
            "SURATNO",
            "SUWARNO",
            "MARYONO",
            "SUKIRMAN",
            "PARJO",
            "TUGIMAN",
            "SUDARSONO",
            "RUSMANTO",
            "WIYONO",
            "SAMSUDI",
            "SUWITO",
            "JUMADI",
            "SUMADI",
            "KATIMAN",
            "SUKIMIN",
            "SUPANGAT",
            "WARSITO",
            "MUJIONO",
        ),
        first=(
            "BUDI",
            "AGUS",
            "EKO",
            "DWI",
            "JOKO",
            "TRI",
            "BAMBANG",
            "HERU",
            "ARIF",
            "ADI",
            "DIDIK",
            "TEGUH",
            "WAHYU",
            "EDI",
            "HADI",
            "RUDI",
            "YUDI",
            "HENDRO",
            "DIMAS",
            "BAGUS",
            "BAGAS",
            "ADITYA",
            "FAJAR",
            "RIZKY",
            "RAMA",
            "DEWA",
            "DANU",
            "YOGA",
            "GALIH",
            "ANDI",
            "INDRA",
            "ARYA",
            "REZA",
            "DANANG",
            "PUJI",
            "TONI",
            "ANTON",
            "BAYU",
            "DENI",
            "SIGIT",
            "DODI",
            "IRAWAN",
            "SETYO",
            "PRIYO",
            "YOGI",
            "RENDI",
            "ARDI",
            "NANANG",
            "GILANG",
            "RAHMAT",
            "RAKA",
            "ANGGA",
            "RANGGA",
            "DANI",
            "DONI",
            "ALDO",
            "NANDO",
            "ARGA",
        ),
        last=(
            "SANTOSO",
            "SETIAWAN",
            "PRASETYO",
            "WIBOWO",
            "SAPUTRA",
            "NUGROHO",
            "PURNOMO",
            "KURNIAWAN",
            "SUSANTO",
            "HARYANTO",
            "PRATAMA",
            "HIDAYAT",
            "WIJAYA",
            "SUSILO",
            "RAHARJO",
            "SULISTYO",
            "WALUYO",
            "UTOMO",
            "SETYAWAN",
            "SUBAGYO",
            "WICAKSONO",
            "HARTONO",
            "SUPRIYANTO",
            "FIRMANSYAH",
            "RAMADHAN",
            "MAULANA",
            "HERMAWAN",
            "SAPUTRO",
            "NUGRAHA",
            "PAMUNGKAS",
            "SURYADI",
            "PRAYITNO",
            "SUGIARTO",
            "WIDAGDO",
            "RIYADI",
            "SANTOSA",
            "PURWANTO",
            "SETIADI",
            "HANDOKO",
            "PRIYANTO",
        ),
    ),
    female=Pool(
        single=(
            "SUMARNI",
            "SUPARMI",
            "SUKINAH",
            "SUMIATI",
            "SRIYATI",
            "PAINEM",
            "TUMINAH",
            "WAGINEM",
            "SURATMI",
            "SUWARNI",
            "MARYATI",
            "SUNARSIH",
            "RUBIYEM",
            "SUPIYAH",
            "KASMINI",
            "PARTINI",
            "SUMINI",
            "TARMINI",
            "JUMIATI",
            "NGATINI",
            "SAMINAH",
            "SULASTRI",
            "KARSIH",
            "TUMIYEM",
            "SUMIYATI",
            "WARSINAH",
            "SUPINAH",
            "LASMI",
        ),
        first=(
            "SRI",
            "DWI",
            "TRI",
            "EKA",
            "ENDANG",
            "RATNA",
            "DEWI",
            "WULAN",
            "INDAH",
            "PUTRI",
            "AYU",
            "DIAN",
            "RINI",
            "RANI",
            "DINA",
            "NOVI",
            "FITRI",
            "YUNI",
            "TITIK",
            "ERNI",
            "LINDA",
            "LINA",
            "DIAH",
            "ANI",
            "NINA",
            "RETNO",
            "WIWIK",
            "SETYA",
            "KARTIKA",
            "DINDA",
            "AYU",
            "INTAN",
            "ANGGI",
            "DESI",
            "EVI",
            "LUSI",
            "MEGA",
            "NURUL",
            "SUCI",
            "TIARA",
            "DINI",
            "NANDA",
            "NINDA",
            "BULAN",
        ),
        last=(
            "WAHYUNI",
            "LESTARI",
            "RAHAYU",
            "WULANDARI",
            "HANDAYANI",
            "SUSANTI",
            "PURWANTI",
            "RAHMAWATI",
            "KURNIASIH",
            "YULIANTI",
            "SETIYOWATI",
            "MULYANI",
            "ASTUTI",
            "PERMATASARI",
            "NINGSIH",
            "SARI",
            "UTAMI",
            "PRATIWI",
            "ANGGRAINI",
            "SAFITRI",
            "PUSPITASARI",
            "KARTIKASARI",
            "NOVITASARI",
            "WIDYASTUTI",
            "SUPRIHATIN",
            "MARYANI",
            "KUSUMAWATI",
            "RATNASARI",
            "SULISTYOWATI",
            "HARYATI",
            "SAPUTRI",
            "AMALIA",
            "PURNAMASARI",
        ),
    ),
)

_SUNDANESE = Tradition(
    "sundanese",
    0.10,
    male=Pool(
        single=(
            "UJANG",
            "DADANG",
            "ENDANG",
            "UDIN",
            "EMAN",
            "OMAN",
            "ENCEP",
            "JAJANG",
            "ASEP",
            "CECEP",
            "DEDE",
            "YAYAN",
            "ENTIS",
            "OJI",
            "MAMAN",
            "ATENG",
            "UCUP",
            "OTONG",
        ),
        first=(
            "ASEP",
            "DEDE",
            "CECEP",
            "DADANG",
            "UJANG",
            "AGUS",
            "DEDI",
            "IWAN",
            "WAWAN",
            "HERI",
            "ADE",
            "YAYAN",
            "ENDANG",
            "AAN",
            "DENI",
            "RIKI",
            "ROBI",
            "AJAT",
            "ENJANG",
            "ENDAN",
            "AHMAD",
            "TATANG",
            "EPI",
            "RUDI",
            "ANDRI",
            "YUDI",
            "DIKI",
            "ILHAM",
        ),
        last=(
            "SUNANDAR",
            "SURYANA",
            "HIDAYAT",
            "KURNIA",
            "SUHENDAR",
            "SOLIHIN",
            "SUPRIATNA",
            "MULYANA",
            "RUSTANDI",
            "KUSNADI",
            "PERMANA",
            "SETIAWAN",
            "GUNAWAN",
            "SAEPULOH",
            "HERMAWAN",
            "SAPUTRA",
            "RUHIYAT",
            "SOBARI",
            "MAULANA",
            "NUGRAHA",
            "SUTISNA",
            "SUPARMAN",
            "KOSWARA",
            "SUDRAJAT",
            "JUANDA",
            "SUKMANA",
            "WIJAYA",
            "SUHERMAN",
        ),
    ),
    female=Pool(
        single=(
            "EUIS",
            "IMAS",
            "ENOK",
            "TITIN",
            "YAYAH",
            "ENENG",
            "NINING",
            "ELIS",
            "LILIS",
            "YATI",
            "IIS",
            "CUCU",
            "ENTIN",
            "OOM",
            "ICIH",
            "EEN",
            "NENGSIH",
            "ATIKAH",
        ),
        first=(
            "NENG",
            "EUIS",
            "IMAS",
            "ENENG",
            "ELIS",
            "LILIS",
            "ROSITA",
            "NENDEN",
            "IIS",
            "YANTI",
            "SITI",
            "NUNUNG",
            "NURUL",
            "RINA",
            "DEWI",
            "NOVI",
            "CICI",
            "TIKA",
            "RISNA",
            "MIA",
            "SANTI",
            "LISNA",
            "POPI",
            "INDRI",
        ),
        last=(
            "NURHAYATI",
            "KOMALASARI",
            "RAHAYU",
            "SUMIATI",
            "MULYANI",
            "NURJANAH",
            "SUSILAWATI",
            "KURNIASIH",
            "HAYATI",
            "SETIAWATI",
            "MARLINA",
            "ROHAETI",
            "SUMARNI",
            "KARTINI",
            "AISYAH",
            "NURAENI",
            "ROSMIATI",
            "JUBAEDAH",
            "YULIANI",
            "NURLELA",
            "SRIWAHYUNI",
            "AGUSTINA",
            "MAESAROH",
            "HERLINA",
        ),
    ),
)

_LAMPUNG = Tradition(
    "lampung",
    0.13,
    male=Pool(
        single=(
            "ARSYAD",
            "HERMAN",
            "RUSLI",
            "MAHMUD",
            "ZAINAL",
            "ISKANDAR",
            "EFENDI",
            "SAIFUL",
            "MARZUKI",
            "HASANUDIN",
            "ROSADI",
            "SYAHRIAL",
            "ANSORI",
            "BAHRUL",
            "HELMI",
            "ZULKARNAIN",
            "ALAMSYAH",
            "RIDWAN",
            "TAUFIK",
            "SURYADI",
            "MAT ALI",
        ),
        first=(
            "HERMAN",
            "IRWAN",
            "HENDRI",
            "ZULKIFLI",
            "SYAHRIAL",
            "FIRMAN",
            "ANDI",
            "ROBI",
            "RIDHO",
            "ARIE",
            "DODI",
            "YOPI",
            "HELMI",
            "RIKO",
            "ERWIN",
            "ZAINAL",
            "RAHMAT",
            "ALDI",
            "RIFKI",
            "FERDI",
            "AGUNG",
            "SANDI",
            "HENDRA",
            "HERU",
            "WAYAN",
        ),
        last=(
            "SYAHPUTRA",
            "FIRMANSYAH",
            "ALAMSYAH",
            "ISKANDAR",
            "EFENDI",
            "SAPUTRA",
            "ARSYAD",
            "SANJAYA",
            "PRATAMA",
            "SYAH",
            "GUNAWAN",
            "HAMZAH",
            "ZULKARNAIN",
            "KESUMA",
            "PUTRA",
            "HIDAYAT",
            "RAMADHAN",
            "IRAWAN",
            "SETIAWAN",
            "MUSTOFA",
            "HAKIM",
            "SUTAN",
            "ADIPATI",
            "PERMANA",
            "ANSYORI",
        ),
    ),
    female=Pool(
        single=(
            "ROSMALA",
            "NURLAILA",
            "ZUBAIDAH",
            "SAKDIAH",
            "ROHANI",
            "MASNUN",
            "ROSNAH",
            "MARIAM",
            "HASNAH",
            "ASNAH",
            "RUKIAH",
            "NURBAITI",
            "SALMAH",
            "ZAINAB",
            "HAFSAH",
            "ROSIDAH",
            "MASITOH",
            "NURMALA",
        ),
        first=(
            "ROSMA",
            "NURLAILA",
            "YULI",
            "EVA",
            "LENI",
            "DEWI",
            "MEGA",
            "RATNA",
            "SELLY",
            "MERI",
            "RINA",
            "FITRI",
            "YENI",
            "DESI",
            "NOVA",
            "ELSA",
            "HELEN",
            "RIKA",
            "INTAN",
            "AYU",
            "SINTA",
            "PUTRI",
        ),
        last=(
            "SARI",
            "OKTAVIANI",
            "ROSMALA",
            "MARLINA",
            "HERAWATI",
            "ROSALINA",
            "NOVITA",
            "AGUSTINA",
            "YULIANA",
            "MAHARANI",
            "KESUMAWATI",
            "ANGGRAINI",
            "SAFITRI",
            "FEBRIANTI",
            "PUSPITA",
            "APRILIA",
            "PERMATA",
            "MELATI",
            "LESTARI",
            "HANDAYANI",
        ),
    ),
)

_ISLAMIC = Tradition(
    "islamic",
    0.24,
    male=Pool(
        single=(
            "ABDULLAH",
            "IBRAHIM",
            "ISMAIL",
            "SULAIMAN",
            "HASAN",
            "HUSEIN",
            "SYAMSUDIN",
            "SALEH",
            "MUHAMMAD",
            "ZAKARIA",
            "ALI",
            "UMAR",
            "YUSUF",
            "ILYAS",
            "MANSUR",
            "MUHIDIN",
            "NURDIN",
            "SYARIFUDIN",
            "SAHRONI",
            "MUKHLIS",
            "JAMALUDIN",
        ),
        first=(
            "MUHAMMAD",
            "AHMAD",
            "ABDUL",
            "RIZKI",
            "MUHAMMAD",
            "ILHAM",
            "REZA",
            "FAHMI",
            "FAHRI",
            "HASAN",
            "YUSUF",
            "IMAM",
            "ALI",
            "NUR",
            "SYAIFUL",
            "ZAINAL",
            "IKHSAN",
            "LUKMAN",
            "HABIB",
            "HAFIZ",
            "FARHAN",
            "RAFI",
            "ALIF",
            "AKBAR",
            "UMAR",
            "IBRAHIM",
            "HAMZAH",
            "USMAN",
            "ARIF",
            "FAUZAN",
            "NAUFAL",
            "ZAKI",
            "ADAM",
            "RIZA",
            "AZKA",
            "RASYID",
            "FIKRI",
            "IKHWAN",
            "SYAMSUL",
            "FITRA",
            "ZAKY",
            "RAFFI",
        ),
        last=(
            "RIZKI",
            "FAUZI",
            "HIDAYAT",
            "RAMADHAN",
            "MAULANA",
            "FIRDAUS",
            "SAPUTRA",
            "AKBAR",
            "ALFARIZI",
            "FADILLAH",
            "HAKIM",
            "IBRAHIM",
            "KURNIAWAN",
            "HIDAYATULLAH",
            "SYAPUTRA",
            "NURDIN",
            "HASAN",
            "ARIFIN",
            "SALEH",
            "FAUZAN",
            "HABIBI",
            "MUSTOFA",
            "ALFIAN",
            "IQBAL",
            "ZULFIKAR",
            "RAFIF",
            "ALVIAN",
            "HAIKAL",
            "ASSIDIQI",
            "KHOIRUL",
            "HUSAIN",
            "YAHYA",
        ),
    ),
    female=Pool(
        single=(
            "AMINAH",
            "FATIMAH",
            "HALIMAH",
            "KHADIJAH",
            "MAIMUNAH",
            "ROHMAH",
            "MARYAM",
            "JAMILAH",
            "SALAMAH",
            "ZULAIKHA",
            "AISYAH",
            "HASANAH",
            "ROHAYA",
            "MUNAWAROH",
            "SITI",
            "KHOTIJAH",
            "MUSLIMAH",
            "NAFISAH",
            "ROQAYAH",
        ),
        first=(
            "SITI",
            "NUR",
            "NURUL",
            "FATIMAH",
            "AISYAH",
            "ZAHRA",
            "KHADIJAH",
            "AULIA",
            "NAYLA",
            "SALMA",
            "NABILA",
            "SALSABILA",
            "ANISA",
            "HANIFAH",
            "RAHMA",
            "SITI",
            "ALYA",
            "NAILA",
            "KEISHA",
            "NAJWA",
            "AZZAHRA",
            "SYIFA",
            "KHOIRUNNISA",
            "UMMI",
            "ZAKIYAH",
            "LAILATUL",
            "INAYAH",
            "SALWA",
            "NAJLA",
            "ZAHIRA",
            "HUSNAH",
            "HABIBAH",
            "HAWA",
            "ALIA",
            "AULYA",
            "ANNISA",
            "NABILLA",
            "KEYSHA",
            "RIZKA",
            "AMALIA",
        ),
        last=(
            "AMINAH",
            "HALIMAH",
            "KHODIJAH",
            "FATIMAH",
            "ZAHRA",
            "AISYAH",
            "MAIMUNAH",
            "ROHMAH",
            "HASANAH",
            "RAHMAWATI",
            "HIDAYAH",
            "MARYAM",
            "NURJANAH",
            "JAMILAH",
            "SALAMAH",
            "ZULAIKHA",
            "AZZAHRA",
            "KHOIRUNNISA",
            "MAULIDA",
            "FITRIANI",
            "RAMADHANI",
            "NURHALIZA",
            "HAYATI",
            "AFIFAH",
            "FAUZIAH",
            "MUFIDAH",
            "SAKINAH",
        ),
    ),
)

_BATAK = Tradition(
    "batak",
    0.05,
    male=Pool(
        single=(),
        first=(
            "JOHANNES",
            "MARULI",
            "TUMPAL",
            "HOTMAN",
            "ROBERT",
            "DAVID",
            "DANIEL",
            "MARTIN",
            "JONNY",
            "BINSAR",
            "PARLINDUNGAN",
            "SAHAT",
            "TIGOR",
            "POLTAK",
            "RAJA",
            "ANDREAS",
            "SAMUEL",
            "JOSUA",
            "HENDRIK",
            "BONAR",
            "MANGIHUT",
            "RICARDO",
            "KEVIN",
            "YOGI",
            "FRANSISKUS",
            "GOMGOM",
            "HORAS",
            "BUDIMAN",
        ),
        last=(),
    ),
    female=Pool(
        single=(),
        first=(
            "RUTH",
            "MARTA",
            "LAMRIA",
            "ROSMAWATI",
            "NURSINTA",
            "DEBORA",
            "YOHANA",
            "ROSDIANA",
            "LASMARIA",
            "TIUR",
            "MARIA",
            "SRI",
            "RISMA",
            "ERLINA",
            "HOTNIDA",
            "MELATI",
            "DAMERIA",
            "LINDA",
            "GRACE",
            "JESIKA",
            "SARAH",
            "ESTER",
            "NOVITA",
        ),
        last=(),
    ),
    surnames=(
        "SIMANJUNTAK",
        "SIREGAR",
        "NASUTION",
        "HARAHAP",
        "SINAGA",
        "SITUMORANG",
        "PANJAITAN",
        "HUTAPEA",
        "SIMATUPANG",
        "NAINGGOLAN",
        "SIHOMBING",
        "MANURUNG",
        "SILALAHI",
        "LUBIS",
        "TAMBUNAN",
        "PASARIBU",
        "SIRAIT",
        "GULTOM",
        "SIAGIAN",
        "HUTAGALUNG",
        "SARAGIH",
        "DAMANIK",
        "GINTING",
        "TARIGAN",
        "SEMBIRING",
        "PURBA",
        "SITOMPUL",
        "SIMAMORA",
        "HUTAURUK",
        "MARPAUNG",
        "NAPITUPULU",
        "SIBARANI",
        "SITORUS",
        "ARITONANG",
        "SIANTURI",
        "SIMBOLON",
        "SAMOSIR",
        "RITONGA",
    ),
    religions=(("KRISTEN", 0.7), ("ISLAM", 0.2), ("KATHOLIK", 0.1)),
)

_BALINESE = Tradition(
    "balinese",
    0.02,
    male=Pool(
        single=(),
        first=(
            "SUDARMA",
            "SUARDANA",
            "ARTAWAN",
            "SUASTIKA",
            "WIRAWAN",
            "MERTAYASA",
            "SUPARTA",
            "ADNYANA",
            "SUARTAMA",
            "DARMAWAN",
            "SUDIARTA",
            "SUWENA",
            "PARWATA",
            "ASTAWA",
            "SUJANA",
            "BUDIARTA",
            "KARIASA",
            "SANJAYA",
        ),
        last=(
            "ARIANA",
            "PUTRA",
            "WIJAYA",
            "SUPUTRA",
            "ADI",
            "PRADNYANA",
            "SAPUTRA",
            "DARMA",
            "ARTANA",
            "KUSUMA",
        ),
    ),
    female=Pool(
        single=(),
        first=(
            "SRI",
            "SUARNI",
            "ARIANI",
            "SUASTINI",
            "SUDIARI",
            "KARTINI",
            "PURNAMI",
            "SARI",
            "ASTUTI",
            "WIDIASIH",
            "DEWI",
            "RATNA",
            "SUARDANI",
            "MERTAYANTI",
            "ARINI",
        ),
        last=(
            "ASTUTI",
            "DEWI",
            "LESTARI",
            "SUARNI",
            "PUSPITA",
            "ARYANI",
            "SUANTARI",
            "UTAMI",
            "PRATIWI",
            "YANTI",
        ),
    ),
    religions=(("HINDU", 0.97), ("ISLAM", 0.03)),
)

_CHINESE = Tradition(
    "chinese",
    0.05,
    male=Pool(
        single=(),
        first=(
            "HENDRA",
            "WILLIAM",
            "KEVIN",
            "MICHAEL",
            "STEVEN",
            "FELIX",
            "JOHAN",
            "HARTONO",
            "SUSANTO",
            "YOHANES",
            "ERIC",
            "VINCENT",
            "ANDY",
            "RUDY",
            "BUDI",
            "DENNY",
            "JIMMY",
            "TONNY",
            "HENRY",
            "RICHARD",
            "JASON",
            "ALBERT",
            "ADRIAN",
            "CALVIN",
            "DARWIN",
        ),
        last=(),
    ),
    female=Pool(
        single=(),
        first=(
            "LINDA",
            "MEILANI",
            "SUSAN",
            "JESSICA",
            "CINDY",
            "LILIANA",
            "MEILINA",
            "FELICIA",
            "JENNY",
            "VERONIKA",
            "LANNY",
            "YULIANA",
            "MELINDA",
            "SHERLY",
            "GRACE",
            "NATALIA",
            "VIVIAN",
            "ANGELINA",
            "WINDY",
            "IRENE",
            "SELVIA",
            "LENNY",
        ),
        last=(),
    ),
    surnames=(
        "WIJAYA",
        "GUNAWAN",
        "HALIM",
        "SALIM",
        "KUSUMA",
        "TANUWIJAYA",
        "HARTONO",
        "SETIAWAN",
        "SANTOSO",
        "SUTANTO",
        "LIMANTO",
        "WIDJAJA",
        "TJANDRA",
        "LIMAN",
        "KURNIAWAN",
        "HENDRAWAN",
        "SANJAYA",
        "SUSANTO",
        "WONGSO",
        "TANOTO",
        "LIE",
        "TAN",
        "LIM",
        "ONG",
        "GOZALI",
        "HALIMAN",
        "SUGIANTO",
        "TANJAYA",
        "JAYADI",
    ),
    religions=(("BUDDHA", 0.45), ("KRISTEN", 0.3), ("KATHOLIK", 0.2), ("KONGHUCU", 0.05)),
)

_CHRISTIAN = Tradition(
    "christian",
    0.07,
    male=Pool(
        single=(),
        first=(
            "YOHANES",
            "PAULUS",
            "PETRUS",
            "FRANSISKUS",
            "ANTONIUS",
            "YOSEPH",
            "STEFANUS",
            "MARKUS",
            "MATIUS",
            "LUKAS",
            "ANDREAS",
            "THOMAS",
            "BENEDIKTUS",
            "IGNATIUS",
            "YAKOBUS",
            "AGUSTINUS",
            "ALOYSIUS",
            "DOMINIKUS",
            "KRISTIAN",
            "YOEL",
            "GABRIEL",
            "MIKAEL",
            "RAFAEL",
            "YOSUA",
        ),
        last=(
            "BUDI",
            "SANTOSO",
            "SETIAWAN",
            "HARYANTO",
            "WIDYANTORO",
            "KURNIAWAN",
            "PRASETYO",
            "ADI",
        ),
    ),
    female=Pool(
        single=(),
        first=(
            "MARIA",
            "MAGDALENA",
            "THERESIA",
            "AGNES",
            "ELISABETH",
            "YOHANA",
            "MARGARETHA",
            "KRISTINA",
            "VERONIKA",
            "KATARINA",
            "CAECILIA",
            "ANASTASIA",
            "FRANSISKA",
            "BERNADETA",
            "SUSANA",
            "SARA",
            "ELISA",
            "REGINA",
            "MONIKA",
            "LIDIA",
            "YULIANA",
            "DEBORA",
        ),
        last=("MARIA", "SETIAWATI", "LESTARI", "WULANDARI", "ASTUTI", "DEWI", "RAHAYU", "SARI"),
    ),
    surnames=(
        "MANOPPO",
        "RUNTUWENE",
        "WOWOR",
        "LUMENTUT",
        "PARERA",
        "DA SILVA",
        "FERNANDEZ",
        "PELLO",
        "LAKA",
        "PATTINAMA",
        "LATUMAHINA",
        "MAMAHIT",
        "SUMOLANG",
        "TUMBELAKA",
        "KAUNANG",
        "RONDONUWU",
        "LEWERISSA",
        "TAHITU",
        "NDOEN",
        "BERE",
        "SERAN",
    ),
    religions=(("KATHOLIK", 0.5), ("KRISTEN", 0.5)),
)

#: The traditions, with their share of households in a Bandar Lampung-like city.
TRADITIONS: dict[str, Tradition] = {
    t.name: t
    for t in (_JAVANESE, _SUNDANESE, _LAMPUNG, _ISLAMIC, _BATAK, _BALINESE, _CHINESE, _CHRISTIAN)
}

#: Second words after ``ABDUL`` (servant of ...): the joined forms (ABDURRAHMAN) come from them.
ABDUL_SECOND: tuple[str, ...] = (
    "RAHMAN",
    "AZIZ",
    "KARIM",
    "HAMID",
    "MALIK",
    "GHOFUR",
    "SALAM",
    "SOMAD",
    "WAHAB",
    "ROHIM",
    "HALIM",
    "MAJID",
    "ROZAK",
    "LATIF",
    "MUTHOLIB",
    "QODIR",
    "JALIL",
    "SYUKUR",
    "MANAF",
)

_FIRST_EXPONENT = 0.85
_LAST_EXPONENT = 0.75
_SURNAME_EXPONENT = 0.8
_SINGLE_EXPONENT = 0.7


def _pick(
    rng: np.random.Generator, pool: tuple[str, ...], n: int, exponent: float
) -> npt.NDArray[np.object_]:
    if not pool or n == 0:
        return np.full(n, "", dtype=object)
    idx = rng.choice(len(pool), size=n, p=zipf_weights(len(pool), exponent))
    return np.asarray(pool, dtype=object)[idx]


def draw_surnames(
    rng: np.random.Generator, tradition: Tradition, n: int
) -> npt.NDArray[np.object_]:
    """Draw ``n`` family names of a tradition (empty strings when it has none).

    >>> rng = np.random.default_rng(0)
    >>> draw_surnames(rng, TRADITIONS["batak"], 2).tolist()
    ['MANURUNG', 'NASUTION']
    >>> draw_surnames(rng, TRADITIONS["javanese"], 1).tolist()
    ['']
    """
    return _pick(rng, tradition.surnames, n, _SURNAME_EXPONENT)


def _shares(
    birth_year: npt.NDArray[np.int64], table: tuple[float, float, float, float]
) -> npt.NDArray[np.float64]:
    bins = np.digitize(birth_year, [1960, 1980, 2000])
    return np.asarray(table, dtype=np.float64)[bins]


def draw_names(
    rng: np.random.Generator,
    tradition: Tradition,
    female: npt.NDArray[np.bool_],
    birth_year: npt.NDArray[np.int64],
    *,
    surname: npt.NDArray[np.object_] | None = None,
    birth_order: npt.NDArray[np.int64] | None = None,
) -> npt.NDArray[np.object_]:
    """Draw full upper-case names for people of one tradition.

    ``surname`` (family name per person, used by traditions that have them) and ``birth_order``
    (0 = first child; Balinese names) are optional.  Older people get one-word names more
    often, younger people three-word names.

    >>> rng = np.random.default_rng(1)
    >>> names = draw_names(rng, TRADITIONS["balinese"], np.array([False, True]),
    ...                    np.array([1980, 2001]), birth_order=np.array([0, 1]))
    >>> names.tolist()
    ['I GEDE SUDARMA', 'NI KADEK SRI']
    """
    n = len(female)
    out = np.empty(n, dtype=object)
    order = birth_order if birth_order is not None else rng.integers(0, 4, size=n)
    for is_female in (False, True):
        rows = np.flatnonzero(female == is_female)
        if rows.size == 0:
            continue
        pool = tradition.female if is_female else tradition.male
        years = birth_year[rows]
        k = rows.size
        single = (rng.random(k) < _shares(years, (0.45, 0.22, 0.07, 0.02))) & bool(pool.single)
        three = (rng.random(k) < _shares(years, (0.05, 0.12, 0.3, 0.45))) & ~single
        first = _pick(rng, pool.first, k, _FIRST_EXPONENT)
        middle = np.where(three, _pick(rng, pool.first, k, _FIRST_EXPONENT), "")
        if tradition.inherits_surname and surname is not None:
            last = surname[rows].copy()
            if tradition.name == "batak" and is_female:
                boru = rng.random(k) < 0.5
                last[boru] = "BR " + last[boru]
            middle = np.where(middle == first, "", middle)
        else:
            last = _pick(rng, pool.last, k, _LAST_EXPONENT)
            abdul = first == "ABDUL"
            last[abdul] = _pick(rng, ABDUL_SECOND, int(abdul.sum()), _LAST_EXPONENT)
            if tradition.name == "balinese":  # I WAYAN SUDARMA (+ a second given name)
                middle, last = np.full(k, "", dtype=object), np.where(three, last, "")
            else:
                middle, last = (
                    np.where(three, last, middle),
                    np.where(three, _pick(rng, pool.last, k, _LAST_EXPONENT), last),
                )
            last = np.where(last == first, "", last)
            middle = np.where(middle == last, "", middle)  # never one word twice
        if single.any():
            first[single] = _pick(rng, pool.single, int(single.sum()), _SINGLE_EXPONENT)
            middle[single] = ""
            last[single] = ""
        prefix = _prefixes(rng, tradition, is_female, years, order[rows])
        out[rows] = [
            " ".join(part for part in parts if part)
            for parts in zip(prefix, first, middle, last, strict=True)
        ]
    bad = np.flatnonzero(np.isin(out, list(AVOIDED_NAMES)))
    for row in bad:  # rare: a handful of rows
        out[row] = f"{out[row]} {'PUTRI' if female[row] else 'SAPUTRA'}"
    return out


def _prefixes(
    rng: np.random.Generator,
    tradition: Tradition,
    female: bool,
    years: npt.NDArray[np.int64],
    order: npt.NDArray[np.int64],
) -> npt.NDArray[np.object_]:
    k = years.size
    if tradition.name == "balinese":
        words = np.empty(k, dtype=object)
        slot = order % len(BALINESE_ORDER)
        for i, variants in enumerate(BALINESE_ORDER):
            rows = np.flatnonzero(slot == i)
            words[rows] = np.asarray(variants, dtype=object)[
                rng.integers(0, len(variants), size=rows.size)
            ]
        article = np.where(rng.random(k) < 0.9, "NI " if female else "I ", "")
        prefix: npt.NDArray[np.object_] = article + words
        return prefix
    if tradition.name == "lampung":
        share = np.where(years < 1970, 0.1, 0.03)
        titled = rng.random(k) < share
        adok = _pick(rng, ADOK_FEMALE if female else ADOK_MALE, k, 1.0)
        result: npt.NDArray[np.object_] = np.where(titled, adok, "").astype(object)
        return result
    return np.full(k, "", dtype=object)


def sibling_variant(
    rng: np.random.Generator,
    name: str,
    tradition: Tradition,
    female: bool,
    avoid: Collection[str] = (),
) -> str:
    """A similar but different name for a twin: one given word changes, family names stay.

    The new word is not one letter away from the old one (``KHADIJAH`` for ``KHODIJAH`` is
    the same name spelt differently, not a twin's name).

    Names in ``avoid`` (the other members of the household, say) are not returned unless no
    other word fits.

    >>> sibling_variant(np.random.default_rng(0), "MUHAMMAD RIZKI", TRADITIONS["islamic"], False)
    'MUHAMMAD RASYID'
    >>> sibling_variant(np.random.default_rng(0), "MUHAMMAD RIZKI", TRADITIONS["islamic"], False,
    ...                 avoid={"MUHAMMAD RASYID"})
    'MUHAMMAD RAFI'
    """
    pool = tradition.female if female else tradition.male
    words = name.split(" ")
    fixed = {"I", "NI", "BR", *ADOK_MALE, *ADOK_FEMALE, *(w for o in BALINESE_ORDER for w in o)}
    fixed.update(tradition.surnames)
    given = [i for i, w in enumerate(words) if w not in fixed]
    if not given:
        return f"{name} {'PUTRI' if female else 'PUTRA'}"
    position = given[-1] if not tradition.inherits_surname else given[0]
    old = words[position]
    candidates = [
        w
        for w in (*pool.last, *pool.first, *pool.single)
        if w != old and " " not in w and w not in words
    ]
    same_initial = [w for w in candidates if w[0] == old[0]]
    choices = same_initial or candidates
    words[position] = choices[int(rng.integers(0, len(choices)))]
    if _same_name(words[position], old):  # KHADIJAH for KHODIJAH: the same name, redraw
        distinct = [w for w in candidates if not _same_name(w, old)]
        choices = [w for w in choices if not _same_name(w, old)] or distinct or choices
        words[position] = choices[int(rng.integers(0, len(choices)))]
    if avoid and " ".join(words) in avoid:  # rare: draw again among the names still free
        taken = set(avoid)
        before, after = words[:position], words[position + 1 :]

        def free(options: list[str]) -> list[str]:
            return [
                w
                for w in options
                if " ".join([*before, w, *after]) not in taken and not _same_name(w, old)
            ]

        options = free(choices) or free(candidates)
        if options:
            words[position] = options[int(rng.integers(0, len(options)))]
    return " ".join(words)


#: How the names of twins relate (``truth["twin_names"]``), with the share of same-sex and of
#: boy-girl twin pairs given each (see :func:`twin_names`).
TWIN_NAME_KINDS: tuple[str, ...] = (
    "shared_word",
    "one_letter",
    "rhyme",
    "arabic_pair",
    "sound_alike",
    "unrelated",
)
_SAME_SEX_TWIN_SHARES = (0.36, 0.22, 0.12, 0.09, 0.03, 0.18)
_CROSS_SEX_TWIN_SHARES = (0.0, 0.14, 0.12, 0.08, 0.0, 0.66)
#: Word pairs given to twins: ``(word, word, sexes, slot)``; sexes ``M``/``F`` (both twins) or
#: ``X`` (a boy with the first word, a girl with the second); slot ``first`` or ``last`` given
#: word.  Every word is in a pool, so each twin carries a name in its own right; the pairs of a
#: kind other than ``sound_alike`` have different phonetic keys (``NAYLA``/``NAILA`` do not).
TWIN_PAIRS: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "one_letter": (
        ("RINA", "RINI", "F", "first"),
        ("RANI", "RINI", "F", "first"),
        ("DIAN", "DIAH", "F", "first"),
        ("NOVI", "NOVA", "F", "first"),
        ("EVI", "EVA", "F", "first"),
        ("SARI", "SARA", "F", "first"),
        ("LINA", "LINDA", "F", "first"),
        ("RISNA", "RISMA", "F", "first"),
        ("DINA", "DINI", "F", "first"),
        ("ELSA", "ELISA", "F", "first"),
        ("REZA", "RIZA", "M", "first"),
        ("ANDI", "ANDRI", "M", "first"),
        ("HERU", "HERI", "M", "first"),
        ("DEDI", "DEDE", "M", "first"),
        ("YOGA", "YOGI", "M", "first"),
        ("RIKO", "RIKI", "M", "first"),
        ("BAGUS", "BAGAS", "M", "first"),
        ("DANI", "DANU", "M", "first"),
        ("FAHRI", "FAHMI", "M", "first"),
        ("ALDI", "ALDO", "M", "first"),
        ("DENI", "DONI", "M", "first"),
        ("HENDRA", "HENDRI", "M", "first"),
        ("RIFKI", "RIZKI", "M", "first"),
        ("ARDI", "ANDI", "M", "first"),
        ("PUTRA", "PUTRI", "X", "last"),
        ("SAPUTRA", "SAPUTRI", "X", "last"),
        ("DEWA", "DEWI", "X", "first"),
        ("FITRA", "FITRI", "X", "first"),
        ("RIZKI", "RIZKA", "X", "first"),
        ("NANDO", "NANDA", "X", "first"),
    ),
    "rhyme": (
        ("NANDA", "NINDA", "F", "first"),
        ("WULAN", "BULAN", "F", "first"),
        ("RINA", "RANI", "F", "first"),
        ("AULIA", "AMALIA", "F", "first"),
        ("SINTA", "SANTI", "F", "first"),
        ("RAMA", "RAKA", "M", "first"),
        ("ARYA", "ARGA", "M", "first"),
        ("RANGGA", "ANGGA", "M", "first"),
        ("GILANG", "GALIH", "M", "first"),
        ("UMAR", "USMAN", "M", "first"),
        ("RAMA", "RANI", "X", "first"),
        ("DIMAS", "DINDA", "X", "first"),
        ("BAYU", "AYU", "X", "first"),
        ("INDRA", "INDAH", "X", "first"),
    ),
    "arabic_pair": (
        ("HASAN", "HUSEIN", "M", "last"),
        ("HASAN", "HUSAIN", "M", "last"),
        ("AHMAD", "MAHMUD", "M", "first"),
        ("IKHSAN", "IKHWAN", "M", "last"),
        ("SYAIFUL", "SYAMSUL", "M", "first"),
        ("HASANAH", "HUSNAH", "F", "last"),
        ("ZAHRA", "ZAHIRA", "F", "last"),
        ("SALMA", "SALWA", "F", "first"),
        ("NAJWA", "NAJLA", "F", "first"),
        ("HASAN", "HASANAH", "X", "last"),
        ("ADAM", "HAWA", "X", "first"),
        ("ZAKI", "ZAKIYAH", "X", "last"),
        ("HABIB", "HABIBAH", "X", "last"),
        ("RAHMAT", "RAHMA", "X", "first"),
    ),
    "sound_alike": (
        ("NAYLA", "NAILA", "F", "first"),
        ("AULIA", "AULYA", "F", "first"),
        ("NABILA", "NABILLA", "F", "first"),
        ("KEISHA", "KEYSHA", "F", "first"),
        ("ALYA", "ALIA", "F", "first"),
        ("ANISA", "ANNISA", "F", "first"),
        ("RAFI", "RAFFI", "M", "first"),
        ("RIZKI", "RIZKY", "M", "first"),
        ("ZAKI", "ZAKY", "M", "first"),
    ),
}
_MUSLIM_TRADITIONS = frozenset({"javanese", "sundanese", "lampung", "islamic"})


def _fixed_words(tradition: Tradition) -> set[str]:
    """Words of a name that twins share: articles, birth-order words, adok, family names."""
    fixed = {"I", "NI", "BR", *ADOK_MALE, *ADOK_FEMALE, *(w for o in BALINESE_ORDER for w in o)}
    fixed.update(tradition.surnames)
    return fixed


def _pair_for(
    rng: np.random.Generator,
    kind: str,
    words: list[str],
    given: list[int],
    first_female: bool,
    second_female: bool,
    can_change_first: bool,
) -> tuple[int, str, str] | None:
    """A word pair of ``kind`` for twins: (position, first twin's word, second twin's word)."""
    sexes = "X" if second_female != first_female else "F" if first_female else "M"
    options = []
    for a, b, s, slot in TWIN_PAIRS[kind]:
        if s != sexes:
            continue
        mine, theirs = (b, a) if sexes == "X" and first_female else (a, b)
        options.append((mine, theirs, slot))
        if sexes != "X":
            options.append((theirs, mine, slot))
    if not options:
        return None
    present = [(i, o) for i in given for o in options if words[i] == o[0]]
    if present:  # the first twin already carries a word of a pair: the second gets its partner
        i, (mine, theirs, _) = present[int(rng.integers(0, len(present)))]
        return i, mine, theirs
    if not can_change_first:
        return None
    mine, theirs, slot = options[int(rng.integers(0, len(options)))]
    position = given[0] if slot == "first" else given[-1]
    if theirs in words or mine in words:
        return None
    return position, mine, theirs


def twin_names(
    rng: np.random.Generator,
    first: str,
    second: str,
    tradition: Tradition,
    first_female: bool,
    second_female: bool,
    *,
    can_change_first: bool = True,
    avoid: Collection[str] = (),
    sound_alike: float = 0.03,
) -> tuple[str, str, str]:
    """Names for a pair of twins, and how they relate (one of :data:`TWIN_NAME_KINDS`).

    ``first`` and ``second`` are the names drawn for the two twins on their own.  Parents of
    twins often choose names that go together: one letter apart and both real names
    (``RINA``/``RINI``, ``PUTRA``/``PUTRI``), rhyming (``RAMA``/``RANI``, ``BAYU``/``AYU``),
    an Arabic pair (``HASAN``/``HUSEIN``, for Muslim traditions), or a shared first word with
    another second word (``MUHAMMAD RIZKI``/``MUHAMMAD RASYID``, :func:`sibling_variant`);
    other twins get unrelated names.  A small share ``sound_alike`` of same-sex twin pairs get
    two spellings of one sound (``NAYLA``/``NAILA``): no field of the record tells those from
    one person entered twice.  Every word comes from the pools (:data:`TWIN_PAIRS`), so a twin's
    name is never a typing slip of the other's.  The first twin's name changes only when
    ``can_change_first`` (a pair word put in both names); family names and birth-order words
    stay.  Returns ``(first, second, kind)``; ``second`` avoids the names in ``avoid`` where
    it can.

    >>> twin_names(np.random.default_rng(1), "RINA WULANDARI", "DEWI LESTARI",
    ...            TRADITIONS["javanese"], True, True)
    ('RINA WULANDARI', 'RINI WULANDARI', 'one_letter')
    >>> twin_names(np.random.default_rng(3), "BAYU SAPUTRA", "SITI AMINAH",
    ...            TRADITIONS["javanese"], False, True)
    ('BAYU SAPUTRA', 'SITI SAPUTRI', 'one_letter')
    >>> sorted({twin_names(np.random.default_rng(s), "MUHAMMAD RIZKI", "AHMAD FAUZI",
    ...                    TRADITIONS["islamic"], False, False)[2] for s in range(40)})
    ['arabic_pair', 'one_letter', 'rhyme', 'shared_word', 'sound_alike', 'unrelated']
    """
    cross = first_female != second_female
    shares = np.array(_CROSS_SEX_TWIN_SHARES if cross else _SAME_SEX_TWIN_SHARES)
    shares[TWIN_NAME_KINDS.index("sound_alike")] = 0.0 if cross else sound_alike
    if tradition.name not in _MUSLIM_TRADITIONS:
        shares[TWIN_NAME_KINDS.index("arabic_pair")] = 0.0
    kind = TWIN_NAME_KINDS[int(rng.choice(len(shares), p=shares / shares.sum()))]
    words = first.split(" ")
    fixed = _fixed_words(tradition)
    given = [i for i, w in enumerate(words) if w not in fixed]
    taken = set(avoid)
    if kind in TWIN_PAIRS and given:
        pair = _pair_for(rng, kind, words, given, first_female, second_female, can_change_first)
        if pair is not None:
            position, mine, theirs = pair
            new_first = words.copy()
            new_first[position] = mine
            new_second = second.split(" ") if cross else new_first.copy()
            if cross:  # a boy and a girl: the girl's own name with the pair word in its place
                other_given = [i for i, w in enumerate(new_second) if w not in fixed]
                if not other_given:
                    new_second = new_first.copy()
                    other_given = [position]
                slot = other_given[0] if position == given[0] else other_given[-1]
                new_second[slot] = theirs
            else:
                new_second[position] = theirs
            a, b = " ".join(new_first), " ".join(new_second)
            if a != b and b not in taken and (a == first or a not in taken):
                return a, b, kind
    alike = any(_same_name(x, y) for x, y in zip(words, second.split(" "), strict=False) if x != y)
    if kind == "unrelated" and second != first and second not in taken and (cross or not alike):
        return first, second, kind
    if cross:  # a boy and a girl: their own names are different names already
        return first, second, "unrelated"
    return first, sibling_variant(rng, first, tradition, second_female, taken), "shared_word"


def _same_name(a: str, b: str) -> bool:
    """Whether two name words are one name: one edit apart or with the same phonetic key
    (``SAPUTRA`` / ``SYAHPUTRA``); twins are never given two spellings of one name.

    >>> _same_name("SAPUTRA", "SYAHPUTRA"), _same_name("RIZKI", "RASYID")
    (True, False)
    """
    return _one_edit_apart(a, b) or _word_key(a) == _word_key(b)


@functools.lru_cache(maxsize=65_536)
def _word_key(word: str) -> str:
    from nikmatch.names.phonetic import token_key

    return token_key(word.lower())


def _one_edit_apart(a: str, b: str) -> bool:
    """Whether one letter inserted, deleted or changed turns ``a`` into ``b`` (or a == b).

    >>> _one_edit_apart("SAPUTRA", "SYAPUTRA"), _one_edit_apart("KHODIJAH", "KHADIJAH")
    (True, True)
    >>> _one_edit_apart("MARIA", "MARTHA"), _one_edit_apart("RIZKI", "RASYID")
    (False, False)
    """
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + 1 :] == b[i + 1 :] if len(a) == len(b) else a[i:] == b[i + 1 :]
