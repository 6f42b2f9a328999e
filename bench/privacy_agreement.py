"""How far two people agree on the same texts: the ceiling of a blind personal-data set.

    .venv/bin/python bench/privacy_agreement.py GOLD.txt OTHER.txt [--siyada] [--json OUT]

GOLD and OTHER are markup files (``lang| text`` with ``⟦TYPE:value⟧`` marks, siyada.privacy.markup) of the
SAME plain texts, line for line: GOLD written by a set's author, OTHER by an annotator who marked the plain
texts without seeing GOLD. Prints OTHER's exact-span precision, recall and F1 against GOLD (the same scoring
as bench/privacy.py), overall and per type; with ``--siyada`` also Siyada's analyzer against GOLD and against
OTHER on the same lines, so a detector's figure can be read beside what a careful human reaches.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from privacy import Doc, load_gold, run_siyada, score


def _check_same_texts(gold: list[Doc], other: list[Doc]) -> None:
    if len(gold) != len(other):
        raise SystemExit(f"{len(gold)} documents in GOLD, {len(other)} in OTHER: not the same texts")
    for n, (a, b) in enumerate(zip(gold, other, strict=True), 1):
        if a.text != b.text:
            raise SystemExit(f"document {n} differs once its marks are removed")


def _line(name: str, result: dict) -> str:
    o = result["overall"]
    return f"| {name} | {o['precision']:.3f} | {o['recall']:.3f} | **{o['f1']:.3f}** |"


def main() -> None:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("gold", type=Path)
    parser.add_argument("other", type=Path)
    parser.add_argument("--siyada", action="store_true", help="also score Siyada on the same lines")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    gold, other = load_gold(args.gold), load_gold(args.other)
    _check_same_texts(gold, other)
    results = {"annotator vs author": score(gold, [set(d.gold) for d in other])}
    if args.siyada:
        run = run_siyada([d.text for d in gold])
        results["Siyada vs author"] = score(gold, run.predictions)
        results["Siyada vs annotator"] = score(other, run.predictions)
    print(f"{len(gold)} documents, {sum(len(d.gold) for d in gold)} author spans, "
          f"{sum(len(d.gold) for d in other)} annotator spans\n")
    print("| who | precision | recall | F1 |\n|---|---|---|---|")
    for name, result in results.items():
        print(_line(name, result))
    types = sorted(set().union(*(r["per_type"] for r in results.values())))
    print("\n| type | " + " | ".join(results) + " |\n|---|" + "---|" * len(results))
    for t in types:
        cells = [f"{r['per_type'][t]['f1']:.3f}" if t in r["per_type"] else "–" for r in results.values()]
        print(f"| {t} | " + " | ".join(cells) + " |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
