"""What a failed or redirected HTTP exchange means, in the checker's outcome names.

Shared by every HTTP user (the checker, ingest-by-URL, the archive client).
"""

from __future__ import annotations

import ssl

import httpcore
import httpx

from provenance.domain import links as t
from provenance.errors import UnsafeURLError
from provenance.net.safety import ResolutionError

PERMANENT_REDIRECTS = frozenset({301, 308})
TEMPORARY_REDIRECTS = frozenset({302, 303, 307})
REDIRECTS = PERMANENT_REDIRECTS | TEMPORARY_REDIRECTS

def is_redirect(status: int) -> bool:
    return status in REDIRECTS


def _causes(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def exception_outcome(exc: BaseException) -> tuple[str, str]:
    """(outcome, one-line reason) for an exception raised while fetching a URL."""
    causes = _causes(exc)
    for cause in causes:
        if isinstance(cause, UnsafeURLError):
            return t.REFUSED, cause.problem
        if isinstance(cause, ResolutionError):
            outcome = t.NOT_FOUND if cause.nxdomain else t.CONNECTION_ERROR
            return outcome, cause.problem
        if isinstance(cause, ssl.SSLError | ssl.CertificateError):
            reason = getattr(cause, "verify_message", None) or getattr(cause, "reason", None)
            return t.TLS_ERROR, f"TLS error: {reason or cause}"
    if isinstance(exc, TimeoutError | httpx.TimeoutException | httpcore.TimeoutException):
        return t.TIMEOUT, _describe(exc, "timed out")
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol |
                  httpcore.UnsupportedProtocol):
        return t.INVALID, _describe(exc, "invalid URL")
    if isinstance(exc, httpx.TooManyRedirects):
        return t.TOO_MANY_REDIRECTS, _describe(exc, "too many redirects")
    if isinstance(exc, httpx.TransportError | OSError):
        return t.CONNECTION_ERROR, _describe(exc, "connection failed")
    return t.CONNECTION_ERROR, _describe(exc, type(exc).__name__)


def exception_cause(exc: BaseException) -> t.Cause | None:
    """Why an exception raised while fetching means no HTTP answer came, or None if the
    failure is not the network's kind (an unsafe address, TLS, an invalid URL)."""
    for cause in _causes(exc):
        if isinstance(cause, UnsafeURLError | ssl.SSLError | ssl.CertificateError):
            return None
        if isinstance(cause, ResolutionError):
            return t.Cause.NXDOMAIN if cause.nxdomain else t.Cause.DNS_ERROR
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol | httpx.TooManyRedirects |
                  httpcore.UnsupportedProtocol):
        return None
    if isinstance(exc, httpcore.ConnectTimeout | httpx.ConnectTimeout | httpcore.ConnectError |
                  httpx.ConnectError | ConnectionRefusedError):
        return t.Cause.CONNECT
    if isinstance(exc, TimeoutError | httpx.TimeoutException | httpcore.TimeoutException):
        return t.Cause.TIMEOUT
    if isinstance(exc, httpx.TransportError | httpcore.NetworkError | httpcore.ProtocolError |
                  OSError):
        return t.Cause.RESET
    return None


def _describe(exc: BaseException, fallback: str) -> str:
    text = str(exc).strip().splitlines()
    name = type(exc).__name__
    return f"{name}: {text[0]}" if text and text[0] else f"{name} ({fallback})"
