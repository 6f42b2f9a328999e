"""The neural PERSON tagger against the CRF, alone and combined, on sets neither model was trained on.

    .venv/bin/python bench/person_neural.py --crf-no10 /tmp/no10.crfsuite --neural-no10 /tmp/no10.npz \
        --neural-no1112 /tmp/no1112.npz

Rows: wild11 and wild12 read by the shipped CRF (its tuning sets stop at wild10) and a neural model
trained without them; wild10 read by a CRF and a neural model both trained without it (leave one set
out, so the combination is not chosen on wild11/12 alone). Columns: model-only PERSON F1 (the raw spans
of each learned reader, exact span), then the whole analyzer's overall and PERSON F1 for each way of
combining (:mod:`siyada.privacy.name_combined`), scored as tests/test_privacy_heldout.py scores (exact
span and type). ``--speed`` adds the analyzer's CPU ms per document on wild11+wild12 (best of three
passes, caches warm) and on one 60-word prompt, per mode.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.privacy import Doc, load_gold, score  # noqa: E402
from siyada.privacy import name_combined, name_model, name_neural  # noqa: E402
from siyada.privacy.analyzer import analyze  # noqa: E402
from siyada.privacy.entities import Entity  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
# (mode, ADD_MIN, CRF_WEIGHT, REPLACE_MIN, REPLACE_CRF_UNDER): the ways of combining tried.
MODES = (("crf", 0.0, 0.0, 2.0, 0.9), ("add", 0.8, 0.0, 2.0, 0.9), ("add", 0.9, 0.0, 2.0, 0.9),
         ("add", 0.95, 0.0, 2.0, 0.9), ("add", 0.9, 0.0, 0.99, 0.9), ("add", 0.95, 0.0, 0.99, 0.9),
         ("add", 0.9, 0.0, 0.95, 0.9), ("add", 0.9, 0.0, 0.9, 0.9), ("add", 0.9, 0.0, 0.95, 0.95),
         ("average", 0.0, 0.5, 2.0, 0.9), ("average", 0.0, 0.65, 2.0, 0.9))  # fmt: skip
PROMPT = (
    "Bonjour, je m'appelle Nadia El Ouazzani, j'habite à Salé près de l'avenue Mohammed V. Mon collègue "
    "Yassine Ait Lahcen et sa soeur Tilelli m'ont dit de vous écrire: wach t9der t3awen khouya 7mida "
    "f dossier dyalo? Son numéro est dans le mail, merci d'avance et bonne journée à toute l'équipe."
)


def use(crf: Path, neural: Path) -> None:
    """Point both learned readers at these weights (name_model reads MODEL_PATH per thread's tagger)."""
    name_model.MODEL_PATH = crf
    name_model._LOCAL.__dict__.clear()
    name_neural.MODEL_PATH = neural


def set_mode(mode: str, add_min: float, weight: float, replace_min: float, crf_under: float) -> None:
    name_combined.MODE = mode  # type: ignore[assignment]
    name_combined.ADD_MIN = add_min
    name_combined.CRF_WEIGHT = weight
    name_combined.REPLACE_MIN = replace_min
    name_combined.REPLACE_CRF_UNDER = crf_under


def label(mode: str, add_min: float, weight: float, replace_min: float, crf_under: float) -> str:
    replace = f", replace≥{replace_min} CRF<{crf_under}" if replace_min <= 1 else ""
    return {"crf": "crf", "add": f"add≥{add_min}{replace}", "average": f"avg w{weight}"}[mode]


def person_f1(docs: Sequence[Doc], find: Callable[[str], list[Entity]]) -> float:
    people = [Doc(d.text, frozenset(s for s in d.gold if s[2] == "PERSON")) for d in docs]
    preds = [{(e.start, e.end, e.type) for e in find(d.text)} for d in docs]
    return score(people, preds)["overall"]["f1"]


def pipeline(docs: Sequence[Doc]) -> tuple[float, float]:
    result = score(docs, [{(e.start, e.end, e.type) for e in analyze(d.text)} for d in docs])
    return result["overall"]["f1"], result["per_type"].get("PERSON", {"f1": 0.0})["f1"]


def rows(name: str, docs: Sequence[Doc]) -> list[str]:
    crf = person_f1(docs, name_model.find_people_model)
    neural = person_f1(docs, name_neural.find_people_neural)
    out = [f"| {name} | model-only PERSON F1 | CRF {crf:.3f} | neural {neural:.3f} |"]
    for mode in MODES:
        set_mode(*mode)
        overall, person = pipeline(docs)
        out.append(f"| {name} | {label(*mode)} | overall {overall:.3f} | PERSON {person:.3f} |")
    return out


def cpu_ms(texts: Sequence[str], passes: int = 3) -> float:
    best = float("inf")
    for _ in range(passes):
        c0 = time.process_time()
        for text in texts:
            analyze(text)
        best = min(best, time.process_time() - c0)
    return 1000 * best / len(texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crf-no10", type=Path, required=True)
    parser.add_argument("--neural-no10", type=Path, required=True)
    parser.add_argument("--neural-no1112", type=Path, required=True)
    parser.add_argument("--speed", action="store_true")
    args = parser.parse_args()
    shipped_crf = name_model.MODEL_PATH
    print("| set | reader | | |\n|---|---|---|---|")
    use(shipped_crf, args.neural_no1112)
    for name in ("pii_wild11.txt", "pii_wild12.txt"):
        print("\n".join(rows(name, load_gold(FIXTURES / name))), flush=True)
    use(args.crf_no10, args.neural_no10)
    print("\n".join(rows("pii_wild10.txt (LOO)", load_gold(FIXTURES / "pii_wild10.txt"))), flush=True)
    if args.speed:
        use(shipped_crf, args.neural_no1112)
        texts = [d.text for name in ("pii_wild11.txt", "pii_wild12.txt") for d in load_gold(FIXTURES / name)]
        for mode in MODES:
            set_mode(*mode)
            cpu_ms(texts, 1)  # warm the per-word caches once
            prompt = cpu_ms([PROMPT] * 20)
            print(
                f"{label(*mode)}: {cpu_ms(texts):.3f} ms CPU per document, {prompt:.3f} ms per 60-word prompt"
            )


if __name__ == "__main__":
    main()
