"""The SQLite lexical index's tables, one set per tenant, and the one BM25 ranking query over them
(shared by the lexical search and the champion lists of its common terms).

Each tenant has its own FTS5 table (``chunk_terms_<tenant>``), term counts (``chunk_terms_df_<tenant>``)
and champion lists (``chunk_terms_champions_<tenant>``): BM25's idf, its average chunk length and the
pruning counts are statistics of the whole table they are computed over, so in a shared index one
tenant's uploads moved another tenant's scores (a side channel on what the other holds). The tables
are made by a tenant's first indexed chunk, in the writer's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Connection

TOKENIZE = "tokenize = \"unicode61 remove_diacritics 0 tokenchars '_:'\""


@dataclass(frozen=True)
class Tables:
    """A tenant's table names (built from its integer id only: safe to put in SQL text)."""

    tenant_id: int

    @property
    def terms(self) -> str:
        return f"chunk_terms_{int(self.tenant_id)}"

    @property
    def df(self) -> str:
        return f"chunk_terms_df_{int(self.tenant_id)}"

    @property
    def champions(self) -> str:
        return f"chunk_terms_champions_{int(self.tenant_id)}"

    def searched(self) -> tuple[str, ...]:
        """What a search reads: postings, their index, chunk lengths, term counts, champion lists (the
        stored terms, ``_content``, are not read)."""
        t = self.terms
        return (f"{t}_idx", f"{t}_docsize", self.df, self.champions, f"{t}_data")


def exists(conn: Connection, tenant_id: int) -> bool:
    """Whether this tenant has indexed anything yet (one lookup in the schema, held in memory)."""
    row = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (Tables(tenant_id).df,)
    ).first()
    return row is not None


def ensure(conn: Connection, tenant_id: int) -> Tables:
    """The tenant's tables, created if missing (inside the caller's transaction)."""
    t = Tables(tenant_id)
    if not exists(conn, tenant_id):
        conn.exec_driver_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {t.terms} USING fts5(terms, coll, {TOKENIZE})"
        )
        conn.exec_driver_sql(
            f"CREATE TABLE IF NOT EXISTS {t.champions} (term TEXT PRIMARY KEY, df INTEGER NOT NULL,"
            " ids BLOB NOT NULL, scores BLOB NOT NULL) WITHOUT ROWID"
        )
        # the df table last: its presence is what `exists` looks for
        conn.exec_driver_sql(
            f"CREATE TABLE IF NOT EXISTS {t.df} (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID"
        )
    return t


def drop(conn: Connection, tenant_id: int) -> None:
    """Remove a tenant's index (with the tenant itself)."""
    t = Tables(tenant_id)
    for name in (t.df, t.champions, t.terms):
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")


def indexed_tenants(conn: Connection) -> list[int]:
    """The tenants that have an index."""
    rows = conn.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'chunk_terms_df_[0-9]*'"
    ).scalars()
    found = [name.removeprefix("chunk_terms_df_") for name in rows]
    return sorted(int(n) for n in found if n.isdigit())


def ranked(conn: Connection, tenant_id: int, match: str, limit: int) -> list[tuple[int, float]]:
    """(chunk_id, BM25) of the tenant's best `limit` chunks for an FTS5 MATCH expression, best first
    (the collection column weighs 0)."""
    t = Tables(tenant_id).terms
    rows = conn.exec_driver_sql(
        f"SELECT rowid, bm25({t}, 1.0, 0.0) AS s FROM {t} WHERE {t} MATCH ? ORDER BY s LIMIT ?",
        (match, limit),
    ).all()
    return [(int(r[0]), -float(r[1])) for r in rows]
