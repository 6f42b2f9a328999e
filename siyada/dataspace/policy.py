"""What a grant lets a query see, as plain typed inputs: the engine's only view of the catalogue.

The catalogue (data set classification, data card, grant) is built elsewhere; the engine takes a
:class:`Policy` so that SQL validation, the sandbox, the output checks and differential privacy can be
tested, and reused by the API, the CLI and the web app, without a database.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """The personal-data class of a column (the data owner confirms the scanner's guess)."""

    DIRECT = "direct_identifier"
    QUASI = "quasi_identifier"
    SENSITIVE = "sensitive"
    OTHER = "other"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = Kind.OTHER
    numeric: bool = False
    unique: bool = False  # (nearly) one value per record: grouping or filtering on it isolates people
    bounds: tuple[float, float] | None = None  # public bounds from the data card, for DP and clamping
    categories: tuple[str, ...] | None = None  # public category list, needed to group under DP

    @property
    def identifying(self) -> bool:
        """A column whose value points at one person: never grouped, filtered or aggregated."""
        return self.kind is Kind.DIRECT or self.unique


@dataclass(frozen=True)
class Thresholds:
    """The output-checking rules of one data set (ACRO's defaults: SACRO guidelines)."""

    min_count: int = 10  # a cell of fewer contributors is disclosive
    nk_n: int = 2  # n-k dominance: the n largest contributions ...
    nk_k: float = 0.9  # ... may not make more than k of the cell's total
    p_ratio: float = 0.10  # p-ratio: total minus the two largest must be at least p × the largest
    zeros_disclosive: bool = True  # an empty cell tells that nobody in a group has a trait
    rounding_base: int = 5  # counts released rounded to a multiple of this (1: no rounding)
    max_cells: int = 10_000  # bound on the cells of one table (rows × measures, zeros grid included)

    def __post_init__(self) -> None:
        if self.min_count < 1 or self.nk_n < 1 or self.rounding_base < 1 or self.max_cells < 1:
            raise ValueError("thresholds must be positive")
        if not (0 < self.nk_k <= 1 and 0 <= self.p_ratio < 1 and math.isfinite(self.p_ratio)):
            raise ValueError("nk_k must be in (0, 1] and p_ratio in [0, 1)")


@dataclass(frozen=True)
class Policy:
    """The columns a grant allows (others do not exist for its queries) and its data set's thresholds."""

    columns: Mapping[str, Column]
    thresholds: Thresholds = field(default_factory=Thresholds)

    @classmethod
    def of(cls, columns: list[Column], thresholds: Thresholds | None = None) -> Policy:
        return cls({c.name: c for c in columns}, thresholds or Thresholds())

    def lookup(self, name: str) -> Column | None:
        """DuckDB folds identifiers case-insensitively, quoted or not; so does the policy."""
        wanted = name.casefold()
        for column in self.columns.values():
            if column.name.casefold() == wanted:
                return column
        return None
