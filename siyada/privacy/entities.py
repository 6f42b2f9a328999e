"""Entity record and entity type names."""

from __future__ import annotations

from dataclasses import dataclass

PERSON = "PERSON"
EMAIL_ADDRESS = "EMAIL_ADDRESS"
PHONE_NUMBER = "PHONE_NUMBER"
MA_CIN = "MA_CIN"
MA_RIB = "MA_RIB"
MA_IBAN = "MA_IBAN"
MA_ICE = "MA_ICE"
MA_PLATE = "MA_PLATE"
MA_PASSPORT = "MA_PASSPORT"
MA_CNSS = "MA_CNSS"
CREDIT_CARD = "CREDIT_CARD"

ENTITY_TYPES = (
    PERSON,
    EMAIL_ADDRESS,
    PHONE_NUMBER,
    MA_CIN,
    MA_RIB,
    MA_IBAN,
    MA_ICE,
    MA_PLATE,
    MA_PASSPORT,
    MA_CNSS,
    CREDIT_CARD,
)

# Short names used by some labelled data sets.
ALIASES = {"PHONE": PHONE_NUMBER, "EMAIL": EMAIL_ADDRESS}


@dataclass(frozen=True, slots=True)
class Entity:
    """A detected span; ``start``/``end`` are Python string offsets (end exclusive)."""

    start: int
    end: int
    type: str
    score: float

    @property
    def length(self) -> int:
        return self.end - self.start

    def text(self, source: str) -> str:
        return source[self.start : self.end]
