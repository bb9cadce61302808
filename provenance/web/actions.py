"""The review app's writes: each one checked (same origin, CSRF token, write token), handed
to the same service as the command line, and answered with a redirect to the changed item
(or the page again with the error)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from provenance.errors import ProvenanceError
from provenance.report.html_model import anchor
from provenance.services import review as service
from provenance.web import security
from provenance.web.pages import REVIEWER_COOKIE, WebConfig, reviewer_cookie
from provenance.web.views import document

FORM_LIMITS = {"max_files": 0, "max_fields": 40, "max_part_size": 64 * 1024}


def _config(request: Request) -> WebConfig:
    config: WebConfig = request.app.state.config
    return config


async def _form(request: Request, *, token: bool = True) -> tuple[FormData, Response | None]:
    """The posted form, or the refusal to answer with."""
    refusal = security.check_origin(request.headers, request.url.scheme)
    if refusal is not None:
        return FormData(), PlainTextResponse(refusal.reason, status_code=refusal.status)
    form = await request.form(**FORM_LIMITS)
    refusal = security.check_csrf(request.cookies.get(security.CSRF_COOKIE),
                                  _text(form, security.CSRF_FIELD))
    if refusal is None and token:
        refusal = security.check_token(_config(request).token,
                                       request.cookies.get(security.TOKEN_COOKIE),
                                       request.headers.get("authorization"))
    if refusal is not None:
        return form, PlainTextResponse(refusal.reason, status_code=refusal.status)
    return form, None


def _text(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return value if isinstance(value, str) else None


def _reviewer(request: Request) -> str:
    return reviewer_cookie(request) or _config(request).reviewer


def _back(request: Request, done: str, fragment: str) -> RedirectResponse:
    doc_id = request.path_params["doc_id"]
    return RedirectResponse(f"/documents/{doc_id}?done={done}#{fragment}", status_code=303)


async def _run(request: Request, done: str, fragment: str, call: Any, *args: Any,
               **kwargs: Any) -> Response:
    try:
        result = await run_in_threadpool(call, *args, **kwargs)
    except ProvenanceError as err:
        return await run_in_threadpool(document, request, error=str(err), status=400)
    if getattr(result, "changes", None) == []:
        done = "nochange"
    return _back(request, done, fragment)


async def review(request: Request) -> Response:
    form, refused = await _form(request)
    if refused:
        return refused
    doc_id, claim_id = request.path_params["doc_id"], request.path_params["claim_id"]
    return await _run(request, "review", anchor(doc_id, "c", claim_id), service.record_verdict,
                      _config(request).db, str(doc_id), claim_id, _text(form, "label") or "",
                      _text(form, "verdict") or "", note=_text(form, "note"),
                      reviewer=_reviewer(request))


async def accept(request: Request) -> Response:
    form, refused = await _form(request)
    if refused:
        return refused
    doc_id, claim_id = request.path_params["doc_id"], request.path_params["claim_id"]
    return await _run(request, "accept", anchor(doc_id, "c", claim_id), service.accept_flag,
                      _config(request).db, str(doc_id), claim_id, _text(form, "flag") or "",
                      note=_text(form, "note"), reviewer=_reviewer(request))


REFERENCE_FIELDS = ("url", "title", "trans_title", "work", "publisher", "archive_url",
                    "date", "access_date", "archive_date", "authors", "language")


def _reference_fields(form: FormData) -> dict[str, str | None]:
    """The reference fields of a form as typed; a blank field is left as it is."""
    return {name: (_text(form, name) or "").strip() or None for name in REFERENCE_FIELDS}


async def cite(request: Request) -> Response:
    form, refused = await _form(request)
    if refused:
        return refused
    doc_id, claim_id = request.path_params["doc_id"], request.path_params["claim_id"]
    return await _run(request, "cite", anchor(doc_id, "c", claim_id), service.attach_citation,
                      _config(request).db, str(doc_id), claim_id, _reference_fields(form),
                      reviewer=_reviewer(request))


async def fix_reference(request: Request) -> Response:
    form, refused = await _form(request)
    if refused:
        return refused
    doc_id = request.path_params["doc_id"]
    label, fragment = _text(form, "label") or "", _text(form, "anchor") or ""
    return await _run(request, "fix", fragment, service.fix_reference, _config(request).db,
                      str(doc_id), label, _reference_fields(form), reviewer=_reviewer(request))


async def check_link(request: Request) -> Response:
    form, refused = await _form(request)
    if refused:
        return refused
    config = _config(request)
    doc_id = request.path_params["doc_id"]
    try:
        await service.check_link_now(config.db, config.settings, str(doc_id),
                                     _text(form, "label") or "", reviewer=_reviewer(request))
    except ProvenanceError as err:
        return await run_in_threadpool(document, request, error=str(err), status=400)
    return _back(request, "check", _text(form, "anchor") or "")


async def login(request: Request) -> Response:
    """Exchange the write token for a cookie (same-origin form; no token needed to post)."""
    form, refused = await _form(request, token=False)
    if refused:
        return refused
    config = _config(request)
    given = _text(form, "token")
    if config.token is None or not security.same(config.token, given):
        return PlainTextResponse("wrong token", status_code=403)
    response = RedirectResponse("/?done=login", status_code=303)
    response.set_cookie(security.TOKEN_COOKIE, given or "", httponly=True, samesite="strict",
                        path="/")
    return response


async def whoami(request: Request) -> Response:
    """Remember the reviewer's name (kept with every change they make)."""
    form, refused = await _form(request, token=False)
    if refused:
        return refused
    name = service.reviewer_name(_text(form, "name"))
    target = _text(form, "next") or "/"
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        target = "/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(REVIEWER_COOKIE, quote(name), samesite="strict", path="/")
    return response
