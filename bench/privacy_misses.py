"""Every miss and false alarm of Siyada's personal-data analyzer on labelled sets, with its context.

    .venv/bin/python bench/privacy_misses.py --gold tests/fixtures/pii_wild11.txt [--gold ...]
        [--model /tmp/no1112.crfsuite] [--type PERSON] [--summary]

The error-analysis step of each tuning round (docs/privacy.md): a gold span the analyzer did not return
exactly is a miss, a returned span no gold span matches a false alarm. A miss and a false alarm that
overlap are one *boundary* error (same type: the span is cut or run on) or one *type* error (another
type), so a cut name counts once, not twice. Each line gives the set, the language, the type, the kind,
the span and the text around it with the span in brackets; ``--summary`` prints only the counts by type,
kind and language. ``--model`` scores with another CRF file (a leave-one-set-out model) instead of the
shipped one.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.privacy import Doc, Span, load_gold  # noqa: E402
from siyada.privacy import name_model  # noqa: E402
from siyada.privacy.analyzer import analyze  # noqa: E402

CONTEXT = 60  # characters shown on each side of an error


@dataclass(frozen=True)
class Error:
    """One error: ``kind`` is miss, false alarm, boundary or type; ``gold``/``got`` the spans involved."""

    set_name: str
    lang: str
    kind: str
    type: str
    gold: Span | None
    got: Span | None
    text: str

    def context(self) -> str:
        spans = [s for s in (self.gold, self.got) if s]
        start, end = min(s[0] for s in spans), max(s[1] for s in spans)
        left = self.text[max(0, start - CONTEXT) : start]
        right = self.text[end : end + CONTEXT]
        return f"…{left}[{self.text[start:end]}]{right}…".replace("\n", " ")

    def line(self) -> str:
        gold = f"gold {self.text[self.gold[0] : self.gold[1]]!r}" if self.gold else ""
        got = f"got {self.got[2]} {self.text[self.got[0] : self.got[1]]!r}" if self.got else ""
        detail = "; ".join(x for x in (gold, got) if x)
        head = f"{self.set_name} {self.lang:<8} {self.type:<13} {self.kind:<11}"
        return f"{head} {detail}\n    {self.context()}"


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def errors(set_name: str, doc: Doc, got: set[Span]) -> list[Error]:
    """Pair each miss with an overlapping false alarm (boundary or type error); the rest stand alone."""
    missed = sorted(doc.gold - got)
    extra = sorted(got - doc.gold)
    used: set[Span] = set()
    out = []
    for gold in missed:
        partner = next((g for g in extra if g not in used and _overlaps(g, gold)), None)
        if partner is None:
            out.append(Error(set_name, doc.lang, "miss", gold[2], gold, None, doc.text))
            continue
        used.add(partner)
        kind = "boundary" if partner[2] == gold[2] else "type"
        out.append(Error(set_name, doc.lang, kind, gold[2], gold, partner, doc.text))
    for span in extra:
        if span not in used:
            out.append(Error(set_name, doc.lang, "false alarm", span[2], None, span, doc.text))
    return out


def collect(paths: Sequence[Path], types: frozenset[str]) -> list[Error]:
    found = []
    for path in paths:
        for doc in load_gold(path):
            got = {(e.start, e.end, e.type) for e in analyze(doc.text)}
            found += [e for e in errors(path.stem, doc, got) if not types or e.type in types]
    return found


def summary(found: Sequence[Error]) -> str:
    by_kind = Counter((e.type, e.kind) for e in found)
    by_lang = Counter((e.type, e.lang) for e in found)
    lines = [f"{len(found)} errors"]
    lines += [f"  {t:<13} {k:<11} {n}" for (t, k), n in sorted(by_kind.items(), key=lambda x: -x[1])]
    lines.append("by language:")
    lines += [f"  {t:<13} {lang:<11} {n}" for (t, lang), n in sorted(by_lang.items(), key=lambda x: -x[1])]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, action="append", required=True, help="markup .txt or .jsonl")
    parser.add_argument("--model", type=Path, help="score with this CRF file instead of the shipped one")
    parser.add_argument("--type", action="append", default=[], help="only this type; repeatable")
    parser.add_argument("--summary", action="store_true", help="counts only")
    args = parser.parse_args()
    if args.model:
        if not args.model.exists():
            parser.error(f"no model file {args.model}")
        name_model.MODEL_PATH = args.model  # read when the first tagger opens, so set before any analysis
    found = collect(args.gold, frozenset(args.type))
    if not args.summary:
        for kind in ("miss", "boundary", "type", "false alarm"):
            for e in (e for e in found if e.kind == kind):
                print(e.line())
    print(summary(found))


if __name__ == "__main__":
    main()
