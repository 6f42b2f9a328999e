"""The web app's words: every one the pages use exists in all four languages (French, Arabic, English,
Tamazight in Tifinagh) and renders as text."""

from __future__ import annotations

import re
from pathlib import Path

from siyada.ui import i18n
from siyada.ui.i18n_zgh import ZGH
from siyada.ui.i18n_zgh_assistants import ZGH_ASSISTANTS
from siyada.ui.i18n_zgh_builder import ZGH_BUILDER
from siyada.ui.i18n_zgh_dataspace import ZGH_DATASPACE

UI = Path(i18n.__file__).parent


def _used(pattern: str, glob: str) -> set[str]:
    return {m for path in UI.glob(glob) for m in re.findall(pattern, path.read_text(encoding="utf-8"))}


def test_every_word_has_french_arabic_english_and_tamazight() -> None:
    assert set(i18n.LANGS) == {"fr", "ar", "en", "zgh"}
    missing = {key: sorted(set(i18n.LANGS) - set(texts)) for key, texts in i18n.STRINGS.items()}
    assert {k: v for k, v in missing.items() if v} == {}


def test_no_word_key_shadows_a_dict_method() -> None:
    # Jinja reads t.copy as the dict's copy() method before the "copy" item: the page would show
    # "<built-in method copy…>" instead of the word.
    assert [key for key in i18n.STRINGS if hasattr(dict, key)] == []


def test_every_word_the_templates_and_scripts_use_exists() -> None:
    used = _used(r"\bt\.(\w+)", "templates/*.html") | _used(r"\bt\.(\w+)", "static/*.js")
    assert used, "the pattern finds the words the pages use"
    assert sorted(used - set(i18n.STRINGS)) == []


def test_arabic_pages_are_right_to_left() -> None:
    assert i18n.direction("ar") == "rtl" and i18n.direction("fr") == "ltr"
    assert i18n.words("ar")["send"] == "إرسال"


# Latin words a Tamazight text may hold: names of formats, standards and commands users meet as such,
# and the three technical words that have no Tamazight term (each commented in i18n_zgh*).
LATIN_ALLOWED = {
    "API", "OCR", "CI", "MB", "PDF", "DOCX", "ODT", "XLSX", "ODS", "PPTX", "CSV", "EML", "HTML",
    "Markdown", "JSON", "PNG", "JPEG", "TIFF", "WebP", "Parquet", "SQL", "SELECT", "DCAT", "CNDP",
    "siyada", "eval", "run", "data", "Embedding", "tokens", "quantile",
    "assistant",  # the model string assistant/NAME, typed as such
}  # fmt: skip


def test_tamazight_is_written_in_tifinagh_for_every_key() -> None:
    # no stale key, none missing
    assert set(ZGH) | set(ZGH_DATASPACE) | set(ZGH_ASSISTANTS) | set(ZGH_BUILDER) == set(i18n.STRINGS)
    for key, texts in i18n.STRINGS.items():
        zgh, fr = texts["zgh"], texts["fr"]
        # the same {placeholders} as French, so the pages fill them in
        assert sorted(re.findall(r"\{\w+\}", zgh)) == sorted(re.findall(r"\{\w+\}", fr)), key
        assert not re.search(r"[\u0600-\u06ff]", zgh), key  # no Arabic script
        latin = set(re.findall(r"[A-Za-zÀ-ÿ]+", re.sub(r"\{\w+\}", "", zgh)))
        assert latin <= LATIN_ALLOWED, (key, latin - LATIN_ALLOWED)
        if not latin or key in ("api_key", "ocr_pages_flagged"):
            assert re.search(r"[\u2d30-\u2d7f]", zgh), key


def test_tamazight_is_left_to_right_and_named_in_tifinagh() -> None:
    assert i18n.direction("zgh") == "ltr" and i18n.pick("zgh") == "zgh"
    assert i18n.LANG_NAMES["zgh"] == "ⵜⴰⵎⴰⵣⵉⵖⵜ" and set(i18n.LANG_NAMES) == set(i18n.LANGS)
    assert i18n.words("zgh")["send"] == "ⴰⵣⵏ"
