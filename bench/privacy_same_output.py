"""Check that the privacy analyzer's output has not moved: every span of every fixture set.

    .venv/bin/python bench/privacy_same_output.py --write   # dump the reference (before a change)
    .venv/bin/python bench/privacy_same_output.py           # recompute and compare (after each change)

The reference is ``[(start, end, type, round(score, 6)) ...]`` per document of every
``tests/fixtures/pii_*.txt`` set and of ``ma_pii_dev.jsonl`` (the shared data, where present). A speed
change must leave it identical: any difference is printed and the exit status is 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from siyada.privacy.analyzer import analyze  # noqa: E402
from siyada.privacy.markup import load_markup  # noqa: E402

REFERENCE = Path("/tmp/speed_ref.json")
# The shared data sits beside the worktrees; a checkout without it checks the fixtures alone.
DEV_SETS = tuple(up / "shared/data/pii/ma_pii_dev.jsonl" for up in (ROOT.parent, ROOT.parent.parent))


def texts() -> dict[str, list[str]]:
    """Every set's document texts, by set name."""
    sets = sorted((ROOT / "tests/fixtures").glob("pii_*.txt"))
    out = {p.name: [d["text"] for d in load_markup(p)] for p in sets}
    for dev in DEV_SETS:
        if dev.exists():
            lines = dev.read_text(encoding="utf-8").splitlines()
            out[dev.name] = [json.loads(line)["text"] for line in lines if line.strip()]
            break
    return out


def outputs() -> dict[str, list[list[list]]]:
    return {
        name: [[[e.start, e.end, e.type, round(e.score, 6)] for e in analyze(t)] for t in docs]
        for name, docs in texts().items()
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the reference instead of comparing")
    parser.add_argument("--reference", type=Path, default=REFERENCE)
    args = parser.parse_args()
    now = outputs()
    if args.write:
        args.reference.write_text(json.dumps(now), encoding="utf-8")
        print(f"wrote {sum(map(len, now.values()))} documents of {len(now)} sets to {args.reference}")
        return 0
    ref = json.loads(args.reference.read_text(encoding="utf-8"))
    bad = 0
    for name in sorted(set(ref) | set(now)):
        a, b = ref.get(name), now.get(name)
        if a is None or b is None or len(a) != len(b):
            print(f"{name}: set missing or of another size")
            bad += 1
            continue
        for k, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                bad += 1
                print(f"{name} #{k}: reference {x}\n{' ' * len(name)}  now       {y}")
    docs = sum(map(len, now.values()))
    print(f"{docs} documents of {len(now)} sets: {'IDENTICAL' if not bad else f'{bad} DIFFER'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
