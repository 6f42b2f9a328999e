"""Direct identifiers replaced, in the stored Parquet, by keyed pseudonyms.

HMAC-SHA256 under the owner tenant's hashing key (`TenantKeys.hash_key`, from the privacy hash secret):
deterministic within the tenant, so two of its data sets still join on the pseudonymised CIN, and
meaningless under another tenant's key; without the key nobody can test a guessed CIN or phone number.
Values are normalised first (case, spaces, separators, leading zeros) so "BJ 224510" and "bj224510"
agree. Each distinct value is hashed once.
"""

from __future__ import annotations

import hashlib
import hmac
import re

import pyarrow as pa
import pyarrow.compute as pc

_SEPARATORS = re.compile(r"[\s.\-|/()]+")
_DOMAIN = b"siyada-dataspace:"
LENGTH = 24  # hex characters: 96 bits


def normalise(value: object) -> str:
    text = _SEPARATORS.sub("", str(value).casefold()).removeprefix("+212").removeprefix("00212")
    # Digits without their leading zeros: a CSV reader types "0661234567" as the number 661234567.
    return (text.lstrip("0") or "0") if text.isdigit() else text


def pseudonym(key: bytes, value: object) -> str:
    digest = hmac.new(key, _DOMAIN + normalise(value).encode("utf-8"), hashlib.sha256).hexdigest()
    return "ps_" + digest[:LENGTH]


def pseudonymise_column(col: pa.ChunkedArray, key: bytes) -> pa.ChunkedArray:
    """The column with every value replaced by its pseudonym (nulls stay null), as text."""
    encoded = pc.dictionary_encode(col.combine_chunks() if col.num_chunks != 1 else col.chunk(0))
    values = pa.array([pseudonym(key, v) for v in encoded.dictionary.to_pylist()], type=pa.string())
    return pa.chunked_array([pc.take(values, encoded.indices)], type=pa.string())


def pseudonymise(table: pa.Table, columns: list[str], key: bytes) -> pa.Table:
    for name in columns:
        i = table.column_names.index(name)
        table = table.set_column(i, name, pseudonymise_column(table.column(i), key))
    return table
