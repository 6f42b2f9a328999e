"""What the retrieval benchmarks share: reading task files, scoring rankings, and the plain BM25
baseline (lowercase ``\\w+`` tokens, k1=1.2, b=0.75, idf = ln(1 + (N - df + 0.5)/(df + 0.5)), each
distinct query term counted once, as the FTS5 index does)."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from pathlib import Path
from typing import Any

K1, B = 1.2, 0.75


def plain_terms(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


class BM25:
    def __init__(self, ids: list[str], docs: list[list[str]]) -> None:
        self.ids = ids
        self.tf = [Counter(d) for d in docs]
        self.len = [len(d) for d in docs]
        self.avg = sum(self.len) / max(len(self.len), 1)
        df: Counter[str] = Counter()
        for t in self.tf:
            df.update(t.keys())
        n = len(docs)
        self.idf = {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in df.items()}
        self.postings: dict[str, list[int]] = {}
        for i, t in enumerate(self.tf):
            for w in t:
                self.postings.setdefault(w, []).append(i)

    def search(self, terms: list[str], k: int = 10) -> list[str]:
        scores: Counter[int] = Counter()
        for w in dict.fromkeys(terms):
            idf = self.idf.get(w, 0.0)
            for i in self.postings.get(w, []):
                f = self.tf[i][w]
                scores[i] += idf * f * (K1 + 1) / (f + K1 * (1 - B + B * self.len[i] / self.avg))
        return [self.ids[i] for i, _ in sorted(scores.items(), key=lambda x: (-x[1], x[0]))[:k]]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def score(ranked: list[list[str]], relevant: list[set[str]]) -> dict[str, float]:
    r1 = r10 = mrr = 0.0
    for got, rel in zip(ranked, relevant, strict=True):
        r1 += bool(got[:1] and got[0] in rel)
        r10 += any(d in rel for d in got[:10])
        mrr += next((1.0 / (i + 1) for i, d in enumerate(got[:10]) if d in rel), 0.0)
    n = max(len(ranked), 1)
    return {"r1": round(r1 / n, 4), "r10": round(r10 / n, 4), "mrr10": round(mrr / n, 4)}
