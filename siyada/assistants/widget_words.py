"""The citizen widget's own words: French, Arabic, Darija (Arabic script, as Moroccans write it online)
and Tamazight in Tifinagh (Neo-Tifinagh of IRCAM).

REVIEW: the Darija and, above all, the Tamazight words were written by the project, not by native
editors; they must be read by a native editor before a ministry puts the widget in front of citizens
(docs/assistants.md, "Citizen widget")."""

from __future__ import annotations

LANGUAGES = ("fr", "ar", "ary", "zgh")
RTL = frozenset({"ar", "ary"})
# The language names are each written in their own language (a citizen looks for their own).
NAMES = {"fr": "Français", "ar": "العربية", "ary": "الدارجة", "zgh": "ⵜⴰⵎⴰⵣⵉⵖⵜ"}

# key: (French, Arabic, Darija, Tamazight)
_ROWS: dict[str, tuple[str, str, str, str]] = {
    "title": ("Assistant en ligne", "المساعد الرقمي", "المساعد ديال الإدارة", "ⴰⵎⴰⵡⴰⵙ ⵏ ⵓⵙⵉⵔⴰ"),
    "open": ("Poser une question", "اطرح سؤالا", "سول سؤال", "ⵙⵇⵙⴰ ⵢⴰⵏ ⵓⵙⵇⵙⵉ"),
    "close": ("Fermer", "إغلاق", "سد", "ⵇⵇⵏ"),
    "question": ("Votre question", "سؤالك", "السؤال ديالك", "ⴰⵙⵇⵙⵉ ⵏⵏⴽ"),
    "send": ("Envoyer", "إرسال", "صيفط", "ⴰⵣⵏ"),
    "answering": ("Réponse en cours…", "جارٍ تحضير الجواب…", "كنوجدو الجواب…", "ⵉⵜⵜⵓⵙⵡⵓⴷⴷⵓ ⵓⵔⴰⵔ…"),
    "sources": ("Sources", "المصادر", "المصادر", "ⵉⵙⴰⴳⵎⵏ"),
    "suggested": ("Questions fréquentes", "أسئلة متداولة", "أسئلة اللي كيتعاودو", "ⵉⵙⵇⵙⵉⵜⵏ ⵉⵜⵜⵓⵙⵇⵙⴰⵏ"),
    "you": ("Vous", "أنت", "نتا", "ⴽⵢⵢ"),
    "assistant": ("Assistant", "المساعد", "المساعد", "ⴰⵎⴰⵡⴰⵙ"),
    "helpful": ("Réponse utile", "جواب مفيد", "الجواب نافع", "ⴰⵔⴰⵔ ⵉⵏⴼⵄ"),
    "not_helpful": ("Réponse pas utile", "جواب غير مفيد", "الجواب ما نافعش", "ⴰⵔⴰⵔ ⵓⵔ ⵉⵏⴼⵄ"),
    "comment": (
        "Un commentaire (facultatif)",
        "تعليق (اختياري)",
        "شي ملاحظة (إلا بغيتي)",
        "ⴰⵡⵏⴰⵏ (ⵙ ⵓⵙⵜⴰⵢ)",
    ),
    "send_feedback": ("Envoyer l'avis", "إرسال الرأي", "صيفط الرأي ديالك", "ⴰⵣⵏ ⵜⴰⵏⵏⴰⵢⵜ"),
    "thanks": (
        "Merci pour votre avis.",
        "شكرا على رأيك.",
        "شكرا على الرأي ديالك.",
        "ⵜⴰⵏⵎⵎⵉⵔⵜ ⵅⴼ ⵜⵏⵏⴰⵢⵜ ⵏⵏⴽ.",
    ),
    "privacy": (
        "Ne donnez pas de données personnelles : elles sont masquées avant tout traitement.",
        "لا تُدخل معطيات شخصية: تُخفى قبل أي معالجة.",
        "ما تكتبش المعطيات الشخصية ديالك: كيتخباو قبل ما يتعالج السؤال.",
        "ⵓⵔ ⵜⴰⵔⴰ ⵉⵙⴼⴽⴰ ⵏⵏⴽ ⵉⵏⵎⴰⵍⴰⵏ: ⴰⴷ ⵜⵜⵓⴼⴼⵔⵏ ⵇⴱⵍ ⴰⵙⵎⵔⵙ.",
    ),
    "rate_limited": (
        "Vous avez posé beaucoup de questions en peu de temps. Patientez une minute, puis réessayez.",
        "لقد طرحت أسئلة كثيرة في وقت قصير. يُرجى الانتظار دقيقة ثم المحاولة من جديد.",
        "سولتي بزاف ديال الأسئلة فوقت قصير. تسنى شي دقيقة وعاود جرب.",
        "ⵜⵙⵇⵙⴰⴷ ⴰⵟⵟⴰⵚ ⵏ ⵉⵙⵇⵙⵉⵜⵏ ⴳ ⵢⴰⵏ ⵓⴽⵓⴷ ⵉⵎⵥⵥⵉⵢⵏ. ⵔⴰⵊⵓ ⵢⴰⵜ ⵜⵓⵙⴷⵉⴷⵜ, ⵜⵄⴰⵡⴷⴷ.",
    ),
    "busy": (
        "Le service reçoit beaucoup de questions en ce moment. Réessayez dans une minute.",
        "تتلقى الخدمة أسئلة كثيرة حاليا. أعد المحاولة بعد دقيقة.",
        "الخدمة عندها بزاف ديال الأسئلة دابا. عاود جرب من بعد دقيقة.",
        "ⵜⴰⵏⴰⴼⵓⵜ ⵜⵟⵟⴰⴼ ⴰⵟⵟⴰⵚ ⵏ ⵉⵙⵇⵙⵉⵜⵏ ⴷⵖⵉ. ⵄⴰⵡⴷ ⴷⴼⴼⵉⵔ ⵢⴰⵜ ⵜⵓⵙⴷⵉⴷⵜ.",
    ),
    "error": (
        "Le service ne peut pas répondre pour l'instant. Réessayez plus tard.",
        "تعذر الجواب حاليا. أعد المحاولة لاحقا.",
        "ما قدرناش نجاوبو دابا. عاود جرب من بعد.",
        "ⵓⵔ ⵉⵣⵎⵉⵔ ⵓⵏⴰⴼⵓ ⴰⴷ ⵢⴰⵔⵓ ⴷⵖⵉ. ⵄⴰⵡⴷ ⴷⴼⴼⵉⵔ.",
    ),
    "expired": (
        "La session a expiré : rechargez la page.",
        "انتهت الجلسة: أعد تحميل الصفحة.",
        "الجلسة سالات: عاود حل الصفحة.",
        "ⵜⵣⵔⵉ ⵜⵉⵣⵉ: ⵄⴰⵡⴷ ⵙⴽⵛⵎ ⵜⴰⵙⵏⴰ.",
    ),
    "language": ("Langue", "اللغة", "اللغة", "ⵜⵓⵜⵍⴰⵢⵜ"),
}


def pick(lang: str | None) -> str:
    return lang if lang in LANGUAGES else "fr"


def words(lang: str) -> dict[str, str]:
    i = LANGUAGES.index(pick(lang))
    return {key: row[i] for key, row in _ROWS.items()}


def direction(lang: str) -> str:
    return "rtl" if pick(lang) in RTL else "ltr"
