"""A data set's DCAT metadata and its data card, and what publishing needs of them.

DCAT (W3C Data Catalog Vocabulary): title, description, publisher, theme, keywords, access rights,
licence, temporal and spatial coverage. The data card says under what terms the data may be used: its
legal basis under law 09-08 (article 4), the CNDP authorisation's reference, purpose limits, retention,
and for each numeric column the bounds that differential privacy calibrates its noise with (declared by
the owner: bounds read from the data would themselves leak the extremes).
"""

from __future__ import annotations

import math
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from siyada.dataspace.classify import NUMERIC

AccessRights = Literal["public", "restricted", "non_public"]
LegalBasis = Literal[
    "consent", "contract", "legal_obligation", "vital_interest", "public_interest", "legitimate_interest"
]
_DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


class Period(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: str = Field(pattern=_DAY)
    end: str = Field(pattern=_DAY)

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        try:
            start, end = date.fromisoformat(self.start), date.fromisoformat(self.end)
        except ValueError as exc:
            raise ValueError("temporal start and end must be dates (YYYY-MM-DD)") from exc
        if end < start:
            raise ValueError("temporal end is before its start")
        return self


class Metadata(BaseModel):
    """DCAT fields; only the title is needed to upload, the rest to publish."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=5000)
    publisher: str | None = Field(default=None, min_length=1, max_length=200)
    theme: list[str] = Field(default_factory=list, max_length=10)
    keywords: list[str] = Field(default_factory=list, max_length=20)
    access_rights: AccessRights | None = None
    license: str | None = Field(default=None, min_length=1, max_length=300)
    temporal: Period | None = None
    spatial: str | None = Field(default=None, min_length=1, max_length=200)

    @field_validator("theme", "keywords")
    @classmethod
    def _short(cls, values: list[str]) -> list[str]:
        if any(not v.strip() or len(v) > 200 for v in values):
            raise ValueError("each theme and keyword is 1-200 characters")
        return values


class MetadataPatch(Metadata):
    title: str = Field(default="", max_length=300)


class Bounds(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lower: float
    upper: float

    @model_validator(mode="after")
    def _ordered(self) -> Bounds:
        if not (math.isfinite(self.lower) and math.isfinite(self.upper)) or self.lower >= self.upper:
            raise ValueError("bounds need finite numbers with lower < upper")
        return self


class OutputChecks(BaseModel):
    """The data set's output-checking rules (ACRO's defaults); never below a cell of 5."""

    model_config = ConfigDict(extra="forbid")
    min_count: int = Field(default=10, ge=5, le=1000)
    nk_n: int = Field(default=2, ge=1, le=10)
    nk_k: float = Field(default=0.9, gt=0, le=1)
    p_ratio: float = Field(default=0.10, ge=0, lt=1)
    zeros_disclosive: bool = True
    rounding_base: int = Field(default=5, ge=1, le=1000)


class DataCard(BaseModel):
    model_config = ConfigDict(extra="forbid")
    legal_basis: LegalBasis | None = None
    cndp_authorisation: str | None = Field(default=None, min_length=1, max_length=100)
    purpose_limits: str | None = Field(default=None, min_length=1, max_length=2000)
    retention_days: int | None = Field(default=None, ge=1, le=36_500)
    bounds: dict[str, Bounds] = Field(default_factory=dict, max_length=500)
    # Public category lists: filters of the structured front must use them, and DP groups by them only
    # (which groups exist is itself not public).
    categories: dict[str, list[Annotated[str, Field(max_length=200)]]] = Field(
        default_factory=dict, max_length=500
    )
    output_checks: OutputChecks | None = None
    # The keys (any tenant's) that may approve or reject outputs on this data set, besides its admins.
    checkers: list[Annotated[int, Field(ge=1)]] = Field(default_factory=list, max_length=20)

    @field_validator("categories")
    @classmethod
    def _few(cls, values: dict[str, list[str]]) -> dict[str, list[str]]:
        if any(not 0 < len(v) <= 1000 for v in values.values()):
            raise ValueError("each column's categories are 1-1000 values")
        return values


_METADATA_NEEDED = ("publisher", "theme", "access_rights", "license", "temporal", "spatial")
_CARD_NEEDED = ("legal_basis", "cndp_authorisation", "purpose_limits", "retention_days")


def missing(
    metadata: dict[str, Any], card: dict[str, Any] | None, columns: list[dict[str, Any]]
) -> list[str]:
    """What publishing still needs, by name ("metadata.license", "card.bounds.age"...)."""
    out = [f"metadata.{k}" for k in _METADATA_NEEDED if not metadata.get(k)]
    if card is None:
        return [*out, "card"]
    out += [f"card.{k}" for k in _CARD_NEEDED if card.get(k) in (None, "")]
    bounds = card.get("bounds") or {}
    out += [
        f"card.bounds.{c['name']}"
        for c in columns
        if c["type"] in NUMERIC and c["role"] != "direct" and c["name"] not in bounds
    ]
    return out


def check_bounds(card: DataCard, columns: list[dict[str, Any]]) -> str | None:
    """Why the card's bounds or categories do not fit the columns (an unknown or non-numeric column),
    or None."""
    types = {c["name"]: c["type"] for c in columns}
    for name in card.categories:
        if name not in types:
            return f"card.categories names no column of the data set: {name!r}"
    for name in card.bounds:
        if name not in types:
            return f"card.bounds names no column of the data set: {name!r}"
        if types[name] not in NUMERIC:
            return f"card.bounds: column {name!r} is not numeric"
    return None
