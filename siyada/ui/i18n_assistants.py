"""The assistants' dashboard words in French (default), Arabic and English, merged into `i18n.STRINGS`
(keys prefixed as_)."""

from __future__ import annotations

# (key, French, Arabic, English)
_ROWS: tuple[tuple[str, str, str, str], ...] = (
    ("as_dashboard", "Suivi des assistants", "تتبع المساعدين", "Assistants dashboard"),
    ("as_assistant", "Assistant", "المساعد", "Assistant"),
    ("as_period", "Période (jours)", "الفترة (أيام)", "Period (days)"),
    ("as_show", "Afficher", "عرض", "Show"),
    ("as_none", "Aucun assistant pour l'instant.", "لا يوجد أي مساعد بعد.", "No assistant yet."),
    ("as_questions", "Questions", "الأسئلة", "Questions"),
    ("as_answered", "Répondues", "مجاب عنها", "Answered"),
    ("as_not_found", "Non trouvées", "بدون جواب", "Not found"),
    ("as_share", "Part répondue", "نسبة الأجوبة", "Share answered"),
    ("as_per_day", "Questions par jour", "الأسئلة في اليوم", "Questions per day"),
    ("as_day", "Jour", "اليوم", "Day"),
    ("as_feedback", "Avis des usagers", "آراء المرتفقين", "Users' feedback"),
    ("as_up", "Utiles", "مفيدة", "Helpful"),
    ("as_down", "Pas utiles", "غير مفيدة", "Not helpful"),
    ("as_comments", "Commentaires", "التعليقات", "Comments"),
    ("as_no_comment", "Aucun commentaire.", "لا توجد تعليقات.", "No comment."),
    ("as_rating", "Avis", "الرأي", "Rating"),
    ("as_comment", "Commentaire", "التعليق", "Comment"),
    ("as_question", "Question", "السؤال", "Question"),
    (
        "as_unanswered",
        "Questions sans réponse, regroupées par similarité",
        "أسئلة بدون جواب، مجمّعة حسب التشابه",
        "Unanswered questions, grouped by similarity",
    ),
    (
        "as_unanswered_help",
        "Ce que les documents ne couvrent pas encore : à transmettre à l'équipe documentaire.",
        "ما لا تغطيه الوثائق بعد: يُحال على فريق الوثائق.",
        "What the documents do not cover yet: for the documents team.",
    ),
    (
        "as_no_unanswered",
        "Aucune question sans réponse.",
        "لا توجد أسئلة بدون جواب.",
        "No unanswered question.",
    ),
    ("as_group_size", "Nombre", "العدد", "Count"),
    ("as_export_stats", "Exporter les chiffres (CSV)", "تصدير الأرقام (CSV)", "Export the figures (CSV)"),
    (
        "as_export_unanswered",
        "Exporter les questions sans réponse (CSV)",
        "تصدير الأسئلة بدون جواب (CSV)",
        "Export the unanswered questions (CSV)",
    ),
    (
        "as_no_personal",
        "Les questions sont enregistrées sans données personnelles (remplacées par leur type).",
        "تُسجَّل الأسئلة بدون معطيات شخصية (تُستبدل بنوعها).",
        "Questions are stored without personal data (replaced by their type).",
    ),
)

ASSISTANTS: dict[str, dict[str, str]] = {key: {"fr": fr, "ar": ar, "en": en} for key, fr, ar, en in _ROWS}
