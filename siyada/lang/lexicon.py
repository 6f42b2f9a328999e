"""Learned translation lexicons: Tifinagh words → English and Darija index terms, and English words →
Arabic-script index terms.

No packaged model knows Tifinagh (e5 scores below BM25 on it), so the lexical index bridges the script
with word translations learned from aligned sentences: IBM Model 1 (EM over sentence pairs, with a NULL
word) estimates p(target term | Tifinagh word); a word keeps its few most probable targets. The
analysis layer then indexes and queries a Tifinagh word *also* under those English and Arabic-script
terms, so a Tifinagh query meets an English or Darija text and the other way round.

The English table does the same for English → Arabic script (English questions over Arabic and
Darija documents), since e5 alone ranks the right Arabic passage first for only ~80 % of English
questions.

Shipped tables, trained by `python -m siyada.lang.lexicon_train` (see `main` there):

* `data/tfng_lexicon.tsv`: lines 1000–3999 of the NLLB-Seed development split (CC BY-SA 4.0, github
  openlanguagedata/seed), Tifinagh against English and Darija;
* `data/en_lexicon.tsv`: the same lines, English against Darija, plus the English glosses of the
  Darija Open Dataset word list (CC BY-NC 4.0) against their Arabic-script spellings.

Lines 0–999 are the retrieval benchmark's queries and were left out, so the benchmark measures
sentences never seen aligned. `SIYADA_TFNG_LEXICON` / `SIYADA_EN_LEXICON` name other tables (same
format), e.g. trained on an organisation's own parallel texts. The tables hold analysis terms (stems),
so a collection indexed under one table must be re-indexed when the table or the stemmer changes.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

__all__ = ["load_lexicon", "train_lexicon", "translations"]

DATA = Path(__file__).with_name("data")
DEFAULT_PATH = DATA / "tfng_lexicon.tsv"
PATHS = {"tfng": (DEFAULT_PATH, "SIYADA_TFNG_LEXICON"), "en": (DATA / "en_lexicon.tsv", "SIYADA_EN_LEXICON")}
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


@lru_cache(maxsize=8)
def load_lexicon(lang: str = "tfng") -> dict[str, tuple[str, ...]]:
    """Source word → target terms, best first. An absent file is an empty lexicon."""
    default, variable = PATHS[lang]
    chosen = Path(os.environ.get(variable) or default)
    if not chosen.exists():
        return {}
    table: dict[str, list[str]] = defaultdict(list)
    for line in chosen.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        source, target, _ = line.split("\t")
        table[source].append(target)
    return {k: tuple(v) for k, v in table.items()}


def translations(word: str, lang: str = "tfng") -> tuple[str, ...]:
    """The learned index terms of a Tifinagh word, or of an English term (none when not learned)."""
    return load_lexicon(lang).get(word, ())
