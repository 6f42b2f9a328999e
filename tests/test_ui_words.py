"""The web app's words: every one the pages use exists in all three languages and renders as text."""

from __future__ import annotations

import re
from pathlib import Path

from siyada.ui import i18n

UI = Path(i18n.__file__).parent


def _used(pattern: str, glob: str) -> set[str]:
    return {m for path in UI.glob(glob) for m in re.findall(pattern, path.read_text(encoding="utf-8"))}


def test_every_word_has_french_arabic_and_english() -> None:
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


def test_the_builder_has_a_tamazight_draft_for_every_word() -> None:
    """Not shown on this branch (the Tamazight interface is merged beside it), but complete and in
    Tifinagh, so that merging it keeps every word in all four languages."""
    from siyada.ui.i18n_builder import BUILDER
    from siyada.ui.i18n_zgh_builder import ZGH_BUILDER

    assert set(ZGH_BUILDER) == set(BUILDER)
    latin = {"assistant"}  # the model's name, assistant/NAME, is typed as such
    for key, text in ZGH_BUILDER.items():
        words = re.findall(r"[A-Za-z]+", re.sub(r"\{\w+\}", "", text))
        assert set(words) <= latin, (key, words)
        assert re.search("[\u2d30-\u2d7f]", text), key
        # the same placeholders as the French text
        assert sorted(re.findall(r"\{\w+\}", text)) == sorted(re.findall(r"\{\w+\}", BUILDER[key]["fr"])), key
