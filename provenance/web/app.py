"""The review app: ``create_app(config)`` builds a Starlette app over one Database;
``provenance serve`` runs it under uvicorn.

Reads and writes go through provenance.services.review, the same code the command line uses;
pages are Jinja2 templates (autoescape) built on the static report's pieces, with the
report's filter script and style served as files (no inline script).
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import Route

from provenance.web import actions, security, views
from provenance.web.pages import LOOPBACK_NAMES, WebConfig, static

__all__ = ["LOOPBACK_NAMES", "WebConfig", "create_app"]


def create_app(config: WebConfig) -> Starlette:
    routes = [
        Route("/", views.index),
        Route("/documents/{doc_id:int}", views.document),
        Route("/documents/{doc_id:int}/claims/{claim_id:int}", views.claim),
        Route("/documents/{doc_id:int}/references/{index:int}", views.reference),
        Route("/api/report", views.api_report),
        Route("/api/documents", views.api_documents),
        Route("/api/documents/{doc_id:int}", views.api_document),
        Route("/report.html", views.static_report),
        Route("/static/{name}", static),
        Route("/login", views.login_form),
        Route("/login", actions.login, methods=["POST"]),
        Route("/whoami", actions.whoami, methods=["POST"]),
        Route("/documents/{doc_id:int}/claims/{claim_id:int}/review", actions.review,
              methods=["POST"]),
        Route("/documents/{doc_id:int}/claims/{claim_id:int}/accept", actions.accept,
              methods=["POST"]),
        Route("/documents/{doc_id:int}/claims/{claim_id:int}/cite", actions.cite,
              methods=["POST"]),
        Route("/documents/{doc_id:int}/references/fix", actions.fix_reference,
              methods=["POST"]),
        Route("/documents/{doc_id:int}/references/check", actions.check_link,
              methods=["POST"]),
    ]
    middleware = [Middleware(security.SecurityHeaders),
                  Middleware(TrustedHostMiddleware, allowed_hosts=config.allowed_hosts)]
    app = Starlette(routes=routes, middleware=middleware)
    app.state.config = config
    return app
