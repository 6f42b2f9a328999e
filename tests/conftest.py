from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import browser as chromium
from tests.browser import screenshots
from tests.recording_upstream import RecordingUpstream
from tests.server import Server, cli


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One embedded-default server shared by the tests that only read from it."""
    data = tmp_path_factory.mktemp("siyada-main")
    cli(data, "tenants", "create", "default")
    srv = Server(data).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def admin_key(server: Server) -> str:
    """The platform's key (an operator: every tenant); a tenant admin is `server.key(tenant, "admin")`."""
    return server.key("default", "operator")


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture(scope="module")
def echo() -> Iterator[RecordingUpstream]:
    """The echoing, recording model server of tests/recording_upstream.py, one per test module."""
    upstream = RecordingUpstream()
    yield upstream
    upstream.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A launched Debian chromium (tests/browser.py), one per test module of the web app."""
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where this module's screenshots go (tests/browser.py: $SIYADA_SCREENSHOTS or a temporary folder)."""
    return screenshots(tmp_path_factory)
