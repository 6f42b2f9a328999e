"""The assistants builder's words in Tamazight (Tifinagh), keyed as `i18n_builder` (ab_). A first draft
FOR REVIEW by a native editor trained in IRCAM's standard, like the other `i18n_zgh*` modules of the
Tamazight interface (merged beside this branch); it reuses their vocabulary: ⴰⵎⴰⵡⴰⵙ assistant,
ⴰⵙⵡⵓⴷⴷⵓ configuration, ⴰⵎⴷⵢⴰ model, ⵜⵉⴳⵔⴰⵡⵉⵏ collections, ⴰⵙⵇⵙⵉ question, ⴰⵔⴰⵔ answer, ⵃⴹⵓ save,
ⴰⵎⵣⵔⵓⵢ history, ⵙⵏⴼⵍ edit, ⵉⴼⵔⴷⵉⵙⵏ passages, ⵉⵙⴼⴽⴰ ⵉⵏⵎⴰⵍⴰⵏ personal data, ⵉⵏⴱⴱⴰⴹⵏ administrators.
Where no established term exists a comment names the choice. To be merged into `i18n.STRINGS` with
the other Tamazight modules (the merge adds ZGH_BUILDER to their loop in siyada/ui/i18n.py)."""

from __future__ import annotations

ZGH_BUILDER: dict[str, str] = {
    "ab_title": "ⵉⵎⴰⵡⴰⵙⵏ",
    "ab_new": "ⴰⵎⴰⵡⴰⵙ ⴰⵎⴰⵢⵏⵓ",
    "ab_none": "ⵓⵍⴰ ⵢⴰⵏ ⵓⵎⴰⵡⴰⵙ ⴰⵔ ⴷⵖⵉ.",
    "ab_readonly": "ⵖⴰⵙ ⵉⵏⴱⴱⴰⴹⵏ ⵏ ⵜⵏⴱⴰⴹⵜ ⵏⵏⵓⵏ ⴰⵢ ⵉⵙⵏⴼⴰⵍⵏ ⵉⵎⴰⵡⴰⵙⵏ.",
    "ab_editor": "ⴰⵙⵡⵓⴷⴷⵓ",
    "ab_editing": "ⵙⵏⴼⵍ “{name}”",
    # a version: ⵜⴰⵏⵖⵍⵜ "a copy, an issue" — no established term
    "ab_version": "ⵜⴰⵏⵖⵍⵜ",
    "ab_versions": "ⴰⵎⵣⵔⵓⵢ ⵏ ⵜⵏⵖⵍⵉⵏ",
    "ab_view": "ⵙⵎⴰⵍ",
    "ab_view_version": "ⵙⵎⴰⵍ ⵜⴰⵏⵖⵍⵜ {v}",
    "ab_viewing": "ⵜⴰⵏⵖⵍⵜ {v} ⴰⴷ ⵜⵜⵓⵙⵎⴰⵍ: ⵎⴰ ⵜⵜ ⵜⵃⴹⵉⴷ, ⴰⴷ ⵜⴳ ⵜⴰⵏⵖⵍⵜ {next}.",
    "ab_by": "ⵙ",
    "ab_name_help": "ⵉⵙⴽⴽⵉⵍⵏ ⵉⵎⵥⵥⵉⵢⵏ, ⵉⵎⴹⴰⵏ ⴷ ⵜⵉⵣⵍⵉⵍⵉⵏ; ⴰⵎⴷⵢⴰ ⴰⴷ ⵢⵉⵍⵉ assistant/ⵉⵙⵎ",
    # instructions: ⵜⵉⵏⴰⴹⵉⵏ "what is said (to it)" — no established term
    "ab_instructions": "ⵜⵉⵏⴰⴹⵉⵏ",
    "ab_lang_fr": "ⵜⴰⴼⵔⴰⵏⵙⵉⵙⵜ",
    "ab_lang_ar": "ⵜⴰⵄⵔⴰⴱⵜ",
    "ab_lang_ary": "ⵜⴰⴷⴰⵔⵉⵊⵜ",
    "ab_lang_en": "ⵜⴰⵏⴳⵍⵉⵣⵜ",
    "ab_model": "ⴰⵎⴷⵢⴰ",
    "ab_collections": "ⵜⵉⴳⵔⴰⵡⵉⵏ",
    "ab_collections_help": "ⵓⵍⴰ ⵢⴰⵜ: ⴰⵎⵙⴰⵡⴰⵍ ⵙ ⵜⵉⵏⴰⴹⵉⵏ ⵖⴰⵙ",
    "ab_answer_mode": "ⴰⵏⴰⵡ ⵏ ⵓⵔⴰⵔ",
    "ab_mode_default": "ⴰⵎⵣⵡⴰⵔⵓ",
    # extractive: ⵙ ⵓⵙⵙⵓⴼⵖ "by bringing out" (exact quotes)
    "ab_mode_extractive": "ⵙ ⵓⵙⵙⵓⴼⵖ (ⵉⵖⴱⴱⴰⵍⵏ ⵏⵏⵉⵖⵏ)",
    "ab_mode_generative": "ⵉⵜⵜⴰⵔⴰ ⵜ ⵓⵎⴷⵢⴰ",
    "ab_retrieval_k": "ⵉⴼⵔⴷⵉⵙⵏ ⵉⵜⵜⵢⴰⴼⴰⵏ (1 ⴰⵔ 20)",
    "ab_privacy": "ⵉⵙⴼⴽⴰ ⵉⵏⵎⴰⵍⴰⵏ",
    "ab_privacy_external": "ⵜⴰⵙⵔⵜⵉⵜ ⵏ ⵜⵏⴱⴰⴹⵜ ⵏⵏⵓⵏ",
    "ab_privacy_all": "ⴼⴼⵔ ⵜⵏ ⵉ ⴽⵓ ⴰⵎⴷⵢⴰ, ⵓⵍⴰ ⵉⵏ ⵓⴳⵏⵙⵓ",
    # temperature: ⵜⴰⵣⵖⵍⵜ "warmth" — no established term for the sampling parameter
    "ab_temperature": "ⵜⴰⵣⵖⵍⵜ (0 ⴰⵔ 2; ⵜⴰⵅⵡⴰⵏ: ⵜⴰⵏ ⵏ ⵓⵎⴷⵢⴰ)",
    "ab_greeting": "ⵜⵓⵣⵉⵏⵜ ⵏ ⵓⵙⵏⵓⴱⴳ",
    "ab_suggested": "ⵉⵙⵇⵙⵉⵜⵏ ⵉⵜⵜⵓⵙⵓⵎⵔⵏ (ⵢⴰⵏ ⴳ ⴽⵓ ⴰⵣⵔⵉⴳ, 10 ⵖⴰⵙ)",
    "ab_tools": "ⵉⵎⴰⵙⵙⵏ ⵉⵜⵜⵓⵙⵓⵔⴰⴳⵏ (ⵉⵙⵎⴰⵡⵏ ⵙ ⵜⵉⵙⵙⵓⵔⵉⵏ; ⴱⵍⴰ ⵜⵉⴳⵔⴰⵡⵉⵏ)",
    "ab_saved": "ⵜⴰⵏⵖⵍⵜ {v} ⵜⵜⵓⵃⴹⴰ.",
    # to retire: ⵙⵙⵉⴷⵔ "withdraw, take out of service"
    "ab_retire": "ⵙⵙⵉⴷⵔ",
    "ab_confirm_retire": "ⵙⵙⵉⴷⵔ “{name}”? ⵓⵍⴰ ⵢⴰⵜ ⵙⴳ ⵜⵏⵖⵍⵉⵏ ⵏⵏⵙ ⵓⵔ ⵔⴰⴷ ⵜⵔⴰⵔ, ⵉⵙⵎ ⵏⵏⵙ ⵉⵇⵇⵉⵎ ⵉⵜⵜⵓⵟⵟⴼ.",
    "ab_retired": "“{name}” ⵉⵜⵜⵓⵙⵉⴷⵔ.",
    "ab_fix": "ⵙⴳⴳⵎ ⴰⵏⵙⴰ ⵉⵜⵜⵓⵎⵍⵏ.",
    # preview: ⴰⵙⴽⴰⵏ "showing" — no established term
    "ab_preview": "ⴰⵙⴽⴰⵏ",
    "ab_preview_intro": "ⴰⵙⵡⵓⴷⴷⵓ ⵏ ⵜⴼⵔⵎⵉⵜ ⴰⴷ ⵉⵜⵜⴰⵔⴰ ⴷⴰ, ⴱⵍⴰ ⴰⴷ ⵉⵜⵜⵓⵃⴹⵓ.",
    "ab_question": "ⴰⵙⵇⵙⵉ ⵏⵏⴽ",
    "ab_clear": "ⵙⴼⴹ",
    "ab_suggestions": "ⵉⵙⵇⵙⵉⵜⵏ ⵉⵜⵜⵓⵙⵓⵎⵔⵏ",
}
