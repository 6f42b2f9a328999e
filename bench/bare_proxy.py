"""Bare pass-through proxy: the floor any Python gateway is compared against.

Starlette + one pooled upstream client per process (created at startup),
forwarding method, path, query and body, and streaming the answer back
chunk by chunk without buffering.

  python bench/bare_proxy.py --port 18081 --upstream http://127.0.0.1:18080
  python bench/bare_proxy.py --client httpx ...   # one shared httpx.AsyncClient
                                                   # (collapses at high concurrency: encode/httpx#3215)
Server knobs (the Siyada server should use the fastest): --loop uvloop|asyncio,
--http httptools|h11, access log off unless --access-log.
"""

from __future__ import annotations

import argparse
import contextlib

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.routing import Route

HOP = {
    "host",
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "content-length",
    "accept-encoding",
}
RESP_DROP = {"connection", "keep-alive", "transfer-encoding", "content-encoding", "date", "server"}


def make_app(upstream: str, client: str = "aiohttp", pool: int = 256, router: str = "starlette"):
    upstream = upstream.rstrip("/")
    state: dict = {}

    def req_headers(request: Request) -> dict:
        return {k: v for k, v in request.headers.items() if k not in HOP}

    def resp_headers(items) -> dict:
        return {k: v for k, v in items if k.lower() not in RESP_DROP}

    if client == "aiohttp":
        import aiohttp

        @contextlib.asynccontextmanager
        async def lifespan(app):
            conn = aiohttp.TCPConnector(
                limit=pool, limit_per_host=pool, keepalive_timeout=60, ttl_dns_cache=None
            )
            state["s"] = aiohttp.ClientSession(
                connector=conn,
                timeout=aiohttp.ClientTimeout(total=None, sock_connect=10),
                auto_decompress=False,
                skip_auto_headers=("User-Agent", "Accept-Encoding"),
            )
            yield
            await state["s"].close()

        async def proxy(request: Request):
            body = await request.body()
            url = upstream + request.url.path + (("?" + request.url.query) if request.url.query else "")
            r = await state["s"].request(request.method, url, data=body, headers=req_headers(request))
            return StreamingResponse(
                r.content.iter_any(),
                status_code=r.status,
                headers=resp_headers(r.headers.items()),
                background=BackgroundTask(r.release),
            )

    elif client == "httpx":
        import httpx

        @contextlib.asynccontextmanager
        async def lifespan(app):
            state["c"] = httpx.AsyncClient(
                limits=httpx.Limits(max_connections=pool, max_keepalive_connections=pool),
                timeout=httpx.Timeout(None, connect=10),
            )
            yield
            await state["c"].aclose()

        async def proxy(request: Request):
            body = await request.body()
            c = state["c"]
            req = c.build_request(
                request.method,
                upstream + request.url.path,
                params=request.url.query or None,
                content=body,
                headers=req_headers(request),
            )
            r = await c.send(req, stream=True)
            return StreamingResponse(
                r.aiter_raw(),
                status_code=r.status_code,
                headers=resp_headers(r.headers.items()),
                background=BackgroundTask(r.aclose),
            )

    else:
        raise ValueError(f"unknown client {client!r}")

    if router == "starlette":
        return Starlette(routes=[Route("/{path:path}", proxy, methods=["GET", "POST"])], lifespan=lifespan)

    # router == "asgi": the same handler under a plain ASGI callable, without Starlette's
    # router / exception-middleware stack (shows what that stack costs per request)
    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            await receive()
            async with lifespan(None):
                await send({"type": "lifespan.startup.complete"})
                await receive()
            await send({"type": "lifespan.shutdown.complete"})
            return
        if scope["type"] != "http":
            return
        response = await proxy(Request(scope, receive))
        await response(scope, receive, send)

    return app


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=18081)
    ap.add_argument("--upstream", default="http://127.0.0.1:18080")
    ap.add_argument("--client", choices=["aiohttp", "httpx"], default="aiohttp")
    ap.add_argument("--pool", type=int, default=256, help="upstream connection pool size")
    ap.add_argument("--loop", default="auto", help="uvicorn loop: auto|uvloop|asyncio")
    ap.add_argument("--http", default="auto", help="uvicorn http: auto|httptools|h11")
    ap.add_argument(
        "--router",
        choices=["starlette", "asgi"],
        default="starlette",
        help="starlette: a Starlette app with one catch-all Route; asgi: plain ASGI callable "
        "using Starlette's Request/StreamingResponse only",
    )
    ap.add_argument("--access-log", action="store_true")
    a = ap.parse_args(argv)
    import uvicorn

    uvicorn.run(
        make_app(a.upstream, a.client, a.pool, a.router),
        host=a.host,
        port=a.port,
        loop=a.loop,
        http=a.http,
        access_log=a.access_log,
        log_level="warning",
        lifespan="on",
        backlog=2048,
    )


if __name__ == "__main__":
    main()
