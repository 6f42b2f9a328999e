"""The web app's words in French (default), Arabic and English, and each language's direction."""

from __future__ import annotations

LANGS = ("fr", "ar", "en")
DEFAULT = "fr"
RTL = {"ar"}

STRINGS: dict[str, dict[str, str]] = {
    "app": {"fr": "Siyada", "ar": "سيادة", "en": "Siyada"},
    "chat": {"fr": "Conversation", "ar": "المحادثة", "en": "Chat"},
    "documents": {"fr": "Documents", "ar": "الوثائق", "en": "Documents"},
    "evaluation": {"fr": "Évaluation", "ar": "التقييم", "en": "Evaluation"},
    "admin": {"fr": "Administration", "ar": "الإدارة", "en": "Administration"},
    "logout": {"fr": "Se déconnecter", "ar": "تسجيل الخروج", "en": "Log out"},
    "login": {"fr": "Se connecter", "ar": "تسجيل الدخول", "en": "Log in"},
    "api_key": {"fr": "Clé d'API", "ar": "مفتاح الواجهة البرمجية", "en": "API key"},
    "login_intro": {
        "fr": "Connectez-vous avec la clé d'API que votre administrateur vous a remise.",
        "ar": "سجّل الدخول بمفتاح الواجهة البرمجية الذي سلّمه لك المسؤول.",
        "en": "Log in with the API key your administrator gave you.",
    },
    "bad_key": {
        "fr": "Clé inconnue ou révoquée.",
        "ar": "مفتاح غير معروف أو ملغى.",
        "en": "Unknown or revoked key.",
    },
    "model": {"fr": "Modèle", "ar": "النموذج", "en": "Model"},
    "collections": {
        "fr": "Collections (réponse sourcée)",
        "ar": "المجموعات (جواب موثّق)",
        "en": "Collections (grounded answer)",
    },
    "none": {"fr": "aucune", "ar": "لا شيء", "en": "none"},
    "message": {"fr": "Votre message", "ar": "رسالتك", "en": "Your message"},
    "send": {"fr": "Envoyer", "ar": "إرسال", "en": "Send"},
    "stop": {"fr": "Arrêter", "ar": "إيقاف", "en": "Stop"},
    "copy": {"fr": "Copier", "ar": "نسخ", "en": "Copy"},
    "regenerate": {"fr": "Régénérer", "ar": "إعادة التوليد", "en": "Regenerate"},
    "new_chat": {"fr": "Nouvelle conversation", "ar": "محادثة جديدة", "en": "New chat"},
    "history": {"fr": "Historique", "ar": "السجل", "en": "History"},
    "sources": {"fr": "Sources", "ar": "المصادر", "en": "Sources"},
    "pseudonymised": {
        "fr": "Des données personnelles ont été pseudonymisées avant d'atteindre le modèle.",
        "ar": "تمّ إخفاء معطيات شخصية بأسماء مستعارة قبل وصولها إلى النموذج.",
        "en": "Personal data was pseudonymised before it reached the model.",
    },
    "you": {"fr": "Vous", "ar": "أنت", "en": "You"},
    "assistant": {"fr": "Siyada", "ar": "سيادة", "en": "Siyada"},
    "error": {"fr": "Erreur", "ar": "خطأ", "en": "Error"},
    "language": {"fr": "Langue", "ar": "اللغة", "en": "Language"},
    "forbidden": {
        "fr": "Cette page est réservée aux administrateurs.",
        "ar": "هذه الصفحة مخصّصة للمسؤولين.",
        "en": "This page is for administrators.",
    },
    "leaderboard": {"fr": "Classement", "ar": "الترتيب", "en": "Leaderboard"},
    "no_evaluations": {
        "fr": "Aucune évaluation pour l'instant : lancez « siyada eval run ».",
        "ar": "لا يوجد تقييم بعد: شغّل «siyada eval run».",
        "en": "No evaluation yet: run “siyada eval run”.",
    },
    "task": {"fr": "Tâche", "ar": "المهمة", "en": "Task"},
    "metric": {"fr": "Mesure", "ar": "المقياس", "en": "Metric"},
    "configuration": {"fr": "Configuration", "ar": "الإعداد", "en": "Configuration"},
    "value": {"fr": "Valeur (IC 95 %)", "ar": "القيمة (مجال ثقة 95٪)", "en": "Value (95% CI)"},
    "report": {"fr": "Rapport", "ar": "التقرير", "en": "Report"},
    "providers": {"fr": "Fournisseurs", "ar": "المزوّدون", "en": "Providers"},
    "coming": {
        "fr": "Cette page arrive : utilisez la CLI ou l'API en attendant.",
        "ar": "هذه الصفحة قيد الإنجاز: استعمل سطر الأوامر أو الواجهة البرمجية حاليا.",
        "en": "This page is coming: use the CLI or the API meanwhile.",
    },
    # Login with a username and password
    "login_with_key": {"fr": "Avec une clé d'API", "ar": "بمفتاح الواجهة البرمجية", "en": "With an API key"},
    "login_with_password": {
        "fr": "Avec un identifiant et un mot de passe",
        "ar": "باسم المستخدم وكلمة المرور",
        "en": "With a username and password",
    },
    "login_password_intro": {
        "fr": "Ou connectez-vous avec l'identifiant et le mot de passe créés par votre administrateur.",
        "ar": "أو سجّل الدخول باسم المستخدم وكلمة المرور اللذين أنشأهما لك المسؤول.",
        "en": "Or log in with the username and password your administrator created for you.",
    },
    "login_username": {"fr": "Identifiant", "ar": "اسم المستخدم", "en": "Username"},
    "login_password": {"fr": "Mot de passe", "ar": "كلمة المرور", "en": "Password"},
    "login_bad_password": {
        "fr": "Identifiant ou mot de passe incorrect.",
        "ar": "اسم المستخدم أو كلمة المرور غير صحيحة.",
        "en": "Wrong username or password.",
    },
    "login_locked": {
        "fr": "Trop d'essais manqués pour cet identifiant : réessayez dans {minutes} min.",
        "ar": "محاولات فاشلة كثيرة لهذا الاسم: أعد المحاولة بعد {minutes} دقيقة.",
        "en": "Too many failed attempts for this username: try again in {minutes} min.",
    },
    "skip": {"fr": "Aller au contenu", "ar": "انتقل إلى المحتوى", "en": "Skip to content"},
}


def pick(requested: str | None) -> str:
    return requested if requested in LANGS else DEFAULT


def words(lang: str) -> dict[str, str]:
    return {key: texts.get(lang) or texts[DEFAULT] for key, texts in STRINGS.items()}


def direction(lang: str) -> str:
    return "rtl" if lang in RTL else "ltr"
