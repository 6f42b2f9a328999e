"""Which tenant an admin request may act on: an operator acts on any, a tenant admin on its own only.

Every admin route passes its target through here. A tenant named explicitly (a `tenant` parameter) that
is not the caller's is refused with 403 before its existence is looked up, so the answer says nothing
about other tenants; a resource named by id (a key, a user, a limit) of another tenant reads as absent
(404), exactly as one that does not exist.
"""

from __future__ import annotations

from siyada.errors import ApiError
from siyada.governance.keys import Principal

_OPERATOR_ROLE = "operator"


def tenant_scope(principal: Principal, name: str | None) -> str | None:
    """The tenant a list is restricted to: an operator's choice (None = every tenant), else the caller's."""
    if principal.is_operator:
        return name
    check_tenant(principal, name or principal.tenant.name)
    return principal.tenant.name


def check_tenant(principal: Principal, name: str) -> None:
    """403 unless the caller may act on the tenant called `name`."""
    if not principal.is_operator and name != principal.tenant.name:
        raise ApiError(
            403,
            "An admin key manages its own tenant only; another tenant needs an operator key",
            code="tenant_forbidden",
            param="tenant",
        )


def check_grant(principal: Principal, role: str) -> None:
    """403 when a tenant admin tries to create (or act on) an operator credential."""
    if role == _OPERATOR_ROLE and not principal.is_operator:
        raise ApiError(
            403,
            "Only an operator key may create or change operator credentials",
            code="role_forbidden",
            param="role",
        )


def check_owned(principal: Principal, tenant: int | str, role: str | None, missing: ApiError) -> None:
    """For a resource found by id, of the tenant with this id (or name): `missing` (its 404) when that is
    another tenant, 403 when it is an operator's credential and the caller is not one."""
    own = principal.tenant.id if isinstance(tenant, int) else principal.tenant.name
    if not principal.is_operator and tenant != own:
        raise missing
    if role is not None:
        check_grant(principal, role)
