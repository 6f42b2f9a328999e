"""Character error rate of Darija transliteration, Siyada's against the Arabizi tools on PyPI.

    .venv/bin/python bench/translit.py [--csv PATH] [--tools-python PY] [--errors N]

Reads the Darija Open Dataset word list (``darija,english,darija_ar``; default
../shared/data/doda/shorts.csv) and scores, per direction:

* Arabizi → Arabic: ``to_arabic(darija)`` against ``darija_ar``, both through ``normalise_arabic``
  (so shadda, hamza seats and ة/ه do not count);
* Arabic → Arabizi: ``to_latin(darija_ar)`` against ``darija``, both casefolded.

CER = edit distance / reference length, summed over the rows (micro average); a cell holding several
spellings separated by commas counts as its closest one. Rows are split by a stable hash of the Latin
spelling: ``crc32 % 5 == 0`` is the held-out split (not looked at while the rules were tuned), the rest
the tuning split; both are printed.

``--tools-python`` names the Python of a throwaway venv holding the PyPI tools (``arabizi``,
``arabizikit``, ``cadar``, ``darija-tools``); each one installed there is run on the same rows in a
subprocess, so none of them is a project dependency. ``--errors N`` prints N held-out mistakes.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from siyada.lang.arabizi import to_arabic, to_latin  # noqa: E402
from siyada.lang.normalise import normalise_arabic  # noqa: E402

DEFAULT_CSV = ROOT.parent / "shared" / "data" / "doda" / "shorts.csv"

# Runs inside the tools' venv: reads {"to_ar": [...], "to_lat": [...]} on stdin, writes per-tool outputs.
_TOOLS_SCRIPT = r"""
import json, sys
data = json.load(sys.stdin)
out = {}
def safe(fn, w):
    try:
        return fn(w)
    except Exception:  # a tool that refuses a word scores as an empty output for it
        return ""
def run(name, to_ar, to_lat):
    res = {}
    if to_ar: res["to_ar"] = [safe(to_ar, w) for w in data["to_ar"]]
    if to_lat: res["to_lat"] = [safe(to_lat, w) for w in data["to_lat"]]
    out[name] = res
try:
    import arabizi
    run("arabizi 0.1.0", arabizi.transliterate, None)
except ImportError:
    pass
try:
    import arabizikit
    run("arabizikit 1.0.0", lambda w: arabizikit.transliterate(w, dialect_hint="maghrebi").text, None)
except ImportError:
    pass
try:
    import cadar
    run("cadar 0.1.13", lambda w: cadar.bizi2ara(w, darija="Ma"), lambda w: cadar.ara2bizi(w, darija="Ma"))
except ImportError:
    pass
try:
    import darija_tools
    run("darija-tools 0.2.1", darija_tools.to_arabic, darija_tools.to_arabizi)
except ImportError:
    pass
json.dump(out, sys.stdout, ensure_ascii=False)
"""


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insert, delete, substitute: cost 1)."""
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _variants(cell: str) -> list[str]:
    return [v.strip() for v in cell.split(",") if v.strip()]


def held_out(latin: str) -> bool:
    return zlib.crc32(latin.encode("utf-8")) % 5 == 0


def _closest(hyp: str, refs: list[str]) -> tuple[int, int]:
    """(edits, reference length) against the closest reference."""
    return min(((edit_distance(hyp, r), len(r)) for r in refs), key=lambda x: x[0] / max(x[1], 1))


def score(hyps: list[str], refs: list[list[str]], fold: Callable[[str], str]) -> float:
    edits = total = 0
    for h, rs in zip(hyps, refs, strict=True):
        e, n = _closest(fold(h), [fold(r) for r in rs])
        edits += e
        total += n
    return edits / max(total, 1)


def load(path: Path) -> list[tuple[str, str]]:
    """(latin, arabic) pairs, one per Latin spelling; the Arabic cell keeps its variants."""
    rows: list[tuple[str, str]] = []
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            for latin in _variants(row["darija"]):
                rows.append((latin, row["darija_ar"]))
    return rows


def _fold_ar(s: str) -> str:
    return normalise_arabic(s).replace(" ", "")


def _fold_lat(s: str) -> str:
    return s.casefold().replace(" ", "")


def _tool_outputs(python: str, latin: list[str], arabic: list[str]) -> dict[str, dict[str, list[str]]]:
    payload = json.dumps({"to_ar": latin, "to_lat": arabic}, ensure_ascii=False)
    done = subprocess.run(
        [python, "-c", _TOOLS_SCRIPT], input=payload, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    ap.add_argument("--tools-python", default=None)
    ap.add_argument("--errors", type=int, default=0)
    args = ap.parse_args()

    rows = load(args.csv)
    splits = {
        "tuning": [r for r in rows if not held_out(r[0])],
        "held-out": [r for r in rows if held_out(r[0])],
    }
    print(f"{len(rows)} rows: tuning {len(splits['tuning'])}, held-out {len(splits['held-out'])}")
    systems: dict[str, dict[str, dict[str, list[str]]]] = {}
    for name, part in splits.items():
        latin = [r[0] for r in part]
        arabic = [_variants(r[1])[0] for r in part]
        systems.setdefault("siyada.lang", {})[name] = {
            "to_ar": [to_arabic(w) for w in latin],
            "to_lat": [to_latin(w) for w in arabic],
        }
        if args.tools_python:
            for tool, res in _tool_outputs(args.tools_python, latin, arabic).items():
                systems.setdefault(tool, {})[name] = res

    print(f"\n{'system':22} {'split':9} {'Arabizi→Arabic CER':>19} {'Arabic→Arabizi CER':>19}")
    for system, by_split in systems.items():
        for name, res in by_split.items():
            part = splits[name]
            if "error" in res:
                print(f"{system:22} {name:9} failed: {res['error']}")
                continue
            cells = []
            if "to_ar" in res:
                cells.append(f"{score(res['to_ar'], [_variants(r[1]) for r in part], _fold_ar):19.4f}")
            else:
                cells.append(f"{'-':>19}")
            if "to_lat" in res:
                cells.append(f"{score(res['to_lat'], [_variants(r[0]) for r in part], _fold_lat):19.4f}")
            else:
                cells.append(f"{'-':>19}")
            print(f"{system:22} {name:9} {' '.join(cells)}")

    if args.errors:
        part = splits["held-out"]
        ours = systems["siyada.lang"]["held-out"]["to_ar"]
        shown = 0
        for (latin, ar), hyp in zip(part, ours, strict=True):
            if _fold_ar(hyp) not in {_fold_ar(v) for v in _variants(ar)}:
                print(f"  {latin:20} {hyp:16} ref {ar}")
                shown += 1
                if shown >= args.errors:
                    break


if __name__ == "__main__":
    main()
