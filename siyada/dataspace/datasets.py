"""Data sets: upload (read, classify, pseudonymise, store), read, correct, describe and publish.

Who sees what: a published data set is visible to every authenticated principal (that is the point of a
catalogue); a draft only to its tenant's admins. Only the owner tenant's admins change or publish one
(another tenant's admin gets 403 on a published set, 404 on a draft it cannot see). Every change is
appended to the audit log in the transaction that makes it.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Connection, Engine

from siyada.dataspace import storage
from siyada.dataspace.card import DataCard, Metadata, MetadataPatch, check_bounds, missing
from siyada.dataspace.classify import Role
from siyada.dataspace.pseudonyms import pseudonymise
from siyada.dataspace.upload import Prepared, UploadRefused, prepare
from siyada.errors import ApiError
from siyada.governance import audit
from siyada.governance.keys import Principal
from siyada.store.tables import tenants
from siyada.store.tables_dataspace import dataspace_columns, dataspace_datasets


def new_id(prefix: str) -> str:
    return prefix + secrets.token_hex(12)


def columns_of(conn: Connection, dataset_id: str) -> list[dict[str, Any]]:
    q = (
        sa.select(dataspace_columns)
        .where(dataspace_columns.c.dataset_id == dataset_id)
        .order_by(dataspace_columns.c.position)
    )
    return [
        {
            "name": r.name,
            "type": r.type,
            "role": r.role,
            "reason": r.reason,
            "distinct_count": r.distinct_count,
            "unique": r.is_unique,
            "pseudonymised": r.pseudonymised,
        }
        for r in conn.execute(q)
    ]


def _select() -> sa.Select[Any]:
    return sa.select(dataspace_datasets, tenants.c.name.label("owner")).join(
        tenants, tenants.c.id == dataspace_datasets.c.tenant_id
    )


def _view(conn: Connection, row: Any) -> dict[str, Any]:
    return {
        "object": "dataspace.dataset",
        "id": row.id,
        "owner": row.owner,
        "title": row.title,
        "status": row.status,
        "format": row.format,
        "rows": row.rows,
        "metadata": row.metadata,
        "card": row.card,
        "columns": columns_of(conn, row.id),
        "created_at": row.created_at,
        "published_at": row.published_at,
    }


def visible(principal: Principal, row: Any) -> bool:
    return row.status == "published" or owns(principal, row)


def owns(principal: Principal, row: Any) -> bool:
    return principal.is_admin and principal.tenant.id == row.tenant_id


def load(conn: Connection, principal: Principal, dataset_id: str, *, owner: bool = False) -> Any:
    """The data set's row: 404 when the caller cannot see it, 403 when `owner` and it is not theirs."""
    row = conn.execute(_select().where(dataspace_datasets.c.id == dataset_id)).first()
    if row is None or not visible(principal, row):
        raise ApiError(404, f"No data set {dataset_id!r}", code="dataset_not_found", param="dataset")
    if owner and not owns(principal, row):
        raise ApiError(403, "Only the data set's owner (its tenant's admin) may do this", code="not_owner")
    return row


def get_dataset(engine: Engine, principal: Principal, dataset_id: str) -> dict[str, Any]:
    with engine.connect() as conn:
        return _view(conn, load(conn, principal, dataset_id))


def list_datasets(engine: Engine, principal: Principal) -> list[dict[str, Any]]:
    """Published data sets of every tenant, and the caller's tenant's drafts for its admins."""
    q = _select().order_by(dataspace_datasets.c.created_at.desc()).limit(1000)
    mine = dataspace_datasets.c.tenant_id == principal.tenant.id
    shown = dataspace_datasets.c.status == "published"
    q = q.where(sa.or_(shown, mine) if principal.is_admin else shown)
    with engine.connect() as conn:
        return [_view(conn, r) for r in conn.execute(q)]


def list_published(engine: Engine) -> list[dict[str, Any]]:
    """Every published data set, of every tenant (the catalogue)."""
    q = (
        _select()
        .where(dataspace_datasets.c.status == "published")
        .order_by(dataspace_datasets.c.published_at)
    )
    with engine.connect() as conn:
        return [_view(conn, r) for r in conn.execute(q.limit(10_000))]


def create_dataset(
    engine: Engine, data_dir: Path, hash_key: bytes, principal: Principal, data: bytes, metadata: Metadata
) -> dict[str, Any]:
    """Read, classify and store an upload in this process (the server runs `upload.prepare` in a worker
    and then `record_upload`); `hash_key` is the owner tenant's keyed-hash key."""
    dataset_id = new_id("ds_")
    relative = storage.relative_path(principal.tenant.id, dataset_id)
    try:
        prepared = prepare(data, hash_key, str(data_dir), relative)
    except UploadRefused as exc:
        raise exc.api_error() from None
    return record_upload(engine, data_dir, principal, metadata, dataset_id, prepared)


def record_upload(
    engine: Engine,
    data_dir: Path,
    principal: Principal,
    metadata: Metadata,
    dataset_id: str,
    prepared: Prepared,
) -> dict[str, Any]:
    """Record a prepared upload and move its file into place, both or neither."""
    relative = storage.relative_path(principal.tenant.id, dataset_id)
    tmp, columns, fmt = Path(prepared.tmp), prepared.columns, prepared.format
    meta = metadata.model_dump(mode="json")
    meta["publisher"] = meta["publisher"] or principal.tenant.name
    final: Path | None = None
    now = time.time()
    try:
        with audit.transaction(engine) as conn:
            conn.execute(
                dataspace_datasets.insert().values(
                    id=dataset_id,
                    tenant_id=principal.tenant.id,
                    title=metadata.title,
                    status="draft",
                    file=relative,
                    sha256=prepared.sha256,
                    format=fmt,
                    rows=prepared.rows,
                    metadata=meta,
                    card=None,
                    created_at=now,
                )
            )
            conn.execute(
                dataspace_columns.insert(),
                [
                    {
                        "dataset_id": dataset_id,
                        "position": c.position,
                        "name": c.name,
                        "type": "string" if c.role == "direct" else c.type,  # now pseudonyms
                        "role": c.role,
                        "reason": c.reason[:200],
                        "distinct_count": c.distinct_count,
                        "is_unique": c.is_unique,
                        "pseudonymised": c.role == "direct",
                    }
                    for c in columns
                ],
            )
            roles = [c.role for c in columns]
            audit.append(
                conn,
                "dataspace.dataset.uploaded",
                actor=principal.actor,
                tenant_id=principal.tenant.id,
                target=f"dataset:{dataset_id}",
                details={
                    "dataset": dataset_id,
                    "format": fmt,
                    "rows": prepared.rows,
                    "columns": len(columns),
                    **{role: roles.count(role) for role in ("direct", "quasi", "sensitive", "other")},
                },
            )
            final = storage.commit(tmp, data_dir, relative)
    except BaseException:
        storage.discard(tmp, *([final] if final else []))
        raise
    return get_dataset(engine, principal, dataset_id)


def update_dataset(
    engine: Engine,
    data_dir: Path,
    hash_key: bytes,
    principal: Principal,
    dataset_id: str,
    *,
    roles: dict[str, Role] | None = None,
    metadata: MetadataPatch | None = None,
    card: DataCard | None = None,
) -> dict[str, Any]:
    """The owner corrects column roles and fills in the metadata and card. A column newly marked a
    direct identifier is pseudonymised in the stored file in the same step."""
    tmp: list[Path] = []
    try:
        _update(engine, data_dir, hash_key, principal, dataset_id, roles, metadata, card, tmp)
    except BaseException:
        storage.discard(*tmp)
        raise
    return get_dataset(engine, principal, dataset_id)


def _update(
    engine: Engine,
    data_dir: Path,
    hash_key: bytes,
    principal: Principal,
    dataset_id: str,
    roles: dict[str, Role] | None,
    metadata: MetadataPatch | None,
    card: DataCard | None,
    tmp: list[Path],
) -> None:
    with audit.transaction(engine) as conn:
        row = load(conn, principal, dataset_id, owner=True)
        columns = columns_of(conn, dataset_id)
        names = {c["name"]: c for c in columns}
        if roles:
            unknown = sorted(set(roles) - set(names))
            if unknown:
                raise ApiError(400, f"No column named {unknown[0]!r}", code="unknown_column", param="columns")
            newly = [n for n, r in roles.items() if r == "direct" and not names[n]["pseudonymised"]]
            if newly:
                table = pseudonymise(storage.read(data_dir, row.file), newly, hash_key)
                tmp.append(storage.write_temp(data_dir, row.file, table))
            _set_roles(conn, dataset_id, roles, newly)
            audit.append(
                conn,
                "dataspace.dataset.classified",
                actor=principal.actor,
                tenant_id=row.tenant_id,
                target=f"dataset:{dataset_id}",
                details={
                    "dataset": dataset_id,
                    "changes": [f"{n}={r}" for n, r in sorted(roles.items())][:20],
                    "pseudonymised": len(newly),
                },
            )
        if metadata is not None or card is not None:
            _describe(conn, principal, row, metadata, card, columns_of(conn, dataset_id))
        if row.status == "published":
            lacking = missing(
                _metadata_of(conn, dataset_id), _card_of(conn, dataset_id), columns_of(conn, dataset_id)
            )
            if lacking:
                raise ApiError(
                    409, "A published data set keeps a complete card; missing: " + ", ".join(lacking),
                    code="card_incomplete",
                )  # fmt: skip
        if tmp:
            storage.commit(tmp[0], data_dir, row.file)


def _metadata_of(conn: Connection, dataset_id: str) -> dict[str, Any]:
    q = sa.select(dataspace_datasets.c.metadata).where(dataspace_datasets.c.id == dataset_id)
    return conn.execute(q).scalar_one()  # type: ignore[no-any-return]


def _card_of(conn: Connection, dataset_id: str) -> dict[str, Any] | None:
    q = sa.select(dataspace_datasets.c.card).where(dataspace_datasets.c.id == dataset_id)
    return conn.execute(q).scalar_one()  # type: ignore[no-any-return]


def _set_roles(conn: Connection, dataset_id: str, roles: dict[str, Role], newly: list[str]) -> None:
    for name, role in roles.items():
        values: dict[str, Any] = {"role": role, "reason": "set by the owner"}
        if name in newly:
            values.update(pseudonymised=True, type="string")
        conn.execute(
            dataspace_columns.update()
            .where(dataspace_columns.c.dataset_id == dataset_id, dataspace_columns.c.name == name)
            .values(**values)
        )


def _describe(
    conn: Connection,
    principal: Principal,
    row: Any,
    metadata: MetadataPatch | None,
    card: DataCard | None,
    columns: list[dict[str, Any]],
) -> None:
    meta = dict(row.metadata)
    if metadata is not None:
        meta.update(metadata.model_dump(mode="json", exclude_unset=True))
        try:
            meta = Metadata.model_validate(meta).model_dump(mode="json")
        except ValidationError as exc:  # an empty title
            raise ApiError(400, "metadata.title cannot be empty", code="invalid_metadata") from exc
    merged = dict(row.card or {})
    if card is not None:
        merged.update(card.model_dump(mode="json", exclude_unset=True))
        why = check_bounds(DataCard.model_validate(merged), columns)
        if why:
            raise ApiError(400, why, code="invalid_card", param="card")
    conn.execute(
        dataspace_datasets.update()
        .where(dataspace_datasets.c.id == row.id)
        .values(metadata=meta, title=meta["title"], card=merged if card is not None or row.card else None)
    )
    audit.append(
        conn,
        "dataspace.dataset.described",
        actor=principal.actor,
        tenant_id=row.tenant_id,
        target=f"dataset:{row.id}",
        details={"dataset": row.id, "metadata": metadata is not None, "card": card is not None},
    )


def publish(engine: Engine, principal: Principal, dataset_id: str) -> dict[str, Any]:
    """Into the catalogue; refused (409, naming what is missing) without complete metadata and card."""
    with audit.transaction(engine) as conn:
        row = load(conn, principal, dataset_id, owner=True)
        lacking = missing(row.metadata, row.card, columns_of(conn, dataset_id))
        if lacking:
            raise ApiError(
                409,
                "The data set cannot be published yet; missing: " + ", ".join(lacking),
                code="card_incomplete",
            )
        if row.status != "published":
            conn.execute(
                dataspace_datasets.update()
                .where(dataspace_datasets.c.id == dataset_id)
                .values(status="published", published_at=time.time())
            )
            audit.append(
                conn,
                "dataspace.dataset.published",
                actor=principal.actor,
                tenant_id=row.tenant_id,
                target=f"dataset:{dataset_id}",
                details={"dataset": dataset_id},
            )
    return get_dataset(engine, principal, dataset_id)
