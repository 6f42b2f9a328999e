"""The OpenID Connect relying party: discovery, the authorization request (PKCE S256, state, nonce), the
code exchange and the ID token's verification, through Authlib and its JOSE library (joserfc).

An ID token is accepted only when signed by a key of the provider's JWKS with an asymmetric algorithm
the provider announces (never `none`, never an HMAC keyed by a secret the client also holds), issued by
the configured issuer, for this client (`aud` holds the client id), unexpired, and carrying the nonce
sent with this very login. Tokens never appear in a URL or a log line: the code travels in the callback
URL by the protocol's design and is useless without the PKCE verifier and the client secret.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass
from typing import Any

import httpx2
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.httpx_client import AsyncOAuth2Client
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from siyada.config_integration import OidcConfig, OidcProviderConfig

ASYMMETRIC = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
TIMEOUT = 10.0  # seconds, for each call to the provider
METADATA_TTL = 3600.0  # discovery and keys are read again after an hour (key rotation)
LEEWAY = 60  # seconds of clock skew tolerated on exp / iat
MAX_CODE = 2048  # longer `code` or `state` values are refused before any work


class OidcError(Exception):
    """A login that cannot be completed; `reason` is the page's word for it, never a token."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class Started:
    """An authorization request: where to send the browser, and what the callback must check."""

    url: str
    state: str
    nonce: str
    verifier: str


@dataclass(frozen=True)
class Verified:
    """A verified login: the provider's subject, its claims, and the raw ID token (logout's hint)."""

    subject: str
    claims: dict[str, Any]
    id_token: str


class OidcClient:
    """One configured provider: its discovered metadata and keys, cached."""

    def __init__(self, config: OidcProviderConfig) -> None:
        self.config = config
        self._metadata: dict[str, Any] | None = None
        self._jwks: dict[str, Any] | None = None
        self._read_at = 0.0
        self._lock = asyncio.Lock()

    def _oauth(self, redirect_uri: str) -> AsyncOAuth2Client:
        c = self.config
        return AsyncOAuth2Client(
            client_id=c.client_id,
            client_secret=c.client_secret,
            scope=" ".join(c.scopes),
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            timeout=TIMEOUT,
            follow_redirects=False,
        )

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            # httpx2: the HTTP client Authlib itself speaks through (its transport errors are the same).
            async with httpx2.AsyncClient(timeout=TIMEOUT, follow_redirects=False) as http:
                resp = await http.get(url, headers={"Accept": "application/json"})
                resp.raise_for_status()
                body = resp.json()
        except (httpx2.HTTPError, ValueError) as exc:
            raise OidcError("provider_unreachable", f"{url}: {type(exc).__name__}") from exc
        if not isinstance(body, dict):
            raise OidcError("provider_unreachable", f"{url}: not a JSON object")
        return body

    async def metadata(self) -> dict[str, Any]:
        """The provider's discovery document (its `issuer` must be the configured one, exactly)."""
        async with self._lock:
            if self._metadata is None or time.monotonic() - self._read_at > METADATA_TTL:
                meta = await self._get_json(self.config.issuer + "/.well-known/openid-configuration")
                if meta.get("issuer") != self.config.issuer:
                    raise OidcError("provider_misconfigured", "discovery names another issuer")
                for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                    if not isinstance(meta.get(field), str):
                        raise OidcError("provider_misconfigured", f"discovery lacks {field}")
                self._metadata, self._jwks, self._read_at = meta, None, time.monotonic()
            return self._metadata

    async def _keys(self, refresh: bool = False) -> KeySet:
        meta = await self.metadata()
        if self._jwks is None or refresh:
            self._jwks = await self._get_json(meta["jwks_uri"])
        try:
            return KeySet.import_key_set(self._jwks)  # type: ignore[arg-type]
        except (JoseError, ValueError, TypeError, KeyError) as exc:
            raise OidcError("provider_misconfigured", "unreadable JWKS") from exc

    async def start(self, redirect_uri: str) -> Started:
        meta = await self.metadata()
        state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
        async with self._oauth(redirect_uri) as client:
            url, _ = client.create_authorization_url(
                meta["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier
            )
        return Started(url, state, nonce, verifier)

    async def finish(self, code: str, verifier: str, nonce: str, redirect_uri: str) -> Verified:
        """Exchange the code (with the PKCE verifier) and verify the ID token it brings back."""
        meta = await self.metadata()
        try:
            async with self._oauth(redirect_uri) as client:
                token = await client.fetch_token(meta["token_endpoint"], code=code, code_verifier=verifier)
                id_token = token.get("id_token")
                if not isinstance(id_token, str):
                    raise OidcError("no_id_token")
                claims = await self._verify(id_token, nonce, str(token.get("access_token") or ""))
                if self.config.userinfo and isinstance(meta.get("userinfo_endpoint"), str):
                    claims = {**await self._userinfo(client, meta["userinfo_endpoint"], claims), **claims}
        except AuthlibBaseError as exc:
            # invalid_grant: a replayed or foreign code, or a PKCE verifier that does not match.
            raise OidcError("token_refused", str(exc.error)) from exc
        except httpx2.HTTPError as exc:
            raise OidcError("provider_unreachable", type(exc).__name__) from exc
        return Verified(str(claims["sub"]), claims, id_token)

    async def _verify(self, id_token: str, nonce: str, access_token: str) -> dict[str, Any]:
        meta = await self.metadata()
        announced = meta.get("id_token_signing_alg_values_supported") or ["RS256"]
        algorithms = [a for a in announced if a in ASYMMETRIC]
        registry = JWSRegistry(algorithms=algorithms, strict_check_header=False)
        try:
            try:
                decoded = jwt.decode(id_token, await self._keys(), registry=registry)
            except InvalidKeyIdError:  # the provider rotated its keys since they were read
                decoded = jwt.decode(id_token, await self._keys(refresh=True), registry=registry)
            options: dict[str, Any] = {"iss": {"essential": True, "value": self.config.issuer}}
            params = {"nonce": nonce, "client_id": self.config.client_id, "access_token": access_token}
            claims = CodeIDToken(decoded.claims, decoded.header, options, params)
            claims.validate(now=int(time.time()), leeway=LEEWAY)
        except (JoseError, ValueError, TypeError) as exc:
            raise OidcError("id_token_invalid", type(exc).__name__) from exc
        audience = claims.get("aud")
        if self.config.client_id not in (audience if isinstance(audience, list) else [audience]):
            # Authlib lets `azp` stand in for `aud`; OpenID Connect Core (3.1.3.7) does not.
            raise OidcError("id_token_invalid", "audience")
        if not claims.get("nonce"):
            raise OidcError("id_token_invalid", "nonce")
        return dict(claims)

    async def _userinfo(self, client: AsyncOAuth2Client, url: str, claims: dict[str, Any]) -> dict[str, Any]:
        resp = await client.get(url, headers={"Accept": "application/json, application/jwt"})
        try:
            resp.raise_for_status()
            if resp.headers.get("content-type", "").startswith("application/jwt"):
                # A signed answer (ProConnect's): verified against the same keys as the ID token.
                registry = JWSRegistry(algorithms=list(ASYMMETRIC), strict_check_header=False)
                info = jwt.decode(resp.text.strip(), await self._keys(), registry=registry).claims
            else:
                info = resp.json()
        except (httpx2.HTTPError, ValueError, JoseError) as exc:
            raise OidcError("provider_unreachable", "userinfo") from exc
        if not isinstance(info, dict) or info.get("sub") != claims.get("sub"):
            raise OidcError("id_token_invalid", "userinfo names another subject")
        return info

    async def end_session_endpoint(self) -> str | None:
        try:
            endpoint = (await self.metadata()).get("end_session_endpoint")
        except OidcError:
            return None
        return endpoint if isinstance(endpoint, str) else None


class OidcProviders:
    """The configured providers, by name, in the config's order (the login page's buttons)."""

    def __init__(self, config: OidcConfig) -> None:
        self.public_url = config.public_url.rstrip("/") if config.public_url else None
        self.clients = {p.name: OidcClient(p) for p in config.providers}

    def get(self, name: str) -> OidcClient | None:
        return self.clients.get(name)

    def base(self, request_base: str) -> str:
        """Where the browser reaches this server: `oidc.public_url`, else the request's own origin."""
        return self.public_url or request_base.rstrip("/")

    def buttons(self) -> list[tuple[str, str]]:
        return [(c.config.name, c.config.label) for c in self.clients.values()]
