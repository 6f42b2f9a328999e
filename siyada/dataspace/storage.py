"""Where a data set's Parquet file lives, and writing one so that a failure leaves nothing behind.

Files sit under `<data dir>/dataspace/<tenant id>/`, named by the data set's id. A file is written under
a temporary name in that directory, flushed, and renamed into place only once complete; the caller
removes it again if the database transaction that records it fails.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = "dataspace"


def relative_path(tenant_id: int, dataset_id: str) -> str:
    return f"{ROOT}/{tenant_id}/{dataset_id}.parquet"


def write_temp(data_dir: Path, relative: str, table: pa.Table) -> Path:
    """The table as Parquet in a temporary file beside its final place (see `commit`)."""
    final = data_dir / relative
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".tmp")
    os.close(fd)
    try:
        pq.write_table(table, tmp, compression="zstd")
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o640)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def commit(tmp: Path, data_dir: Path, relative: str) -> Path:
    final = data_dir / relative
    os.replace(tmp, final)
    return final


def discard(*paths: Path) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()


def read(data_dir: Path, relative: str) -> pa.Table:
    return pq.read_table(data_dir / relative)
