"""Direct identifiers replaced, in the stored Parquet, by keyed pseudonyms.

HMAC-SHA256 under the owner tenant's hashing key (`TenantKeys.hash_key`, from the privacy hash secret):
deterministic within the tenant, so two of its data sets still join on the pseudonymised CIN, and
meaningless under another tenant's key; without the key nobody can test a guessed CIN or phone number.
Values are normalised first (case, spaces, separators, a +212 prefix, leading zeros) so "BJ 224510" and
"bj224510" agree, and "0661234567" and the number 661234567 too. The normalising runs over whole Arrow
arrays, and each distinct value is hashed once.
"""

from __future__ import annotations

import hashlib
import hmac

import pyarrow as pa
import pyarrow.compute as pc

_DOMAIN = b"siyada-dataspace:"
LENGTH = 24  # hex characters: 96 bits


def normalise(values: pa.Array) -> pa.Array:
    text = pc.utf8_lower(values.cast(pa.string()))
    text = pc.replace_substring_regex(text, pattern=r"[\s.\-|/()]+", replacement="")
    text = pc.replace_substring_regex(text, pattern=r"^(?:\+212|00212)", replacement="")
    # Digits without their leading zeros: a CSV reader types "0661234567" as the number 661234567.
    trimmed = pc.utf8_ltrim(text, characters="0")
    trimmed = pc.if_else(pc.equal(pc.utf8_length(trimmed), 0), "0", trimmed)
    return pc.if_else(pc.utf8_is_digit(text), trimmed, text)


def _hashed(key: bytes, normalised: list[str]) -> list[str]:
    keyed = hmac.new(key, _DOMAIN, hashlib.sha256)  # the key's pads hashed once, copied per value
    out = []
    for value in normalised:
        h = keyed.copy()
        h.update(value.encode("utf-8"))
        out.append("ps_" + h.hexdigest()[:LENGTH])
    return out


def pseudonym(key: bytes, value: object) -> str:
    return _hashed(key, normalise(pa.array([value])).to_pylist())[0]


def pseudonymise_column(col: pa.ChunkedArray, key: bytes) -> pa.ChunkedArray:
    """The column with every value replaced by its pseudonym (nulls stay null), as text."""
    encoded = pc.dictionary_encode(col.combine_chunks() if col.num_chunks != 1 else col.chunk(0))
    values = pa.array(_hashed(key, normalise(encoded.dictionary).to_pylist()), type=pa.string())
    return pa.chunked_array([pc.take(values, encoded.indices)], type=pa.string())


def pseudonymise(table: pa.Table, columns: list[str], key: bytes) -> pa.Table:
    for name in columns:
        i = table.column_names.index(name)
        table = table.set_column(i, name, pseudonymise_column(table.column(i), key))
    return table
