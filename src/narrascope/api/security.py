"""Who may call the app: loopback by default, an API token for anything else.

The token is checked on every route (API, pages, static files) by :class:`TokenAuth`.
Clients send ``Authorization: Bearer <token>``; browsers get a Basic-auth prompt where
the password is the token (any user name).
"""

from __future__ import annotations

import base64
import hmac
import ipaddress

from starlette.types import ASGIApp, Receive, Scope, Send

from narrascope.errors import ConfigError

__all__ = ["is_loopback", "loopback_hosts", "check_bind", "TokenAuth", "HostCheck", "SECURITY_HEADERS"]

#: Sent with every response: no framing, no sniffing, scripts and styles only from this app.
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def loopback_hosts(host: str) -> list[str] | None:
    """Host headers to accept when serving loopback without a token (a web page that rebinds its
    own domain name to 127.0.0.1 then gets 400); ``None`` (any) when ``host`` is not loopback."""
    if not is_loopback(host):
        return None
    return sorted({"localhost", "127.0.0.1", "[::1]", f"[{host.strip('[]')}]" if ":" in host else host.lower()})


def check_bind(host: str, token: str | None) -> None:
    """Refuse to listen beyond loopback without a token (ConfigError naming the host)."""
    if token is not None and len(token) < 16:
        raise ConfigError("the API token must be at least 16 characters long", source="--token")
    if not is_loopback(host) and not token:
        raise ConfigError(
            f"binding to {host} exposes the store beyond this machine; set an API token "
            "(--token or $NARRASCOPE_API_TOKEN) or bind to 127.0.0.1",
            source="--host",
        )


def _presented(headers: list[tuple[bytes, bytes]]) -> str | None:
    for name, value in headers:
        if name.lower() != b"authorization":
            continue
        text = value.decode("latin-1").strip()
        scheme, _, rest = text.partition(" ")
        if scheme.lower() == "bearer":
            return rest.strip()
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(rest.strip(), validate=True).decode("utf-8")
            except (ValueError, UnicodeDecodeError):
                return None
            return decoded.partition(":")[2]
    return None


class TokenAuth:
    """ASGI middleware: every HTTP request must carry the token, else 401 in the error envelope."""

    def __init__(self, app: ASGIApp, *, token: str) -> None:
        self.app = app
        self._token = token.encode("utf-8")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = _presented(scope.get("headers", []))
        if given is not None and hmac.compare_digest(given.encode("utf-8"), self._token):
            await self.app(scope, receive, send)
            return
        from fastapi.responses import JSONResponse

        from narrascope.api.errors import envelope

        message = "missing or wrong API token (send 'Authorization: Bearer <token>')"
        response = JSONResponse(
            {**envelope(401, message), "errors": [{"code": "A001", "message": message, "source": "authorization"}]},
            status_code=401,
            headers={"www-authenticate": 'Basic realm="narrascope", charset="UTF-8"', **SECURITY_HEADERS},
        )
        await response(scope, receive, send)


def _host_name(headers: list[tuple[bytes, bytes]]) -> str:
    """The Host header without its port, lower-cased (``[::1]`` keeps its brackets)."""
    for name, value in headers:
        if name == b"host":
            text = value.decode("latin-1").strip().lower()
            if text.startswith("["):
                return text[: text.find("]") + 1] if "]" in text else text
            return text.split(":", 1)[0]
    return ""


class HostCheck:
    """ASGI middleware: 400 (error envelope) unless the Host header names one of ``allowed``."""

    def __init__(self, app: ASGIApp, *, allowed: list[str]) -> None:
        self.app = app
        self._allowed = {h.lower() for h in allowed}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _host_name(scope.get("headers", [])) not in self._allowed:
            from fastapi.responses import JSONResponse

            from narrascope.api.errors import envelope

            message = f"Host header must be one of {', '.join(sorted(self._allowed))} (the server listens on loopback)"
            body = {**envelope(400, message), "errors": [{"code": "A002", "message": message, "source": "host"}]}
            await JSONResponse(body, status_code=400, headers=SECURITY_HEADERS)(scope, receive, send)
            return
        await self.app(scope, receive, send)
