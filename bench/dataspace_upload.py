"""What a data-space upload costs: reading, classifying, pseudonymising and writing a census-like CSV.

    .venv/bin/python -m bench.dataspace_upload [ROWS]      (default 1,000,000)

The rows are synthetic (made-up CIN, names and phone numbers; no real person's), 9 columns, three of
them direct identifiers. Each stage is timed once in this process (the server runs the same code in a
worker process), then the whole `upload.prepare` call.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from siyada.dataspace import upload
from siyada.dataspace.classify import profile
from siyada.dataspace.pseudonyms import pseudonymise
from siyada.dataspace.reader import read_table

FIRST = ["Karim", "Fatima", "Youssef", "Khadija", "Mohamed", "Salma", "Omar", "Imane", "Hicham", "Nadia"]
LAST = ["Benali", "El Amrani", "Tazi", "Alaoui", "Berrada", "Chraibi", "Idrissi", "Fassi", "Bennani"]
REGIONS = [
    "Casablanca-Settat",
    "Rabat-Salé-Kénitra",
    "Fès-Meknès",
    "Marrakech-Safi",
    "Oriental",
    "Souss-Massa",
]


def census_csv(rows: int, seed: int = 1) -> bytes:
    rng = random.Random(seed)
    lines = ["cin;nom;telephone;region;age;sexe;education;revenu;taille_menage"]
    for _ in range(rows):
        lines.append(
            f"{rng.choice(['AB', 'BJ', 'CD', 'G'])}{rng.randint(100000, 999999)};"
            f"{rng.choice(FIRST)} {rng.choice(LAST)};06{rng.randint(10000000, 99999999)};"
            f"{rng.choice(REGIONS)};{rng.randint(0, 95)};{rng.choice('MF')};"
            f"{rng.choice(['aucun', 'primaire', 'secondaire', 'supérieur'])};{rng.randint(0, 40000)};"
            f"{rng.randint(1, 12)}"
        )
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    data = census_csv(rows)
    print(f"{rows:,} rows, {len(data) / 2**20:.1f} MiB of CSV")
    t0 = time.perf_counter()
    table, _ = read_table(data)
    t1 = time.perf_counter()
    columns = profile(table)
    t2 = time.perf_counter()
    pseudonymise(table, [c.name for c in columns if c.role == "direct"], b"k" * 32)
    t3 = time.perf_counter()
    print(f"read {t1 - t0:.2f} s · classify {t2 - t1:.2f} s · pseudonymise {t3 - t2:.2f} s")
    print("roles:", {c.name: c.role for c in columns})
    with tempfile.TemporaryDirectory() as tmp:
        t4 = time.perf_counter()
        prepared = upload.prepare(data, b"k" * 32, tmp, "dataspace/1/bench.parquet")
        t5 = time.perf_counter()
        size = Path(prepared.tmp).stat().st_size
    rate = rows / (t5 - t4)
    print(
        f"prepare (all of it, Parquet written): {t5 - t4:.2f} s, {rate:,.0f} rows/s, {size / 2**20:.1f} MiB"
    )


if __name__ == "__main__":
    main()
