"""Single sign-on, in-process: the claim rules, the `[oidc]` configuration's refusals, and the user
lifecycle (created, moved, disabled, enabled again) on SQLite and PostgreSQL. tests/test_sso.py drives
the same through the server, real OpenID providers and a browser.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from siyada.config import ConfigError, parse_config_file
from siyada.config_integration import OidcRule
from siyada.governance.sso_users import Placement, SsoRefused, match_rules, sign_in, sso_username
from siyada.governance.tenants import create_tenant
from siyada.store.db import open_store
from siyada.store.tables import api_keys, oidc_identities, users
from tests.pg import Postgres, pg_bin


def test_rules_first_match_wins_typed_and_nested() -> None:
    rules = [
        OidcRule(claim="realm_access.roles", value="siyada-admin", tenant="t1", role="admin"),
        OidcRule(claim="groups", value="agents", tenant="t2"),
        OidcRule(claim="email_verified", value=True, tenant="t3"),
        OidcRule(claim="level", value=1, tenant="t4"),
    ]
    both = {"realm_access": {"roles": ["siyada-admin"]}, "groups": ["agents"]}
    assert match_rules(rules, both) == Placement("t1", "admin")
    assert match_rules(rules, {"groups": ["x", "agents"]}) == Placement("t2", "user")
    assert match_rules(rules, {"groups": "agents"}) == Placement("t2", "user")
    assert match_rules(rules, {"email_verified": True}) == Placement("t3", "user")
    # Typed equality: `true` is not 1, "true" is not true, a nested path through a list finds nothing.
    assert match_rules(rules, {"level": True}) is None
    assert match_rules(rules, {"email_verified": "true"}) is None
    assert match_rules(rules, {"realm_access": [{"roles": ["siyada-admin"]}]}) is None
    assert match_rules(rules, {}) is None
    assert sso_username("alpha", "x") != sso_username("beta", "x")


def test_config_refuses_unsafe_providers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def parse(body: str) -> None:
        path = tmp_path / "siyada.toml"
        path.write_text(body)
        parse_config_file(path)

    base = 'name = "kc"\nlabel = "KC"\nclient_id = "c"\nclient_secret = "${KC_SECRET}"\n'
    monkeypatch.setenv("KC_SECRET", "s")
    with pytest.raises(ConfigError, match="https"):
        parse("[[oidc.providers]]\n" + base + 'issuer = "http://sso.example.ma/realms/x"\n')
    with pytest.raises(ConfigError, match=r"egress|allow"):
        parse("[[oidc.providers]]\n" + base + 'issuer = "https://sso.example.ma/realms/x"\n')
    allowed = 'egress_allow = ["sso.example.ma"]\n[[oidc.providers]]\n' + base
    parse(allowed + 'issuer = "https://sso.example.ma/realms/x"\n')
    rule = '[[oidc.providers.rules]]\nclaim = "groups"\nvalue = "x"\ntenant = "t"\nrole = "operator"\n'
    with pytest.raises(ConfigError, match="role"):
        parse(allowed + 'issuer = "https://sso.example.ma/realms/x"\n' + rule)
    with pytest.raises(ConfigError, match="openid"):
        parse(allowed + 'issuer = "https://sso.example.ma/r"\nscopes = ["email"]\n')
    monkeypatch.delenv("KC_SECRET")
    with pytest.raises(ConfigError, match="KC_SECRET"):
        parse(allowed + 'issuer = "https://sso.example.ma/realms/x"\n')


@pytest.mark.parametrize("store", ["sqlite", "postgres"])
def test_sign_in_creates_moves_disables_and_enables(store: str, tmp_path: Path) -> None:
    """The user lifecycle on both stores, in-process (the server tests below go through HTTP)."""
    pg = None
    if store == "postgres":
        if pg_bin("initdb") is None:
            pytest.skip("PostgreSQL is not installed")
        pg = Postgres().start()
    try:
        url = pg.create_database("sso") if pg else f"sqlite:///{tmp_path / 's.db'}"
        engine = open_store(url)
        create_tenant(engine, "t1")
        create_tenant(engine, "t2")
        first = sign_in(engine, "kc", "sub-1", Placement("t1", "user"))
        assert (
            first.created
            and sign_in(engine, "kc", "sub-1", Placement("t1", "user")).key_hash == first.key_hash
        )
        moved = sign_in(engine, "kc", "sub-1", Placement("t2", "admin"))
        assert not moved.created and moved.user_id == first.user_id and moved.key_hash != first.key_hash
        with pytest.raises(SsoRefused, match="no_rule"):
            sign_in(engine, "kc", "sub-1", None)
        with engine.connect() as conn:
            row = conn.execute(
                sa.select(users.c.disabled_at, api_keys.c.revoked_at, oidc_identities.c.disabled_by_rules)
                .join(api_keys, api_keys.c.id == users.c.key_id)
                .join(oidc_identities, oidc_identities.c.user_id == users.c.id)
            ).one()
        assert row.disabled_at and row.revoked_at and row.disabled_by_rules
        assert sign_in(engine, "kc", "sub-1", Placement("t2", "admin")).key_hash == moved.key_hash
        for subject, placement, reason in [
            ("x" * 256, Placement("t1", "user"), "bad_subject"),
            ("sub-2", Placement("no-such-tenant", "user"), "no_tenant"),
        ]:
            with pytest.raises(SsoRefused, match=reason):
                sign_in(engine, "kc", subject, placement)
        assert sign_in(engine, "other", "sub-1", Placement("t1", "user")).user_id != first.user_id
        engine.dispose()
    finally:
        if pg:
            pg.stop()
