"""Knowledge (SQLite): the lexical index, its term counts and champion lists become per tenant
(``chunk_terms_<tenant>``, ``chunk_terms_df_<tenant>``, ``chunk_terms_champions_<tenant>``;
`siyada.knowledge.fts5`). In one shared FTS5 table a tenant's uploads moved every other tenant's BM25
scores (idf, average chunk length), a side channel on what it holds.

A store whose index holds one tenant's chunks (the common case, and the million-chunk one) has its tables
renamed, which takes no time and keeps every statistic as it was: the same searches return the same
hits. Otherwise each tenant's rows are copied into its own table, its term counts computed again from
the one-in-32 sample (`lexical.DF_SAMPLE`), and its champion lists left to be recomputed.

PostgreSQL: nothing to do. ts_rank_cd reads only the ranked row's tsvector ("the ranking functions do
not use any global information", PostgreSQL manual, 12.3.3), and PostgreSQL keeps no term counts.

Revision ID: 0018
Revises: 0017
"""

from collections import Counter

from alembic import op

revision = "0018"
down_revision = "0017"

_TOKENIZE = "tokenize = \"unicode61 remove_diacritics 0 tokenchars '_:'\""
_SAMPLE = 32  # lexical.DF_SAMPLE when this was written; a migration does not follow later changes


def _create(tenant: int) -> None:
    op.execute(f"CREATE VIRTUAL TABLE chunk_terms_{tenant} USING fts5(terms, coll, {_TOKENIZE})")
    op.execute(
        f"CREATE TABLE chunk_terms_champions_{tenant} (term TEXT PRIMARY KEY, df INTEGER NOT NULL,"
        " ids BLOB NOT NULL, scores BLOB NOT NULL) WITHOUT ROWID"
    )
    op.execute(
        f"CREATE TABLE chunk_terms_df_{tenant} (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID"
    )


def _tenants_with_chunks() -> list[int]:
    rows = op.get_bind().exec_driver_sql(
        "SELECT DISTINCT k.tenant_id FROM collections k"
        " WHERE EXISTS (SELECT 1 FROM chunks c WHERE c.collection_id = k.id) ORDER BY k.tenant_id"
    )
    return [int(r[0]) for r in rows]


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    tenants = _tenants_with_chunks()
    if len(tenants) == 1:
        t = tenants[0]
        op.execute(f"ALTER TABLE chunk_terms RENAME TO chunk_terms_{t}")
        op.execute(f"ALTER TABLE chunk_terms_df RENAME TO chunk_terms_df_{t}")
        op.execute(f"ALTER TABLE chunk_terms_champions RENAME TO chunk_terms_champions_{t}")
        return
    conn = op.get_bind()
    for t in tenants:
        _create(t)
        op.execute(
            f"INSERT INTO chunk_terms_{t} (rowid, terms, coll)"
            " SELECT c.id, x.terms, x.coll FROM collections k JOIN chunks c ON c.collection_id = k.id"
            f" JOIN chunk_terms x ON x.rowid = c.id WHERE k.tenant_id = {t}"
        )
        counts: Counter[str] = Counter()
        sampled = conn.exec_driver_sql(f"SELECT terms FROM chunk_terms_{t} WHERE rowid % {_SAMPLE} = 0")
        for (joined,) in sampled:
            counts.update(set(str(joined).lower().split()))
        if counts:
            conn.exec_driver_sql(
                f"INSERT INTO chunk_terms_df_{t} (term, df) VALUES (?, ?)", sorted(counts.items())
            )
    for name in ("chunk_terms_champions", "chunk_terms_df", "chunk_terms"):
        op.execute(f"DROP TABLE {name}")


def _indexed_tenants() -> list[int]:
    rows = op.get_bind().exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'chunk_terms_df_[0-9]*'"
    )
    return sorted(int(str(r[0]).removeprefix("chunk_terms_df_")) for r in rows)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    tenants = _indexed_tenants()
    if len(tenants) == 1:
        t = tenants[0]
        op.execute(f"ALTER TABLE chunk_terms_{t} RENAME TO chunk_terms")
        op.execute(f"ALTER TABLE chunk_terms_df_{t} RENAME TO chunk_terms_df")
        op.execute(f"ALTER TABLE chunk_terms_champions_{t} RENAME TO chunk_terms_champions")
        return
    op.execute(f"CREATE VIRTUAL TABLE chunk_terms USING fts5(terms, coll, {_TOKENIZE})")
    op.execute("CREATE TABLE chunk_terms_df (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID")
    op.execute(
        "CREATE TABLE chunk_terms_champions (term TEXT PRIMARY KEY, df INTEGER NOT NULL,"
        " ids BLOB NOT NULL, scores BLOB NOT NULL) WITHOUT ROWID"
    )
    for t in tenants:
        op.execute(
            f"INSERT INTO chunk_terms (rowid, terms, coll) SELECT rowid, terms, coll FROM chunk_terms_{t}"
        )
        op.execute(
            f"INSERT INTO chunk_terms_df (term, df) SELECT term, df FROM chunk_terms_df_{t} WHERE true"
            " ON CONFLICT (term) DO UPDATE SET df = df + excluded.df"
        )
        for name in (f"chunk_terms_champions_{t}", f"chunk_terms_df_{t}", f"chunk_terms_{t}"):
            op.execute(f"DROP TABLE {name}")
