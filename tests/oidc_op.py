"""A real OpenID provider for the tests: panva's `oidc-provider` from the npm registry, run by Node with
tests/tools/oidc_provider.mjs; scripts/test.sh installs it beside the venv (.venv/oidc-provider).

Accounts (their claims) and the provider's misbehaviour (`tamper`) are files the provider reads at each
login, so a test changes them between two logins without a restart.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

SCRIPT = Path(__file__).parent / "tools" / "oidc_provider.mjs"
MODULE = Path(sys.executable).parent.parent / "oidc-provider" / "node_modules" / "oidc-provider"


def require_provider() -> None:
    """Skip (saying why) where Node or the npm package is missing: scripts/test.sh installs both."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed (scripts/test.sh installs the OpenID provider's needs)")
    if not (MODULE / "package.json").exists():
        pytest.skip(f"oidc-provider is not installed in {MODULE} (run scripts/test.sh)")


class OpenIdProvider:
    """One `oidc-provider` process on a loopback port, with one client: Siyada at `rp_url`."""

    def __init__(
        self, folder: Path, port: int, rp_url: str, name: str, secret: str, userinfo_only: bool = False
    ) -> None:
        self.folder, self.port, self.name, self.secret = folder, port, name, secret
        self.issuer = f"http://127.0.0.1:{port}"
        self.accounts = folder / "accounts.json"
        self.tamper_file = folder / "tamper.json"
        self.log = folder / "provider.log"
        self.client_id = f"siyada-{name}"
        self.config = {
            "module": str(MODULE),
            "port": port,
            "issuer": self.issuer,
            "accounts": str(self.accounts),
            "tamper": str(self.tamper_file),
            "userinfo_only": userinfo_only,
            "clients": [
                {
                    "client_id": self.client_id,
                    "client_secret": secret,
                    "redirect_uris": [f"{rp_url}/ui/sso/{name}/callback"],
                    "post_logout_redirect_uris": [f"{rp_url}/ui/login"],
                }
            ],
        }
        self.proc: subprocess.Popen[bytes] | None = None
        folder.mkdir(parents=True, exist_ok=True)
        self.accounts.write_text("{}")
        self.tamper(None)

    def start(self, timeout: float = 30) -> OpenIdProvider:
        path = self.folder / "config.json"
        path.write_text(json.dumps(self.config))
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(["node", str(SCRIPT), str(path)], stdout=log, stderr=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"oidc-provider exited: {self.log.read_text(errors='replace')}")
            try:
                if httpx.get(self.issuer + "/.well-known/openid-configuration", timeout=1).is_success:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"oidc-provider did not start: {self.log.read_text(errors='replace')}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def account(self, login: str, **claims: Any) -> None:
        """Create or replace an account (its login is its `sub`), read by the provider at each login."""
        accounts = json.loads(self.accounts.read_text())
        accounts[login] = {"claims": claims}
        tmp = self.accounts.with_suffix(".tmp")
        tmp.write_text(json.dumps(accounts))
        os.replace(tmp, self.accounts)

    def tamper(self, mode: str | None) -> None:
        """Make the token endpoint rewrite the ID token (see the script's modes); None: behave."""
        self.tamper_file.write_text(json.dumps({"mode": mode} if mode else {}))


def login_at_provider(client: httpx.Client, start_url: str, login: str, until: str) -> str:
    """Follow a login from `start_url` through the provider's own login form (any password) and return
    the first URL that starts with `until` (the callback), without requesting it."""
    url = start_url
    for _ in range(20):
        if url.startswith(until):
            return url
        resp = client.get(url)
        if resp.status_code in (302, 303):
            url = urljoin(url, resp.headers["location"])
            continue
        if 'name="login"' in resp.text:
            action = resp.text.split('action="', 1)[1].split('"', 1)[0]
            origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
            posted = client.post(
                urljoin(origin, action), data={"prompt": "login", "login": login, "password": "x"}
            )
            assert posted.status_code in (302, 303), posted.text[:500]
            url = urljoin(url, posted.headers["location"])
            continue
        raise AssertionError(f"unexpected page at {url}: {resp.status_code} {resp.text[:300]}")
    raise AssertionError("too many redirects")
