"""The heavy half of an upload, run in a worker process (`siyada.workers`): read the file, classify its
columns, pseudonymise the direct identifiers and write the Parquet under a temporary name.

An untrusted file is read by pyarrow and openpyxl, C code included; in a worker it is bounded in CPU
time and memory by the kernel, and a crash costs a worker, not the server. What crosses back is small
and picklable (`Prepared`); a refusal crosses as `UploadRefused` (an `ApiError` does not pickle).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from siyada.dataspace import storage
from siyada.dataspace.classify import ColumnProfile, profile
from siyada.dataspace.pseudonyms import pseudonymise
from siyada.dataspace.reader import read_table
from siyada.errors import ApiError


class UploadRefused(Exception):
    """A file refused by the reader: its status, message and code, as plain arguments."""

    def __init__(self, status: int, message: str, code: str | None) -> None:
        super().__init__(status, message, code)
        self.status, self.message, self.code = status, message, code

    def api_error(self) -> ApiError:
        return ApiError(self.status, self.message, code=self.code, param="file")


@dataclass(frozen=True)
class Prepared:
    tmp: str  # the Parquet file, written beside its final place
    format: str
    rows: int
    sha256: str  # of the file as uploaded
    columns: tuple[ColumnProfile, ...]


def prepare(data: bytes, hash_key: bytes, data_dir: str, relative: str) -> Prepared:
    try:
        table, fmt = read_table(data)
    except ApiError as exc:
        raise UploadRefused(exc.status, exc.message, exc.code) from None
    columns = profile(table)
    table = pseudonymise(table, [c.name for c in columns if c.role == "direct"], hash_key)
    tmp = storage.write_temp(Path(data_dir), relative, table)
    return Prepared(str(tmp), fmt, table.num_rows, hashlib.sha256(data).hexdigest(), tuple(columns))
