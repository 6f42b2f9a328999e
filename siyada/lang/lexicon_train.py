"""Training the translation lexicons of `siyada.lang.lexicon` from aligned sentences:

    python -m siyada.lang.lexicon_train tfng --seed ../shared/data/nllb_seed
    python -m siyada.lang.lexicon_train en --seed ../shared/data/nllb_seed [--glossary doda/shorts.csv]

Apart from `lexicon` because it needs the analysis layer, which itself reads the tables.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

from siyada.lang.analysis import tifinagh_words, translation_terms
from siyada.lang.lexicon import PATHS, train_lexicon, write_lexicon


def _unique(terms: list[str]) -> list[str]:
    return list(dict.fromkeys(terms))


def _lines(path: Path, picked: range) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [lines[i] for i in picked]


def build_tifinagh(seed: Path, picked: range) -> dict[str, list[tuple[str, float]]]:
    """Tifinagh words → the terms of the aligned English and Darija sentences."""
    sources = [tifinagh_words(t) for t in _lines(seed / "zgh_Tfng", picked)]
    lexicon: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for other in ("eng_Latn", "ary_Arab"):
        targets = [_unique(translation_terms(t)) for t in _lines(seed / other, picked)]
        for f, found in train_lexicon(sources, targets).items():
            lexicon[f] += found
    return dict(lexicon)


def build_english(seed: Path, picked: range, glossary: Path | None) -> dict[str, list[tuple[str, float]]]:
    """English terms → the Arabic-script terms of aligned Darija sentences (and glossary entries)."""
    import csv

    def latin(text: str) -> list[str]:
        return _unique([t for t in translation_terms(text) if t.isascii()])

    def arabic(text: str) -> list[str]:
        return _unique([t for t in translation_terms(text) if not t.isascii()])

    sources = [latin(t) for t in _lines(seed / "eng_Latn", picked)]
    targets = [arabic(t) for t in _lines(seed / "ary_Arab", picked)]
    if glossary is not None:
        with glossary.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                src, tgt = latin(row.get("english") or ""), arabic(row.get("darija_ar") or "")
                if src and tgt:
                    sources.append(src)
                    targets.append(tgt)
    return train_lexicon(sources, targets)


def main() -> None:
    ap = argparse.ArgumentParser(description="Train the shipped translation lexicons.")
    ap.add_argument("which", choices=["tfng", "en"])
    ap.add_argument(
        "--seed", type=Path, required=True, help="NLLB-Seed folder (zgh_Tfng, eng_Latn, ary_Arab)"
    )
    ap.add_argument("--lines", default="1000:4000", help="FROM:TO, the aligned lines to train on")
    ap.add_argument("--glossary", type=Path, help="en: a CSV with english and darija_ar columns (DODa)")
    ap.add_argument("--output", type=Path)
    a = ap.parse_args()
    lo, hi = (int(x) for x in a.lines.split(":"))
    picked = range(lo, hi)
    if a.which == "tfng":
        lexicon = build_tifinagh(a.seed, picked)
        what = "Tifinagh words -> English and Darija terms"
    else:
        lexicon = build_english(a.seed, picked, a.glossary)
        what = "English terms -> Arabic-script terms"
    header = (
        f"{what} (IBM Model 1), trained on {a.seed.name} lines {a.lines}"
        + (f" and {a.glossary.name}" if a.glossary else "")
        + "\ncolumns: source, index term, p(term | source)"
    )
    out = a.output or PATHS[a.which][0]
    out.parent.mkdir(parents=True, exist_ok=True)
    write_lexicon(out, lexicon, header)
    n = sum(len(v) for v in lexicon.values())
    print(f"{len(lexicon)} sources, {n} translations -> {out}")


if __name__ == "__main__":
    main()
