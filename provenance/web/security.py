"""What keeps the review app safe to leave running: response headers, cross-site request
refusal and the write token.

- Every response: a strict Content-Security-Policy (no inline script or style: the page's
  script and style are files served by the app), no sniffing, no framing, and no referrer
  to other sites (same-origin, so that a form post carries its Origin).
- Every write (POST): refused when the browser says it comes from another site (``Origin``
  not this app's, or ``Sec-Fetch-Site`` other than same-origin/none), and refused without the
  form's CSRF token (a random cookie the form must repeat: another site can send the cookie
  but cannot read it).
- When the app has a write token (always when it listens on anything but loopback), a write
  must also carry it: the ``provenance_token`` cookie set by the /login form, or an
  ``Authorization: Bearer`` header.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
CSRF_COOKIE = "provenance_csrf"
CSRF_FIELD = "csrf"
TOKEN_COOKIE = "provenance_token"
SAME_ORIGIN_FETCH = frozenset({"same-origin", "none"})


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def new_secret() -> str:
    return secrets.token_urlsafe(24)


def same(a: str | None, b: str | None) -> bool:
    """Constant-time equality of two secrets (None never matches)."""
    return a is not None and b is not None and hmac.compare_digest(a.encode(), b.encode())


@dataclass(frozen=True)
class Refusal:
    status: int
    reason: str


def check_origin(headers: Headers, scheme: str) -> Refusal | None:
    """A write the browser says is cross-site, or None when it may go on."""
    site = headers.get("sec-fetch-site")
    if site is not None and site not in SAME_ORIGIN_FETCH:
        return Refusal(403, f"cross-site request refused (Sec-Fetch-Site: {site})")
    origin = headers.get("origin")
    if origin is not None and origin != f"{scheme}://{headers.get('host', '')}":
        return Refusal(403, "cross-site request refused (Origin is not this app)")
    return None


def check_csrf(cookie: str | None, field: str | None) -> Refusal | None:
    if not cookie or not same(cookie, field):
        return Refusal(403, "the form's CSRF token is missing or stale: reload the page")
    return None


def check_token(token: str | None, cookie: str | None, authorization: str | None) -> (
        Refusal | None):
    if token is None:
        return None
    bearer = authorization[7:] if authorization and authorization[:7].lower() == "bearer " \
        else None
    if same(token, cookie) or same(token, bearer):
        return None
    return Refusal(403, "this app needs its write token for changes: open /login")


class SecurityHeaders:
    """ASGI middleware adding the headers above to every response (a response that sets its
    own Content-Security-Policy keeps it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                extra = [(b"content-security-policy", CSP.encode()),
                         (b"x-content-type-options", b"nosniff"),
                         (b"x-frame-options", b"DENY"),
                         (b"referrer-policy", b"same-origin"),
                         (b"cross-origin-opener-policy", b"same-origin"),
                         (b"cache-control", b"no-store")]
                headers += [(k, v) for k, v in extra if k not in names]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
