"""Schemathesis hooks for tests/test_openapi_schemathesis.py (loaded through SCHEMATHESIS_HOOKS)."""

from __future__ import annotations

import os
from typing import Any

import schemathesis

OWN_KEY_ID = os.environ.get("SIYADA_ST_OWN_KEY_ID", "")


@schemathesis.hook
def before_call(ctx: Any, case: Any, kwargs: dict[str, Any]) -> None:
    # Revoking the key the run authenticates with would turn every later call into a 401: aim such a
    # revocation at a key that does not exist instead (the route still answers, with its 404).
    own = str((case.path_parameters or {}).get("key_id")) == OWN_KEY_ID
    if case.operation.path == "/v1/admin/keys/{key_id}" and own:
        case.path_parameters["key_id"] = 10**12
