"""Usernames and passwords bound to a tenant: the CLI, the admin API, the login form, lockout, audit.

Against a real server of its own (lockouts and disabled users would disturb the shared one).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from siyada.governance import users as users_mod
from siyada.governance.passwords import check_password, hash_password, password_problem
from tests.server import Server, cli

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "sésame ouvre-toi 2026"  # spaces and accents are fine; stored only as a scrypt hash


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("siyada-users")
    cli(data, "tenants", "create", "default")
    cli(data, "tenants", "create", "commune-fes", "--models", "siyada-chat")
    server = Server(data).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def admin(srv: Server) -> str:
    return srv.key("default", "operator")


def _h(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _users_cli(data: Path, stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`siyada users ...` with a password on stdin (the shared `cli` helper gives no stdin)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIYADA_")}
    cmd = [sys.executable, "-m", "siyada", "--data-dir", str(data), "users", *args]
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=120, env=env)


def _create(srv: Server, username: str, tenant: str = "commune-fes", password: str = PASSWORD) -> None:
    args = ["create", "--tenant", tenant, "--username", username, "--password-stdin"]
    proc = _users_cli(srv.data_dir, password + "\n", *args)
    assert proc.returncode == 0, proc.stderr


def _form_login(client: httpx.Client, username: str, password: str) -> httpx.Response:
    """Fetch the login page (CSRF cookie and field), then post the username form."""
    page = client.get("/ui/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    return client.post("/ui/login", data={"csrf": token, "username": username, "password": password})


def _error_text(response: httpx.Response) -> str:
    return re.search(r'<p class="error" role="alert">([^<]*)</p>', response.text).group(1)  # type: ignore[union-attr]


# ---- in-process units ------------------------------------------------------------------------------
def test_password_hashes_are_salted_scrypt_and_checked() -> None:
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first != second  # a fresh 16-byte salt each time
    scheme, n, r, p, salt, digest = first.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1") and len(salt) == 22 and len(digest) == 43
    assert check_password(PASSWORD, first) and not check_password(PASSWORD + "x", first)
    assert not check_password(PASSWORD, "md5$whatever")
    assert password_problem("123456789") and password_problem("x" * 2000) and not password_problem("a" * 10)


def test_unknown_usernames_cost_a_scrypt_check(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from siyada.store.db import open_store

    checked: list[str] = []
    monkeypatch.setattr(users_mod, "check_password", lambda pw, stored: checked.append(stored) or False)
    engine = open_store(f"sqlite:///{tmp_path / 's.db'}")
    assert users_mod.verify_password(engine, "nobody", PASSWORD) is None
    assert users_mod.verify_password(engine, "not a valid name!", PASSWORD) is None
    assert checked == [users_mod.dummy_hash()] * 2
    engine.dispose()


# ---- against the server -----------------------------------------------------------------------------
def test_cli_creates_lists_and_refuses_bad_input(srv: Server) -> None:
    _create(srv, "Amina.Benali@fes.ma")
    rows = json.loads(cli(srv.data_dir, "users", "list", "--json", "--tenant", "commune-fes").stdout)
    amina = next(u for u in rows if u["username"] == "amina.benali@fes.ma")  # case-insensitive: lower-cased
    assert amina["role"] == "user" and amina["tenant"] == "commune-fes" and amina["disabled"] is False
    assert "password_hash" not in json.dumps(rows) and "scrypt" not in json.dumps(rows)
    keys = json.loads(cli(srv.data_dir, "keys", "list", "--json").stdout)
    assert any(k["id"] == amina["key_id"] and k["name"] == "user:amina.benali@fes.ma" for k in keys)

    args = ["create", "--tenant", "commune-fes", "--password-stdin"]
    dup = _users_cli(srv.data_dir, "another password\n", *args, "--username", "AMINA.benali@fes.ma")
    assert dup.returncode == 1 and "already exists" in dup.stderr
    short = _users_cli(srv.data_dir, "short\n", *args, "--username", "karim")
    assert short.returncode == 1 and "at least 10" in short.stderr
    bad_name = _users_cli(srv.data_dir, PASSWORD + "\n", *args, "--username", "karim alaoui")
    assert bad_name.returncode == 1 and "username" in bad_name.stderr
    no_flag = _users_cli(srv.data_dir, PASSWORD + "\n", "create", "--tenant", "default", "--username", "k")
    assert no_flag.returncode == 1 and "--password-stdin" in no_flag.stderr
    no_tenant = _users_cli(
        srv.data_dir, PASSWORD + "\n", "create", "--tenant", "nope", "--username", "k", "--password-stdin"
    )
    assert no_tenant.returncode == 1 and "no tenant" in no_tenant.stderr


def test_password_login_opens_a_session_of_the_users_tenant(srv: Server) -> None:
    _create(srv, "youssef")
    with httpx.Client(base_url=srv.url) as client:
        r = _form_login(client, "  YOUSSEF ", PASSWORD)  # case and surrounding spaces do not matter
        assert r.status_code == 303 and r.headers["location"] == "/ui/chat"
        cookie = r.headers["set-cookie"]
        assert "siyada_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
        models = client.get("/v1/models")
        assert models.status_code == 200
        assert [m["id"] for m in models.json()["data"]] == ["siyada-chat"]  # commune-fes's models only
        chat = client.get("/ui/chat")
        assert chat.status_code == 200 and "commune-fes · user" in chat.text


def test_wrong_password_and_unknown_user_get_the_same_401(srv: Server) -> None:
    _create(srv, "salma")
    with httpx.Client(base_url=srv.url) as client:
        wrong = _form_login(client, "salma", PASSWORD + "!")
        unknown = _form_login(client, "nobody-here", PASSWORD)
        empty = _form_login(client, "salma", "")
    assert wrong.status_code == unknown.status_code == empty.status_code == 401
    assert _error_text(wrong) == _error_text(unknown) == "Identifiant ou mot de passe incorrect."
    assert "siyada_session" not in wrong.headers.get("set-cookie", "")
    assert (
        'value="salma"' in wrong.text and PASSWORD + "!" not in wrong.text
    )  # the name is kept, not the password
    forged = httpx.post(srv.url + "/ui/login", data={"csrf": "x", "username": "salma", "password": PASSWORD})
    assert forged.status_code == 403


def test_five_failures_slow_the_username_from_that_address(srv: Server) -> None:
    _create(srv, "hamza")
    _create(srv, "hamza2")
    with httpx.Client(base_url=srv.url) as client:
        for _ in range(5):
            assert _form_login(client, "hamza", "not the password").status_code == 401
        locked = _form_login(client, "Hamza", PASSWORD)  # even the right password, whatever the case
        assert locked.status_code == 429
        assert 0 < int(locked.headers["retry-after"]) <= 900  # then longer at each failure
        assert "1 min" in _error_text(locked)
        assert _form_login(client, "hamza2", PASSWORD).status_code == 303  # only that username


def test_disabling_the_user_ends_its_session_and_enabling_restores_it(srv: Server) -> None:
    _create(srv, "driss")
    with httpx.Client(base_url=srv.url) as client:
        assert _form_login(client, "driss", PASSWORD).status_code == 303
        assert client.get("/v1/models").status_code == 200
        cli(srv.data_dir, "users", "disable", "driss")
        time.sleep(1.2)  # the server's key cache lives one second
        assert client.get("/v1/models").status_code == 401
        page = client.get("/ui/chat")
        assert page.status_code == 303 and page.headers["location"] == "/ui/login"
    with httpx.Client(base_url=srv.url) as client:
        assert _form_login(client, "driss", PASSWORD).status_code == 401
        cli(srv.data_dir, "users", "enable", "driss")
        time.sleep(1.2)
        assert _form_login(client, "driss", PASSWORD).status_code == 303
        assert client.get("/v1/models").status_code == 200


def test_admin_api_creates_lists_and_patches_users(srv: Server, admin: str) -> None:
    url = srv.url + "/v1/admin/users"
    body = {"tenant": "commune-fes", "username": "Nadia", "password": PASSWORD, "role": "admin"}
    created = httpx.post(url, headers=_h(admin), json=body)
    assert created.status_code == 201, created.text
    user = created.json()
    assert user["object"] == "user" and user["username"] == "nadia" and user["role"] == "admin"
    assert "password" not in user and "password_hash" not in user and PASSWORD not in created.text

    listed = httpx.get(url, headers=_h(admin), params={"tenant": "commune-fes"}).json()
    assert any(u["id"] == user["id"] for u in listed["data"]) and listed["object"] == "list"
    assert httpx.get(url, headers=_h(admin), params={"tenant": "nope"}).status_code == 400

    def error(response: httpx.Response) -> tuple[int, str | None]:
        return response.status_code, response.json()["error"]["param"]

    assert error(httpx.post(url, headers=_h(admin), json={**body, "username": "NADIA"})) == (409, "username")
    assert error(httpx.post(url, headers=_h(admin), json={**body, "username": "n", "password": "short"})) == (
        400,
        "password",
    )
    assert error(httpx.post(url, headers=_h(admin), json={**body, "username": "n a"})) == (400, "username")
    # A tenant that does not exist is not found (404), as the description says.
    assert error(httpx.post(url, headers=_h(admin), json={**body, "username": "n", "tenant": "x"})) == (
        404,
        "tenant",
    )
    assert (
        httpx.post(url, headers=_h(admin), json={**body, "username": "n", "role": "root"}).status_code == 400
    )
    assert httpx.post(url, headers=_h(admin), json={**body, "username": "n", "extra": 1}).status_code == 400

    # A user key, even of the same tenant, is refused.
    user_key = srv.key("commune-fes", "user")
    assert httpx.get(url, headers=_h(user_key)).status_code == 403
    assert httpx.post(url, headers=_h(user_key), json=body).status_code == 403
    assert httpx.patch(url + "/nadia", headers=_h(user_key), json={"disabled": True}).status_code == 403

    with httpx.Client(base_url=srv.url) as client:
        assert _form_login(client, "nadia", PASSWORD).status_code == 303
        changed = httpx.patch(url + "/NADIA", headers=_h(admin), json={"password": "a new long password"})
        assert changed.status_code == 200 and changed.json()["password_changed_at"] > user["created_at"]
        assert client.get("/v1/models").status_code == 401  # a new password ends the open sessions
    with httpx.Client(base_url=srv.url) as client:
        assert _form_login(client, "nadia", PASSWORD).status_code == 401
        assert _form_login(client, "nadia", "a new long password").status_code == 303
        assert client.get("/ui/admin").status_code == 200  # the user's role is its key's role
        disabled = httpx.patch(url + "/nadia", headers=_h(admin), json={"disabled": True})
        assert disabled.status_code == 200 and disabled.json()["disabled"] is True
        assert client.get("/v1/models").status_code == 401  # at once on the server that disabled it
    assert httpx.patch(url + "/nadia", headers=_h(admin), json={}).status_code == 400
    assert httpx.patch(url + "/nadia", headers=_h(admin), json={"password": "short"}).status_code == 400
    missing = httpx.patch(url + "/nobody", headers=_h(admin), json={"disabled": True})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "user_not_found"


def test_passwords_are_never_stored_nor_audited(srv: Server, admin: str) -> None:
    _create(srv, "omar", password="omar's very own password")
    cli(srv.data_dir, "users", "disable", "omar")
    cli(srv.data_dir, "users", "enable", "omar")
    passwd = _users_cli(srv.data_dir, "omar's second password\n", "passwd", "omar", "--password-stdin")
    assert passwd.returncode == 0, passwd.stderr
    db = sqlite3.connect(srv.data_dir / "siyada.db")
    try:
        dump = "\n".join(db.iterdump())
        stored = db.execute("select password_hash from users where username = 'omar'").fetchone()[0]
        audit_rows = db.execute("select action, target, details from audit_log").fetchall()
    finally:
        db.close()
    assert stored.startswith("scrypt$16384$8$1$") and "omar's very own password" not in dump
    assert PASSWORD not in dump and "omar's second password" not in dump
    actions = {a for a, _, _ in audit_rows}
    assert {"user.created", "user.disabled", "user.enabled", "user.password_changed"} <= actions
    text = json.dumps(audit_rows)
    assert "scrypt$" not in text and "password_hash" not in text and "omar" not in text
    assert cli(srv.data_dir, "audit", "verify").returncode == 0


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed")
def test_browser_logs_in_with_username_and_password(srv: Server) -> None:
    from playwright.sync_api import sync_playwright

    _create(srv, "leila")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        context = browser.new_context()
        page = context.new_page()
        page.goto(srv.url + "/ui/login?lang=ar")
        page.fill("#username", "leila")
        page.fill("#password", "wrong password!")
        page.click("#password_login")
        assert page.locator("p.error").inner_text() == "اسم المستخدم أو كلمة المرور غير صحيحة."
        assert page.input_value("#username") == "leila"
        page.fill("#password", PASSWORD)
        page.click("#password_login")
        page.wait_for_url(re.compile(r"/ui/chat$"))
        assert "commune-fes" in page.locator(".who").inner_text()
        cookie = next(c for c in context.cookies() if c["name"] == "siyada_session")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        assert page.evaluate("fetch('/v1/models').then(r => r.status)") == 200
        browser.close()
