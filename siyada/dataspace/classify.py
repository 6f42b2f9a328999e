"""Each column's role (direct identifier, quasi-identifier, sensitive, other) and profile.

Two signals: the personal-data scanner (`siyada.privacy.analyzer`) on a bounded sample of the column's
distinct values, and cues in the header ("CIN", "nom", "âge", "commune", "santé"...). The scanner wins
for a direct identifier it finds in most sampled values; the owner corrects any role afterwards. The
profile records the type, the number of distinct values and whether every value is distinct (a later
step refuses a GROUP BY on such a column: one group per person).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc

from siyada.privacy.analyzer import analyze
from siyada.privacy.entities import PERSON

Role = Literal["direct", "quasi", "sensitive", "other"]
ROLES: tuple[Role, ...] = ("direct", "quasi", "sensitive", "other")
SAMPLE = 40  # distinct values scanned per column
_SCAN_ROWS = 5000  # the sample is drawn from the first rows only: bounded work per column
_CELL = 200  # characters of a value the scanner reads
_COVER = 0.6  # an entity covering this share of a value makes it an identifier value
_MAJORITY = 0.5
# Characters the scanner reads for a whole table, shared by its columns (at least _MIN_CHARS each): a
# table of 500 columns of long texts would otherwise cost 4 million characters (23 s) to classify.
SCAN_CHARS = 300_000
_MIN_CHARS = 1_000

# Header words (accents and case folded), French, English, Arabic, and what they suggest.
_DIRECT = frozenset({
    "cin", "cine", "cnie", "nom", "prenom", "name", "firstname", "lastname", "surname", "fullname",
    "email", "mail", "courriel", "telephone", "tel", "phone", "mobile", "gsm", "rib", "iban", "passeport",
    "passport", "cnss", "adresse", "address", "matricule", "ssn", "nin", "الاسم", "النسب", "الهاتف",
    "العنوان", "البطاقة",
})  # fmt: skip
_QUASI = frozenset({
    "age", "naissance", "birth", "birthdate", "dob", "sexe", "sex", "gender", "genre", "commune",
    "province", "region", "ville", "city", "douar", "quartier", "postal", "zip", "nationalite",
    "nationality", "profession", "occupation", "metier", "marital", "matrimonial", "civil", "education",
    "diplome", "activite", "activity", "emploi", "menage", "household", "العمر", "السن", "الجنس", "الجهة",
    "الإقليم", "الجماعة", "المهنة",
})  # fmt: skip
_SENSITIVE = frozenset({
    "sante", "health", "maladie", "disease", "diagnostic", "diagnosis", "handicap", "disability",
    "religion", "confession", "politique", "political", "syndicat", "ethnie", "ethnic", "origine", "race",
    "casier", "criminal", "condamnation", "sexualite", "genetique", "genetic", "revenu", "income",
    "salaire", "salary", "vih", "hiv", "الصحة", "المرض", "الدين", "الدخل",
})  # fmt: skip
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class ColumnProfile:
    position: int
    name: str
    type: str
    role: Role
    reason: str
    distinct_count: int
    is_unique: bool
    pseudonymised: bool = False


def type_name(t: pa.DataType) -> str:
    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_integer(t):
        return "integer"
    if pa.types.is_floating(t) or pa.types.is_decimal(t):
        return "number"
    if pa.types.is_date(t):
        return "date"
    if pa.types.is_timestamp(t):
        return "timestamp"
    if pa.types.is_time(t):
        return "time"
    if pa.types.is_null(t):
        return "empty"
    return "string"


NUMERIC = frozenset({"integer", "number"})


def _words(header: str) -> set[str]:
    folded = unicodedata.normalize("NFKD", header.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return set(_WORD.findall(plain)) | set(_WORD.findall(header))


def header_role(header: str) -> tuple[Role, str] | None:
    words = _words(header)
    for role, cues in (("direct", _DIRECT), ("sensitive", _SENSITIVE), ("quasi", _QUASI)):
        hit = sorted(words & cues)
        if hit:
            return role, f"header: {hit[0]}"  # type: ignore[return-value]
    return None


def _sample(col: pa.ChunkedArray, chars: int) -> list[str]:
    """Up to SAMPLE distinct values, `chars` characters in all (the scanner's cost is per character)."""
    head = col.slice(0, _SCAN_ROWS).drop_null()
    out: list[str] = []
    for v in pc.unique(head).slice(0, SAMPLE).to_pylist():
        value = str(v)[:_CELL].strip()
        if value:
            chars -= len(value)
            if chars < 0 and out:
                break
            out.append(value)
    return out


def scanned_type(col: pa.ChunkedArray, chars: int = SCAN_CHARS) -> tuple[str, int, int] | None:
    """The entity type the scanner finds in most sampled values, with its count and the sample size."""
    if type_name(col.type) not in ("string", "integer"):
        return None
    sample = _sample(col, chars)
    found: Counter[str] = Counter()
    for value in sample:
        best = max(analyze(value), key=lambda e: e.length, default=None)
        if best is not None and best.length >= _COVER * len(value):
            found[best.type] += 1
    if not found:
        return None
    kind, count = found.most_common(1)[0]
    return (kind, count, len(sample)) if count >= _MAJORITY * len(sample) else None


def classify(name: str, col: pa.ChunkedArray, chars: int = SCAN_CHARS) -> tuple[Role, str]:
    cue = header_role(name)
    scanned = scanned_type(col, chars)
    if scanned is not None and not (scanned[0] == PERSON and cue is not None and cue[0] != "direct"):
        kind, count, size = scanned
        return "direct", f"scanner: {kind} in {count}/{size} sampled values"
    if cue is not None:
        return cue
    return "other", ""


def profile(table: pa.Table) -> list[ColumnProfile]:
    out = []
    chars = max(_MIN_CHARS, SCAN_CHARS // max(1, table.num_columns))
    for i, (name, col) in enumerate(zip(table.column_names, table.columns, strict=True)):
        role, reason = classify(name, col, chars)
        valid = len(col) - col.null_count
        distinct = pc.count_distinct(col, mode="only_valid").as_py() if valid else 0
        out.append(
            ColumnProfile(
                i, name, type_name(col.type), role, reason, distinct, valid > 1 and distinct == valid
            )
        )
    return out
