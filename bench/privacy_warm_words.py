"""Write the privacy analyzer's warm vocabulary: the words it reads into its word caches at load.

    .venv/bin/python bench/privacy_warm_words.py   # writes siyada/privacy/data/warm_words.txt

A word met for the first time costs the analyzer more than the rest of its document's work (its lists'
flags, the CRF's view of it: about 9 µs), and a fresh worker meets every word for the first time. The
words read at load are every token seen at least ``MIN_COUNT`` times in the project's written training
sets (``tests/fixtures/pii_train_*.txt``, everyday Moroccan texts written for the purpose), never a
blind or wild set, so a measurement on those stays a first reading. Caching changes no span: each cache
is a pure function of its word (``tests/test_privacy_speed_paths.py`` checks it).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from siyada.privacy.markup import load_markup  # noqa: E402
from siyada.privacy.name_features import tokens  # noqa: E402
from siyada.privacy.name_model import WARM_WORDS_PATH  # noqa: E402

MIN_COUNT = 3  # seen three times: an everyday word or a common name, not one writer's invention


def main() -> None:
    sets = sorted((ROOT / "tests" / "fixtures").glob("pii_train_*.txt"))
    counts = Counter(w for path in sets for doc in load_markup(path) for _, _, w in tokens(doc["text"]))
    words = sorted((w for w, n in counts.items() if n >= MIN_COUNT), key=lambda w: (-counts[w], w))
    WARM_WORDS_PATH.write_text("".join(f"{w}\n" for w in words), encoding="utf-8")
    print(f"{len(words)} words of {len(sets)} sets ({len(counts)} distinct) -> {WARM_WORDS_PATH}")


if __name__ == "__main__":
    main()
