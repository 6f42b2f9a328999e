"""The assistants dashboard's words in Tamazight (Tifinagh), merged into `i18n.STRINGS` like
`i18n_zgh.py`. A draft FOR REVIEW by a native editor (docs/assistants.md, "Tamazight interface"); the
vocabulary follows `i18n_zgh.py` and the widget's words (ⴰⵎⴰⵡⴰⵙ assistant, ⴰⵙⵇⵙⵉ question, ⴰⵔⴰⵔ
answer, ⵜⴰⵏⵏⴰⵢⵜ opinion). CSV stays in Latin letters, as users meet it."""

from __future__ import annotations

ZGH_ASSISTANTS: dict[str, str] = {
    "as_dashboard": "ⴰⴹⴼⴰⵕ ⵏ ⵉⵎⴰⵡⴰⵙⵏ",
    "as_assistant": "ⴰⵎⴰⵡⴰⵙ",
    "as_period": "ⴰⴽⵓⴷ (ⵓⵙⵙⴰⵏ)",
    "as_show": "ⵙⵎⴰⵍ",
    "as_none": "ⵓⵍⴰ ⵢⴰⵏ ⵓⵎⴰⵡⴰⵙ ⴰⵔ ⴷⵖⵉ.",
    "as_questions": "ⵉⵙⵇⵙⵉⵜⵏ",
    "as_answered": "ⵍⵍⴰⵏ ⵖⵓⵔⵙⵏ ⵉⵔⴰⵔⵏ",
    "as_not_found": "ⵓⵔ ⵜⵜⵢⴰⴼⴰⵏ",
    "as_share": "ⵜⴰⴳⵣⵓⵎⵜ ⵏ ⵉⵔⴰⵔⵏ",
    "as_per_day": "ⵉⵙⵇⵙⵉⵜⵏ ⴳ ⵡⴰⵙⵙ",
    "as_day": "ⴰⵙⵙ",
    "as_feedback": "ⵜⵉⵏⵏⴰⵢⵉⵏ ⵏ ⵉⵎⵙⵙⵎⵔⵙⵏ",
    "as_up": "ⵏⴼⵄⵏ",
    "as_down": "ⵓⵔ ⵏⴼⵉⵄⵏ",
    "as_comments": "ⵉⵡⵏⴰⵏⵏ",
    "as_no_comment": "ⵓⵍⴰ ⵢⴰⵏ ⵓⵡⵏⴰⵏ.",
    "as_rating": "ⵜⴰⵏⵏⴰⵢⵜ",
    "as_comment": "ⴰⵡⵏⴰⵏ",
    "as_question": "ⴰⵙⵇⵙⵉ",
    "as_unanswered": "ⵉⵙⵇⵙⵉⵜⵏ ⴱⵍⴰ ⴰⵔⴰⵔ, ⵙⵎⵓⵏⵏ ⵙ ⵓⵎⵢⴰⵏⴰⵡ",
    "as_unanswered_help": "ⵎⴰⴷ ⵓⵔ ⵜ ⵙⵙⵏⵜ ⵉⵙⵎⵍⵉⵢⵏ ⴰⵔ ⴷⵖⵉ: ⴰⵣⵏ ⵜ ⵉ ⵜⵔⴰⴱⴱⵓⵜ ⵏ ⵉⵙⵎⵍⵉⵢⵏ.",
    "as_no_unanswered": "ⵓⵍⴰ ⵢⴰⵏ ⵓⵙⵇⵙⵉ ⴱⵍⴰ ⴰⵔⴰⵔ.",
    "as_group_size": "ⵎⵏⵏⴰⵡ",
    "as_export_stats": "ⵙⵙⵓⴼⵖ ⵉⵎⴹⴰⵏ (CSV)",
    "as_export_unanswered": "ⵙⵙⵓⴼⵖ ⵉⵙⵇⵙⵉⵜⵏ ⴱⵍⴰ ⴰⵔⴰⵔ (CSV)",
    "as_no_personal": "ⵉⵙⵇⵙⵉⵜⵏ ⵜⵜⵓⵣⵎⵎⴰⵎⵏ ⴱⵍⴰ ⵉⵙⴼⴽⴰ ⵉⵏⵎⴰⵍⴰⵏ (ⵜⵜⵓⵙⵏⴼⵍⵏ ⵙ ⵡⴰⵏⴰⵡ ⵏⵏⵙⵏ).",
}
