"""First load of the web app's chat page in Debian chromium: bytes transferred and time to interactive.

Usage: python -m bench.ui_first_load [--runs 5]

Starts a real server on a fresh data directory, logs in, then loads /ui/chat with an empty cache `runs`
times. Bytes are Chromium's encoded (on-the-wire) sizes from the DevTools protocol; "interactive" is
when chat.js has filled the model picker (the page can be used). The bare baseline is the login page
(one HTML file and the stylesheet), loaded the same way from the same server.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.server import Server, cli


def _load(context, url: str, ready: str) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    sizes: list[int] = []
    cdp.on("Network.loadingFinished", lambda e: sizes.append(int(e["encodedDataLength"])))
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_function(ready)
    elapsed = time.perf_counter() - start
    page.wait_for_load_state("networkidle")
    page.close()
    return sum(sizes), elapsed


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="siyada-ui-bench-"))
    cli(data, "tenants", "create", "default")
    server = Server(data).start()
    key = server.key("default", "user")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            context = browser.new_context()
            login = context.new_page()
            login.goto(server.url + "/ui/login")
            login.fill("#api_key", key)
            login.click("button[type=submit]")
            login.wait_for_url("**/ui/chat")
            login.close()
            chat = [
                _load(
                    context, server.url + "/ui/chat", "document.querySelectorAll('#model option').length > 0"
                )
                for _ in range(args.runs)
            ]
            bare = [
                _load(context, server.url + "/ui/login?lang=fr", "document.readyState === 'complete'")
                for _ in range(args.runs)
            ]
            browser.close()
    finally:
        server.stop()
    chat_bytes, chat_s = chat[-1][0], statistics.median(t for _, t in chat)
    bare_bytes, bare_s = bare[-1][0], statistics.median(t for _, t in bare)
    print(
        f"chat page   : {chat_bytes / 1024:.1f} kB on the wire, interactive in {chat_s * 1000:.0f} ms"
        f" (median of {args.runs})"
    )
    print(f"login (bare): {bare_bytes / 1024:.1f} kB on the wire, loaded in {bare_s * 1000:.0f} ms")
    print(f"ratio chat / bare: bytes {chat_bytes / bare_bytes:.2f}x, time {chat_s / bare_s:.2f}x")


if __name__ == "__main__":
    main()
