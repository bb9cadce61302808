"""What every page of the review app shares: its configuration, the templates (built on
the static report's pieces), the static files, the reviewer's name."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from provenance.settings import Settings
from provenance.store.database import Database
from provenance.web import security

LOOPBACK_NAMES = ["127.0.0.1", "localhost", "::1", "[::1]"]
REVIEWER_COOKIE = "provenance_reviewer"


def reviewer_cookie(request: Request) -> str | None:
    """The reviewer name this browser set (see /whoami), if any."""
    value = request.cookies.get(REVIEWER_COOKIE)
    return unquote(value)[:128] if value else None


@dataclass
class WebConfig:
    """What the app needs: the store, the settings, who writes, and how writes are guarded."""

    db: Database
    settings: Settings
    reviewer: str
    token: str | None = None  # writes need it when set
    allowed_hosts: list[str] = field(default_factory=lambda: list(LOOPBACK_NAMES))


@cache
def templates() -> Any:
    """The app's templates, with the static report's pieces (``_macros.html.j2``) beside."""
    import jinja2

    from provenance.report.html_filters import make_environment

    return make_environment(jinja2.ChoiceLoader([
        jinja2.PackageLoader("provenance.web", "templates"),
        jinja2.PackageLoader("provenance.report", "templates")]))


STATIC = {
    "report.css": ("provenance.report", "templates/report.css", "text/css"),
    "report.js": ("provenance.report", "templates/report.js", "text/javascript"),
    "app.css": ("provenance.web", "static/app.css", "text/css"),
}


@cache
def _static_text(name: str) -> str:
    package, path, _ = STATIC[name]
    return (resources.files(package) / path).read_text(encoding="utf-8")


def static(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in STATIC:
        return PlainTextResponse("not found", status_code=404)
    return Response(_static_text(name), media_type=STATIC[name][2],
                    headers={"cache-control": "no-cache"})


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A rendered page, with the CSRF cookie its forms repeat (set on first visit)."""
    config: WebConfig = request.app.state.config
    csrf = request.cookies.get(security.CSRF_COOKIE) or security.new_secret()
    reviewer = reviewer_cookie(request) or config.reviewer
    html = templates().get_template(name).render(
        csrf=csrf, reviewer=reviewer, needs_token=config.token is not None,
        signed_in=security.same(config.token, request.cookies.get(security.TOKEN_COOKIE)),
        path=request.url.path, **context)
    response = HTMLResponse(html, status_code=status)
    if request.cookies.get(security.CSRF_COOKIE) != csrf:
        response.set_cookie(security.CSRF_COOKIE, csrf, httponly=True, samesite="strict",
                            path="/")
    return response


