"""Read-only pages and the JSON API of the review app."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from provenance.errors import NotFoundError, ProvenanceError
from provenance.report.html_model import document_view
from provenance.report.render_html import render_html
from provenance.report.render_json import render_json
from provenance.services import review as service
from provenance.web.pages import WebConfig, page

# What a write redirected with ``?done=`` reports (fixed texts: nothing from the URL is shown).
DONE = {
    "review": "Verdict recorded.", "accept": "Flag accepted.", "cite": "Citation attached.",
    "fix": "Reference updated.", "nochange": "The reference already said that.",
    "check": "Link checked.", "login": "Signed in: you can make changes.",
    "whoami": "Reviewer name set.",
}


def _config(request: Request) -> WebConfig:
    config: WebConfig = request.app.state.config
    return config


def error_page(request: Request, err: ProvenanceError) -> HTMLResponse:
    status = 404 if isinstance(err, NotFoundError) else 400
    return page(request, "error.html.j2", status=status, message=str(err))


def index(request: Request) -> Response:
    rows = service.list_documents(_config(request).db)
    return page(request, "index.html.j2", documents=rows, done=DONE.get(
        request.query_params.get("done", "")))


def document(request: Request, *, error: str | None = None, status: int = 200) -> Response:
    doc_id = request.path_params["doc_id"]
    try:
        doc = document_view(dict(service.document_report(_config(request).db, str(doc_id))))
    except ProvenanceError as err:
        return error_page(request, err)
    return page(request, "document.html.j2", status=status, doc=doc, options=doc["options"],
                error=error, done=DONE.get(request.query_params.get("done", "")))


def _item(request: Request) -> tuple[dict[str, Any] | None, Response | None]:
    try:
        doc = document_view(dict(service.document_report(
            _config(request).db, str(request.path_params["doc_id"]))))
    except ProvenanceError as err:
        return None, error_page(request, err)
    return doc, None


def claim(request: Request) -> Response:
    """One claim with its forms (verdict, citation, accepted flag) and what it cites."""
    doc, failed = _item(request)
    if doc is None:
        return failed or error_page(request, NotFoundError("no such document"))
    claim_id = request.path_params["claim_id"]
    found = next((c for c in doc["claims"] if c["id"] == claim_id), None)
    if found is None:
        return error_page(request, NotFoundError(f"document {doc['id']} has no claim {claim_id}"))
    related = [m["ref"] for m in found["markers"] if m["ref"] is not None]
    return page(request, "item.html.j2", doc=doc, claim=found, reference=None,
                related=related, heading=f"claim {claim_id}")


def reference(request: Request) -> Response:
    """One reference (by its place in the list) with its forms (fix, check now)."""
    doc, failed = _item(request)
    if doc is None:
        return failed or error_page(request, NotFoundError("no such document"))
    index = request.path_params["index"]
    refs = doc["references"]
    if not 1 <= index <= len(refs):
        return error_page(request, NotFoundError(
            f"document {doc['id']} has no reference number {index}"))
    found = refs[index - 1]
    return page(request, "item.html.j2", doc=doc, claim=None, reference=found, related=[],
                heading=f"reference [{found['label']}]")


def _json(data: Any, status: int = 200) -> Response:
    """JSON as `report --format json` prints it (the same renderer)."""
    return Response(render_json(data) + "\n", status_code=status, media_type="application/json")


def api_report(request: Request) -> Response:
    """All documents: the same JSON as ``provenance report --format json``."""
    return _json(service.report(_config(request).db))


def api_document(request: Request) -> Response:
    """One document: the same JSON as ``provenance report DOC --format json``."""
    try:
        return _json(service.report(_config(request).db, str(request.path_params["doc_id"])))
    except NotFoundError as err:
        return _json({"error": str(err)}, 404)


def api_documents(request: Request) -> Response:
    """The stored documents, as ``provenance documents --format json``."""
    return _json({"documents": service.list_documents(_config(request).db)})


def static_report(request: Request) -> Response:
    """The static HTML report of every document, as ``report --format html`` writes it; its
    own policy (hashes of its inline style and script) replaces the app's."""
    html = render_html(service.report(_config(request).db))
    start = html.index('http-equiv="Content-Security-Policy" content="') + 47
    policy = html[start:html.index('"', start)].replace("&#39;", "'")
    return HTMLResponse(html, headers={"content-security-policy": policy})


def login_form(request: Request) -> Response:
    return page(request, "login.html.j2")
