"""A learned translation lexicon for Tifinagh: Tamazight words → English and Darija index terms.

No packaged model knows Tifinagh (e5 scores below BM25 on it), so the lexical index bridges the script
with word translations learned from aligned sentences: IBM Model 1 (EM over sentence pairs, with a NULL
word) estimates p(target term | Tifinagh word); a word keeps its few most probable targets. The
analysis layer then indexes and queries a Tifinagh word *also* under those English and Arabic-script
terms, so a Tifinagh query meets an English or Darija text and the other way round.

The shipped table (`data/tfng_lexicon.tsv`) was trained by `train_lexicon` on lines 1000–3999 of the
NLLB-Seed development split (CC BY-SA 4.0, github openlanguagedata/seed): lines 0–999 are the
retrieval benchmark's queries and were left out, so the benchmark measures words it never saw aligned.
`SIYADA_TFNG_LEXICON` names another table (same format), e.g. one trained on an organisation's own
parallel texts with `python -m siyada.lang.lexicon`.
"""

from __future__ import annotations

import argparse
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path

__all__ = ["load_lexicon", "train_lexicon", "translations"]

DEFAULT_PATH = Path(__file__).with_name("data") / "tfng_lexicon.tsv"
NULL = "\0"
MIN_PROB = 0.12  # below this a learned translation is mostly noise (set by eye, not tuned on the benchmark)
MAX_TARGETS = 3
MIN_COUNT = 2  # a word seen once has no evidence of which of its sentence's words it means


def train_lexicon(
    sources: Sequence[Sequence[str]],
    targets: Sequence[Sequence[str]],
    iterations: int = 8,
    min_prob: float = MIN_PROB,
    max_targets: int = MAX_TARGETS,
) -> dict[str, list[tuple[str, float]]]:
    """IBM Model 1: for aligned token lists, the most probable targets of each source word."""
    counts = Counter(w for s in sources for w in set(s))
    keep = {w for w, c in counts.items() if c >= MIN_COUNT}
    pairs = [([w for w in s if w in keep] + [NULL], list(t)) for s, t in zip(sources, targets, strict=True)]
    prob: dict[tuple[str, str], float] = defaultdict(lambda: 1.0)  # uniform start
    for _ in range(iterations):
        expected: dict[tuple[str, str], float] = defaultdict(float)
        total: dict[str, float] = defaultdict(float)
        for src, tgt in pairs:
            for e in tgt:
                norm = sum(prob[(f, e)] for f in src)
                for f in src:
                    share = prob[(f, e)] / norm
                    expected[(f, e)] += share
                    total[f] += share
        prob = defaultdict(float, {(f, e): c / total[f] for (f, e), c in expected.items()})
    best: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for (f, e), p in prob.items():
        if f != NULL and p >= min_prob:
            best[f].append((e, p))
    return {f: sorted(v, key=lambda x: -x[1])[:max_targets] for f, v in best.items()}


def write_lexicon(path: Path, lexicon: dict[str, list[tuple[str, float]]], header: str) -> None:
    lines = [f"# {line}" for line in header.splitlines()]
    for f in sorted(lexicon):
        lines += [f"{f}\t{e}\t{p:.3f}" for e, p in lexicon[f]]
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, path)


@lru_cache(maxsize=4)
def load_lexicon(path: str | None = None) -> dict[str, tuple[str, ...]]:
    """Source word → target terms, best first. An absent file is an empty lexicon."""
    chosen = Path(path or os.environ.get("SIYADA_TFNG_LEXICON") or DEFAULT_PATH)
    if not chosen.exists():
        return {}
    table: dict[str, list[str]] = defaultdict(list)
    for line in chosen.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        source, target, _ = line.split("\t")
        table[source].append(target)
    return {k: tuple(v) for k, v in table.items()}


def translations(word: str) -> tuple[str, ...]:
    """The learned index terms of a Tifinagh word (none when it was not learned)."""
    return load_lexicon().get(word, ())


def _terms_of(text: str, analyse: Callable[[str], list[str]]) -> list[str]:
    return list(dict.fromkeys(analyse(text)))


def build_from_files(
    tifinagh: Path, others: Iterable[Path], lines: range | None, analyse: Callable[[str], list[str]]
) -> dict[str, list[tuple[str, float]]]:
    """Train on line-aligned files: Tifinagh words → the analysis terms of every other language."""
    tf_lines = tifinagh.read_text(encoding="utf-8").splitlines()
    picked = lines if lines is not None else range(len(tf_lines))
    sources = [_tifinagh_words(tf_lines[i]) for i in picked]
    lexicon: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for other in others:
        o_lines = other.read_text(encoding="utf-8").splitlines()
        targets = [_terms_of(o_lines[i], analyse) for i in picked]
        for f, found in train_lexicon(sources, targets).items():
            lexicon[f] += found
    return dict(lexicon)


def _tifinagh_words(text: str) -> list[str]:
    from siyada.lang.analysis import tifinagh_words

    return tifinagh_words(text)


def main() -> None:
    ap = argparse.ArgumentParser(description="Train a Tifinagh translation lexicon from aligned files.")
    ap.add_argument("tifinagh", type=Path, help="one Tifinagh sentence per line")
    ap.add_argument("others", type=Path, nargs="+", help="the same sentences, other languages")
    ap.add_argument("--output", type=Path, default=DEFAULT_PATH)
    ap.add_argument("--lines", help="FROM:TO, the line range to train on (default: all)")
    a = ap.parse_args()
    from siyada.lang.analysis import translation_terms

    lines = None
    if a.lines:
        lo, hi = (int(x) for x in a.lines.split(":"))
        lines = range(lo, hi)
    lexicon = build_from_files(a.tifinagh, a.others, lines, translation_terms)
    header = (
        f"Tifinagh translation lexicon (IBM Model 1), trained on {a.tifinagh.name} and "
        f"{', '.join(o.name for o in a.others)}, lines {a.lines or 'all'}.\n"
        "columns: tifinagh word, index term, p(term | word)"
    )
    a.output.parent.mkdir(parents=True, exist_ok=True)
    write_lexicon(a.output, lexicon, header)
    n = sum(len(v) for v in lexicon.values())
    print(f"{len(lexicon)} words, {n} translations -> {a.output} (mean {n / max(len(lexicon), 1):.2f})")


if __name__ == "__main__":
    main()
