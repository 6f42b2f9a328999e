"""The web app's words in Standard Moroccan Tamazight (`zgh`), in Tifinagh, merged into `i18n.STRINGS`.

Tamazight is an official language of Morocco (Constitution, art. 5; organic law 26.16), so public
services owe citizens an interface in it. These words were written by the project, not by a native
editor: they are a first draft FOR REVIEW by a native speaker trained in IRCAM's standard before a
public deployment (docs/assistants.md, "Tamazight interface"). Where IRCAM's lexicons
have no established term, a comment says so and names the choice; technical names that users meet
as such (API, OCR, SQL, CSV, DCAT, CNDP, embedding, tokens, ε) stay in Latin letters.

Recurring choices: ⴰⵎⵙⴰⵡⴰⵍ conversation; ⵉⵙⵎⵍⵉⵢⵏ documents (the Kabyle localisation's term; no
IRCAM term found); ⵜⴰⵏⴱⴰⴹⵜ administration; ⵜⴰⵙⴰⵔⵓⵜ key; ⴰⵎⵙⵙⵎⵔⵙ user; ⵜⴰⴳⵓⵔⵉ ⵏ ⵓⵣⵔⴰⵢ password;
ⵉⵙⴼⴽⴰ data; ⵜⴰⴳⵔⴰⵡⵜ collection (lit. a gathering); ⴰⵎⴷⵢⴰ model (lit. example, pattern);
ⴰⵙⵙⵉⴹⵏ evaluation (lit. counting, measuring); ⵜⴰⵎⵙⵙⵓⴷⵙⵜ tenant (lit. institution); ⴽⴽⵙ delete;
ⴱⴹⵍ revoke (cancel); ⵙⵙⵔⵖ / ⵙⵅⵙⵉ enable / disable (light / put out).
"""

from __future__ import annotations

ZGH: dict[str, str] = {
    "app": "ⵙⵉⵢⴰⴷⴰ",
    "chat": "ⴰⵎⵙⴰⵡⴰⵍ",
    "documents": "ⵉⵙⵎⵍⵉⵢⵏ",
    "evaluation": "ⴰⵙⵙⵉⴹⵏ",
    "admin": "ⵜⴰⵏⴱⴰⴹⵜ",
    "logout": "ⴼⴼⵖ",
    "login": "ⴽⵛⵎ",
    "api_key": "ⵜⴰⵙⴰⵔⵓⵜ ⵏ API",
    "login_intro": "ⴽⵛⵎ ⵙ ⵜⵙⴰⵔⵓⵜ ⵏ API ⵍⵍⵉ ⴽ ⵢⵓⴼⴽⴰ ⵓⵏⴱⴱⴰⴹ ⵏⵏⴽ.",
    "bad_key": "ⵜⴰⵙⴰⵔⵓⵜ ⵓⵔ ⵉⵜⵜⵢⴰⵙⵙⵏⵏ ⵏⵖ ⵉⵜⵜⵓⴱⴹⵍⵏ.",
    "model": "ⴰⵎⴷⵢⴰ",
    "collections": "ⵜⵉⴳⵔⴰⵡⵉⵏ (ⵜⴰⵔⵓⵔⵉⵜ ⵙ ⵉⵖⴱⴱⴰⵍⵏ)",
    "none": "ⵓⵍⴰ ⵢⴰⵜ",
    "message": "ⵜⵓⵣⵉⵏⵜ ⵏⵏⴽ",
    "send": "ⴰⵣⵏ",
    "stop": "ⵙⴱⴷⴷ",
    "copy_text": "ⵏⵖⵍ",
    "regenerate": "ⴰⵍⵙ",
    "new_chat": "ⴰⵎⵙⴰⵡⴰⵍ ⴰⵎⴰⵢⵏⵓ",
    "history": "ⴰⵎⵣⵔⵓⵢ",
    "sources": "ⵉⵖⴱⴱⴰⵍⵏ",
    "ocr_low_confidence": "ⵜⴰⵙⵏⴰ ⴰⴷ ⵜⵜⵓⵖⵔⴰ ⵙ OCR, ⵉⵣⵎⵔ ⴰⴷ ⵉⵣⴳⵍ: ⵙⴼⵇⴷ ⴰⴹⵕⵉⵚ ⵙ ⵜⵡⵍⴰⴼⵜ.",
    "ocr_pages_flagged": "OCR ⵉⵣⵎⵔ ⴰⴷ ⵉⵣⴳⵍ, ⵜⵉⵙⵏⵉⵡⵉⵏ",
    # No established term for "pseudonymised": ⵜⵜⵓⴼⴼⵔⵏ "were hidden" (behind stand-in names).
    "pseudonymised": "ⵉⵙⴼⴽⴰ ⵓⴷⵎⴰⵡⴰⵏⵏ ⵜⵜⵓⴼⴼⵔⵏ ⵙ ⵉⵙⵎⴰⵡⵏ ⵢⴰⴹⵏ ⵇⴱⵍ ⴰⴷ ⴰⵡⵉⵏ ⴰⵎⴷⵢⴰ.",
    "demo_tag": "ⴰⵙⴽⴰⵏ",
    "demo_model": (
        "ⴰⵎⴷⵢⴰ ⵏ ⵓⵙⴽⴰⵏ: ⵜⵉⵔⵓⵔⵉⵜⵉⵏ ⵏⵏⵙ ⴱⵍⴰ ⵉⵖⴱⴱⴰⵍⵏ ⵜⵣⵎⵔ ⴰⴷ ⵜⵉⵍⵉ ⵜⴰⵣⴳⵍⵜ ⴳⵉⵙⵏⵜ. "
        "ⵙⵜⵉ ⵜⴰⴳⵔⴰⵡⵜ ⵃⵎⴰ ⴰⴷ ⵜⴰⵙ ⵜⵔⵓⵔⵉⵜ ⵙⴳ ⵉⵙⵎⵍⵉⵢⵏ."
    ),
    "demo_answer": "ⵜⴰⵔⵓⵔⵉⵜ ⴱⵍⴰ ⵉⵖⴱⴱⴰⵍⵏ ⵏ ⵓⵎⴷⵢⴰ ⵏ ⵓⵙⴽⴰⵏ: ⵙⴼⵇⴷ ⵜⵜ.",
    "you": "ⴽⵢⵢⵉ",
    "assistant": "ⵙⵉⵢⴰⴷⴰ",
    "error": "ⵜⴰⵣⴳⵍⵜ",
    "language": "ⵜⵓⵜⵍⴰⵢⵜ",
    "forbidden": "ⵜⴰⵙⵏⴰ ⴰⴷ ⵉ ⵉⵏⴱⴱⴰⴹⵏ ⵖⴰⵙ.",
    "leaderboard": "ⴰⵙⵓⵔⵙ ⵏ ⵜⵢⴰⴼⵓⵜⵉⵏ",  # "ranking of results": no established term
    "no_evaluations": "ⵓⵍⴰ ⴰⵙⵙⵉⴹⵏ ⴰⵔ ⵖⵉⵍⴰⴷ: ⵙⵡⵓⵔⵉ “siyada eval run”.",
    "task": "ⵜⴰⵡⵓⵔⵉ",
    "metric": "ⴰⵏⴰⵡ ⵏ ⵓⵙⵙⵉⴹⵏ",  # "kind of measure": no established term for a metric
    "configuration": "ⴰⵙⵡⵓⴷⴷⵓ",
    "value": "ⴰⵣⴰⵍ (95% CI)",
    "report": "ⴰⵏⵇⵇⵉⵙ",
    "providers": "ⵉⵎⴳⴳⴰⵢⵏ ⵏ ⵉⵎⴷⵢⴰⵜⵏ",  # "those who run the models"
    "new_collection": "ⵜⴰⴳⵔⴰⵡⵜ ⵜⴰⵎⴰⵢⵏⵓⵜ",
    "name": "ⵉⵙⵎ",
    "description": "ⴰⴳⵍⴰⵎ",
    "create": "ⵙⵏⵓⵍⴼⵓ",
    "open": "ⵔⵥⵎ",
    "delete": "ⴽⴽⵙ",
    "close": "ⵔⴳⵍ",
    "actions": "ⵜⵉⴳⴰⵡⵉⵏ",
    "chunks": "ⵉⴼⵔⴷⵉⵙⵏ",
    "characters": "ⵉⵙⴽⴽⵉⵍⵏ",
    "format": "ⵜⴰⵍⵖⴰ",
    "added": "ⵉⵜⵜⵓⵔⵏⴰ",
    "embedding": "Embedding",  # no Tamazight term; the operators' own word
    "default": "ⴰⵎⵣⵡⴰⵔⵓ",
    "lexical_only": "ⵙ ⵜⴳⵓⵔⵉⵡⵉⵏ ⵖⴰⵙ",
    "no_collections": "ⵓⵍⴰ ⵜⴰⴳⵔⴰⵡⵜ ⴰⵔ ⵖⵉⵍⴰⴷ: ⵙⵏⵓⵍⴼⵓ ⵢⴰⵜ ⵃⵎⴰ ⴰⴷ ⵙ ⵜⵔⵏⵓⴷ ⵉⵙⵎⵍⵉⵢⵏ.",
    "no_documents": "ⵓⵍⴰ ⴰⵙⵎⵍⵉ.",
    "drop_here": (
        "ⴳⵔ ⵉⴼⴰⵢⵍⵓⵜⵏ ⵖⵉⴷ ⵏⵖ ⵙⵜⵉ ⵜⵏ (PDF, DOCX, ODT, XLSX, ODS, PPTX, CSV, EML, HTML, Markdown, "
        "ⴰⴹⵕⵉⵚ, JSON; ⵜⵉⵙⵏⵉⵡⵉⵏ ⵢⵜⵜⵓⵙⴽⴰⵏⵏⵉⵏ ⵏⵖ ⵢⵜⵜⵓⵙⵡⵍⴼⵏⵉⵏ: PNG, JPEG, TIFF, WebP; "
        "{max} MB ⵉ ⵢⴰⵏ ⵖⴰⵙ)"
    ),
    "choose_files": "ⵙⵜⵉ ⵉⴼⴰⵢⵍⵓⵜⵏ",
    "uploads": "ⵉⴼⴰⵢⵍⵓⵜⵏ ⵢⵜⵜⵓⵣⵏⵏ",
    "waiting": "ⴰⵔ ⵉⵜⵜⵔⴰⵊⴰ",
    "sending": "ⴰⵔ ⵉⵜⵜⵓⵣⴰⵏ {pct}%",
    # "indexing": no established term; ⴰⵙⵡⵊⴷ ⵉ ⵓⵔⵣⵣⵓ "preparing for search"
    "indexing": "ⴰⵙⵡⵊⴷ ⵉ ⵓⵔⵣⵣⵓ…",
    "reading_pages": "ⴰⵖⵔⵓ (OCR): ⵜⴰⵙⵏⴰ {done} ⵙⴳ {total}",
    "indexing_chunks": "ⴰⵙⵡⵊⴷ ⵉ ⵓⵔⵣⵣⵓ: {done} ⵙⴳ {total} ⵏ ⵉⴼⵔⴷⵉⵙⵏ",
    "indexed": "ⵉⵡⵊⴷ: {n} ⵏ ⵉⴼⵔⴷⵉⵙⵏ",
    "already": "ⵉⵍⵍⴰ ⵢⴰⴷ (ⴰⴳⴱⵓⵔ ⵏⵏⵙ ⴷ ⵢⴰⵏ)",
    "err_too_large": "ⵉⵎⵇⵇⵓⵔ ⴱⵣⵣⴰⴼ: {size} MB, ⵜⵉⵍⵉⵙⵜ ⴷ {max} MB",
    "err_unsupported": "ⵜⴰⵍⵖⴰ ⵓⵔ ⵏⵣⵎⵉⵔ ⴰⴷ ⵜⵜ ⵏⵖⵔ",
    "err_malformed": "ⴰⴼⴰⵢⵍⵓ ⵓⵔ ⵉⵜⵜⵓⵖⵔⴰⵏ ⵏⵖ ⵉⵔⵥⴰⵏ",
    "confirm_delete": "ⴽⴽⵙ “{name}”? ⵓⵔ ⵉⵜⵜⵓⵔⴰⵔ ⵙ ⴷⴼⴼⵉⵔ.",
    "pseudonymised_doc": "ⵉⵜⵜⵓⴼⴼⵔ",
    "page": "ⵜⴰⵙ.",
    "tenants": "ⵜⵉⵎⵙⵙⵓⴷⵙⵉⵏ",
    "users": "ⵉⵎⵙⵙⵎⵔⵙⵏ",
    "username": "ⵉⵙⵎ ⵏ ⵓⵎⵙⵙⵎⵔⵙ",
    "password_new": "ⵜⴰⴳⵓⵔⵉ ⵏ ⵓⵣⵔⴰⵢ (10 ⵏ ⵉⵙⴽⴽⵉⵍⵏ ⵏⵖ ⵓⴳⴳⴰⵔ)",
    "disable": "ⵙⵅⵙⵉ",
    "enable": "ⵙⵙⵔⵖ",
    "disabled": "ⵉⵅⵙⴰ",
    "user_key": "ⵜⴰⵙⴰⵔⵓⵜ ⵏ ⵓⵎⵙⵙⵎⵔⵙ",
    "api_keys": "ⵜⵉⵙⵓⵔⴰ ⵏ API",
    "new_key": "ⵜⴰⵙⴰⵔⵓⵜ ⵜⴰⵎⴰⵢⵏⵓⵜ",
    "tenant": "ⵜⴰⵎⵙⵙⵓⴷⵙⵜ",
    "role": "ⴰⵙⵡⵉⵔ",  # "level" (operator, admin, user): no established term for a role
    "models": "ⵉⵎⴷⵢⴰⵜⵏ ⵙ ⵜⵓⵔⴰⴳⵜ",
    "all_models": "ⵎⴰⵕⵕⴰ",
    "prefix": "ⴰⵣⵡⵉⵔ",
    "status": "ⴰⴷⴷⴰⴷ",
    "active": "ⵉⵜⵜⴷⴷⵓ",
    "revoked": "ⵉⵜⵜⵓⴱⴹⵍ",
    "revoke": "ⴱⴹⵍ",
    "key_once": "ⵜⴰⵙⴰⵔⵓⵜ ⴰⴷ. ⵓⵔ ⵔⴰⴷ ⵜⵜ ⵏⵙⴽⵏ ⴷⴰⵖ: ⵏⵖⵍ ⵜⵜ ⵖⵉⵍⴰⴷ.",
    "quotas": "ⵜⵉⵍⵉⵙⴰ ⵏ ⵓⵙⵎⵔⵙ",
    "scope": "ⵖⴼ ⵎⴰⵏ",
    "save": "ⵃⴹⵓ",
    "monthly": "tokens / ⴰⵢⵢⵓⵔ",
    "usage": "ⴰⵙⵎⵔⵙ",
    "days": "ⵓⵙⵙⴰⵏ",
    "by": "ⵙ",
    "tokens": "tokens",  # the unit models count in; no Tamazight term
    "requests": "ⵜⵓⵜⵔⴰⵡⵉⵏ",
    "day": "ⴰⵙⵙ",
    "no_usage": "ⵓⵍⴰ ⴰⵙⵎⵔⵙ ⴳ ⵜⵉⵣⵉ ⴰⴷ.",
    "audit": "ⴰⵙⵊⵊⵍ ⵏ ⵓⵙⴼⵇⴷ",
    "verify_chain": "ⵙⴼⵇⴷ ⵜⴰⵙⵍⵙⵍⵜ",
    "chain_ok": "ⵜⴰⵙⵍⵙⵍⵜ ⵜⵎⵎⴷ: {n} ⵏ ⵉⴽⵛⴰⵎⵏ ⵜⵜⵓⵙⴼⵇⴷⵏ.",
    "chain_broken": "ⵜⴰⵙⵍⵙⵍⵜ ⵜⵔⵥⴰ ⴳ ⵓⴽⵛⴰⵎ {id}: {why}",
    "when": "ⴰⴽⵓⴷ",
    "event": "ⵜⴰⴷⵢⴰⵏⵜ",
    "actor": "ⴰⵎⴳⴳⴰⵢ",
    "details": "ⵜⵉⴼⵚⵉⵍⵉⵏ",
    "more": "ⵓⴳⴳⴰⵔ",
    "runs": "ⵉⵙⵡⵓⵔⵉⵢⵏ",  # an evaluation run: ⴰⵙⵡⵓⵔⵉ "putting to work"; no established term
    "run": "ⴰⵙⵡⵓⵔⵉ",
    "target": "ⴰⵙⵏⵜⵍ",
    "full_report": "ⴰⵏⵇⵇⵉⵙ ⴰⵎⵎⴷⴰⵏ",
    "per_task": "ⵜⵉⵢⴰⴼⵓⵜⵉⵏ ⵙ ⵜⵡⵓⵔⵉ",
    "not_found": "ⵓⵔ ⵉⵜⵜⵢⴰⴼⴰ.",
    "started": "ⵉⴱⴷⴰ",
    "by_language": "ⵙ ⵜⵓⵜⵍⴰⵢⵜ",
    "status_ok": "ⵉⵎⵎⴷ",
    "login_with_key": "ⵙ ⵜⵙⴰⵔⵓⵜ ⵏ API",
    "login_with_password": "ⵙ ⵉⵙⵎ ⵏ ⵓⵎⵙⵙⵎⵔⵙ ⴷ ⵜⴳⵓⵔⵉ ⵏ ⵓⵣⵔⴰⵢ",
    "login_password_intro": "ⵏⵖ ⴽⵛⵎ ⵙ ⵉⵙⵎ ⵏ ⵓⵎⵙⵙⵎⵔⵙ ⴷ ⵜⴳⵓⵔⵉ ⵏ ⵓⵣⵔⴰⵢ ⵍⵍⵉ ⴽ ⵉⵙⵏⵓⵍⴼⴰ ⵓⵏⴱⴱⴰⴹ ⵏⵏⴽ.",
    "login_username": "ⵉⵙⵎ ⵏ ⵓⵎⵙⵙⵎⵔⵙ",
    "login_password": "ⵜⴰⴳⵓⵔⵉ ⵏ ⵓⵣⵔⴰⵢ",
    "login_bad_password": "ⵉⵙⵎ ⵏ ⵓⵎⵙⵙⵎⵔⵙ ⵏⵖ ⵜⴰⴳⵓⵔⵉ ⵏ ⵓⵣⵔⴰⵢ ⵓⵔ ⵉⵚⵃⵉⵃⵏ.",
    "login_locked": "ⵜⵉⵔⵎⵉⵜⵉⵏ ⵉⵅⵚⵕⵏ ⴳⵓⵜⵏⵉⵏ: ⴰⵍⵙ ⴷⴼⴼⵉⵔ {minutes} ⵏ ⵜⵓⵙⴷⵉⴷⵉⵏ.",
    "skip": "ⵣⵔⵉ ⵖⵔ ⵓⴳⴱⵓⵔ",
    # single sign-on (siyada.ui.sso); ⴰⵎⵥⵍⴰⵢ ⵏ ⵜⵎⴰⴳⵉⵜ "identity service" is a coinage (no IRCAM term found)
    "login_with_sso": "ⵙ ⵓⵎⵉⴹⴰⵏ ⵏ ⵜⵏⴱⴰⴹⵜ ⵏⵏⴽ",
    "login_sso_intro": "ⴰⴽⵛⴰⵎ ⵉⵥⵍⵉⵏ: ⴰⴷ ⴽ ⵏⵙⵙⵉⴷⴼ ⵖⵔ ⵓⵎⵥⵍⴰⵢ ⵏ ⵜⵎⴰⴳⵉⵜ ⵏ ⵜⵏⴱⴰⴹⵜ ⵏⵏⴽ.",
    "sso_no_rule": "ⴰⵎⵉⴹⴰⵏ ⵏⵏⴽ ⵓⵔ ⵉⵜⵜⵓⵙⵓⵔⴼ ⴰⴷ ⵉⵙⵙⵎⵔⵙ ⵙⵉⵢⴰⴷⴰ. ⵎⵙⴰⵡⴰⵍ ⴷ ⵓⵏⴱⴱⴰⴹ ⵏⵏⴽ.",
    "sso_disabled": "ⴰⵎⵉⴹⴰⵏ ⵏⵏⴽ ⴳ ⵙⵉⵢⴰⴷⴰ ⵉⵙⵅⵙⵉ ⵜ ⵓⵏⴱⴱⴰⴹ.",
    "sso_failed": "ⵓⵔ ⵜⵣⵎⵉⵔ ⵜⵙⵙⵉⵜⵎⴰⵜ ⵏ ⵓⴽⵛⴰⵎ. ⴰⵍⵙ ⵙⴳ ⵜⴰⵙⵏⴰ ⵏ ⵓⴽⵛⴰⵎ.",
    "sso_unreachable": "ⴰⵎⵥⵍⴰⵢ ⵏ ⵜⵎⴰⴳⵉⵜ ⵓⵔ ⵉⵔⴰⵔ. ⴰⵍⵙ ⴷⴼⴼⵉⵔ.",
    "sso_cancelled": "ⴰⵎⵥⵍⴰⵢ ⵏ ⵜⵎⴰⴳⵉⵜ ⵓⵔ ⵉⵙⵓⵔⴼ ⴰⴽⵛⴰⵎ.",
    "sso_busy": "ⴰⵟⵟⴰⵚ ⵏ ⵉⴽⵛⴰⵎⵏ ⴷⵖⵉ. ⴰⵍⵙ ⴷⴼⴼⵉⵔ ⴽⵔⴰ ⵏ ⵜⵓⵙⴷⵉⴷⵉⵏ.",
    "sso_back": "ⴰⵖⵓⵍ ⵖⵔ ⵓⴽⵛⴰⵎ",
    "sso_done": "ⵜⴽⵛⵎⴷ.",
    "sso_continue": "ⴽⵎⵎⵍ",
    "sso_logout": "ⴰⴼⴼⵓⵖ ⵙⴳ ⵓⵎⵥⵍⴰⵢ ⵏ ⵜⵎⴰⴳⵉⵜ…",
}
