"""A fake Wayback Machine on 127.0.0.1 that speaks the real APIs' formats, faults included.

Serves, under one base URL:

* ``GET /wayback/available?url=&timestamp=``  availability JSON (status/timestamp as strings)
* ``GET /cdx/search/cdx``  text or ``output=json`` rows (header row first, ``[]`` when empty),
  ``fl``, ``filter=[!]field:regex`` (repeatable, full match), ``closest`` + ``sort=closest``
  (``closest`` alone is ignored, as on the real service), ``sort=reverse``, ``limit=±N``,
  ``from``/``to``, ``offset``; revisit rows have statuscode ``-``.
* ``GET /web/<ts>/<url>``  playback: the capture (``Memento-Datetime``, ``Link rel=original``),
  a redirect to the nearest capture, archived redirects replayed as redirects, 404 when none.
* ``POST /save`` (SPN2, ``Authorization: LOW key:secret`` when keys are set) and
  ``GET /save/status/<job_id>|user|system``; legacy ``GET /save/<url>`` with a ``Link`` header.

Faults are switched per endpoint (``cdx``, ``available``, ``web``, ``save``, ``status``,
``legacy-save``) with :meth:`FakeWayback.fail`: ``429`` (with or without Retry-After), ``503``,
``html`` (200 with an HTML body), ``empty``, ``hang`` (no answer for ``seconds``), ``blocked``.
Save jobs follow a :class:`SavePlan` per URL: stay pending, pend N polls, end in an error
``status_ext``, or be refused at submission.

Use :class:`FakeWaybackServer` (uvicorn in a background thread) as a context manager.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any, Self
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

ENDPOINTS = ("cdx", "available", "web", "save", "status", "legacy-save")
CDX_ALL_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")


def url_key(url: str) -> str:
    """A simplified SURT key: scheme, ``www.`` and a trailing slash do not matter."""
    rest = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", url.strip())
    host, slash, path = rest.partition("/")
    host = host.lower().removesuffix(":80").removesuffix(":443").removeprefix("www.")
    path = (slash + path).rstrip("/") or ""
    return ",".join(reversed(host.split("."))) + ")" + (path or "/")


def stamp_now() -> str:
    return datetime.now(UTC).strftime("%Y%m%d%H%M%S")


def _stamp_dt(ts: str) -> datetime:
    digits = ts[:14]
    return datetime.strptime(digits + "00000101000000"[len(digits):], "%Y%m%d%H%M%S")\
        .replace(tzinfo=UTC)


@dataclass
class Capture:
    original: str
    timestamp: str  # 14 digits
    status: int | None = 200  # None: a revisit record (statuscode "-")
    location: str | None = None  # target of an archived redirect
    mimetype: str = "text/html"
    body: str | None = None  # the archived page (default: a small page naming the capture)

    def fields(self) -> dict[str, str]:
        return {
            "urlkey": url_key(self.original), "timestamp": self.timestamp,
            "original": self.original,
            "mimetype": "warc/revisit" if self.status is None else self.mimetype,
            "statuscode": "-" if self.status is None else str(self.status),
            "digest": f"D{abs(hash((self.original, self.timestamp))) % 10**12:012d}",
            "length": "1234",
        }


@dataclass
class Fault:
    kind: str  # 429 | 503 | html | empty | hang | blocked
    times: int | None = None  # None: until cleared
    retry_after: str | None = None
    seconds: float = 60.0
    body: str | None = None  # replaces the default HTML body of a 429/503


@dataclass
class SavePlan:
    """How Save Page Now treats one URL."""

    pending_polls: int | None = 0  # polls answered "pending" first; None: pending forever
    error: str | None = None  # status_ext the job ends with, e.g. "error:not-found"
    submit_error: str | None = None  # status_ext the POST itself answers (no job id)


@dataclass
class Job:
    job_id: str
    url: str
    plan: SavePlan
    polls: int = 0
    timestamp: str | None = None


@dataclass
class Recorded:
    endpoint: str
    method: str
    path: str
    params: list[tuple[str, str]]
    headers: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] = field(default_factory=dict)


async def _form(request: Request) -> dict[str, str]:
    """An application/x-www-form-urlencoded body (no python-multipart needed)."""
    return dict(parse_qsl((await request.body()).decode("utf-8", "replace"),
                          keep_blank_values=True))


class FakeWayback:
    """State and behaviour of the fake; ``app`` is the ASGI application."""

    def __init__(self, access_key: str = "", secret_key: str = "") -> None:
        self.access_key = access_key
        self.secret_key = secret_key
        self.captures: dict[str, list[Capture]] = {}
        self.faults: dict[str, list[Fault]] = {}
        self.requests: list[Recorded] = []
        self.plans: dict[str, SavePlan] = {}
        self.default_plan = SavePlan()
        self.jobs: dict[str, Job] = {}
        self.latency = 0.0
        self._lock = threading.Lock()
        self._job_counter = 0
        self.generation = 0  # bumped by reset() and close(): ends hanging answers
        self.app = Starlette(routes=[
            Route("/wayback/available", self._available, methods=["GET"]),
            Route("/cdx/search/cdx", self._cdx, methods=["GET"]),
            Route("/web/{rest:path}", self._web, methods=["GET", "HEAD"]),
            Route("/save", self._save, methods=["POST"]),
            Route("/save/", self._save, methods=["POST"]),
            Route("/save/status", self._status_post, methods=["POST"]),
            Route("/save/status/{job_id}", self._status, methods=["GET"]),
            Route("/save/{rest:path}", self._legacy_save, methods=["GET"]),
        ])

    # -- set up ----------------------------------------------------------------------------

    def close(self) -> None:
        """End every hanging answer (the server is shutting down)."""
        self.generation += 1

    def reset(self) -> None:
        self.generation += 1
        with self._lock:
            self.captures.clear()
            self.faults.clear()
            self.requests.clear()
            self.plans.clear()
            self.jobs.clear()
            self.default_plan = SavePlan()
            self.latency = 0.0
            self.access_key = self.secret_key = ""

    def add_capture(self, url: str, timestamp: str, status: int | None = 200,
                    location: str | None = None, mimetype: str = "text/html",
                    body: str | None = None) -> Capture:
        capture = Capture(url, timestamp.ljust(14, "0"), status, location, mimetype, body)
        with self._lock:
            self.captures.setdefault(url_key(url), []).append(capture)
        return capture

    def fail(self, endpoint: str, kind: str, *, times: int | None = None,
             retry_after: str | None = None, seconds: float = 60.0,
             body: str | None = None) -> None:
        """Make ``endpoint`` answer with a fault (``times`` times, or until cleared)."""
        if endpoint not in ENDPOINTS:
            raise ValueError(f"unknown endpoint {endpoint!r}")
        with self._lock:
            self.faults.setdefault(endpoint, []).append(
                Fault(kind, times, retry_after, seconds, body))

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    def count(self, endpoint: str | None = None, method: str | None = None) -> int:
        return sum(1 for r in self.requests if (endpoint is None or r.endpoint == endpoint)
                   and (method is None or r.method == method))

    def saved_urls(self) -> list[str]:
        """URLs submitted to SPN2 (POST /save), in order."""
        return [r.form.get("url", "") for r in self.requests
                if r.endpoint == "save" and r.method == "POST"]

    # -- plumbing --------------------------------------------------------------------------

    async def _enter(self, endpoint: str, request: Request,
                     form: dict[str, str] | None = None) -> Response | str | None:
        """Record the request; a fault's answer, ``"empty"`` for an empty-result fault, or None."""
        self.requests.append(Recorded(endpoint, request.method, request.url.path,
                                      list(request.query_params.multi_items()),
                                      dict(request.headers), form or {}))
        if self.latency:
            await asyncio.sleep(self.latency)
        fault = None
        with self._lock:
            queue = self.faults.get(endpoint, [])
            if queue:
                fault = queue[0]
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        queue.pop(0)
        if fault is None:
            return None
        if fault.kind == "429":
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            return Response(fault.body if fault.body is not None else
                            "<html><body><h1>429 Too Many Requests</h1></body></html>", 429,
                            headers=headers, media_type="text/html")
        if fault.kind == "503":
            return Response(fault.body if fault.body is not None else
                            "<html><body>Service Unavailable</body></html>", 503,
                            media_type="text/html")
        if fault.kind == "html":
            return Response("<html><body>Temporarily offline for maintenance</body></html>", 200,
                            media_type="text/html")
        if fault.kind == "hang":
            generation, end = self.generation, time.monotonic() + fault.seconds
            while time.monotonic() < end and generation == self.generation:
                await asyncio.sleep(0.02)
            return Response("late", 504)
        if fault.kind == "blocked":
            return PlainTextResponse(
                "org.archive.util.io.RuntimeIOException: org.archive.wayback.exception."
                "AdministrativeAccessControlException: Blocked Site Error\n", 403)
        if fault.kind == "empty":
            return "empty"
        raise ValueError(f"unknown fault {fault.kind!r}")

    def _captures_for(self, url: str) -> list[Capture]:
        with self._lock:
            return sorted(self.captures.get(url_key(url), []), key=lambda c: c.timestamp)

    def _authorised(self, request: Request) -> bool:
        if not (self.access_key and self.secret_key):
            return True
        return request.headers.get("authorization") == f"LOW {self.access_key}:{self.secret_key}"

    # -- availability ----------------------------------------------------------------------

    async def _available(self, request: Request) -> Response:
        fault = await self._enter("available", request)
        if isinstance(fault, Response):
            return fault
        url = request.query_params.get("url", "")
        out: dict[str, Any] = {"url": url, "archived_snapshots": {}}
        wanted = request.query_params.get("timestamp")
        if wanted:
            out["timestamp"] = wanted
        captures = [] if fault == "empty" else self._captures_for(url)
        if captures:
            target = _stamp_dt(wanted) if wanted else datetime.now(UTC)
            best = min(captures, key=lambda c: abs((_stamp_dt(c.timestamp) - target)
                                                   .total_seconds()))
            out["archived_snapshots"] = {"closest": {
                "status": "-" if best.status is None else str(best.status), "available": True,
                "url": f"http://{request.url.netloc}/web/{best.timestamp}/{best.original}",
                "timestamp": best.timestamp}}
        return JSONResponse(out)

    # -- CDX -------------------------------------------------------------------------------

    async def _cdx(self, request: Request) -> Response:
        fault = await self._enter("cdx", request)
        if isinstance(fault, Response):
            return fault
        q = request.query_params
        url = q.get("url")
        if not url:
            return PlainTextResponse("Missing url parameter", 400)
        if url.endswith("/*") or q.get("matchType") == "prefix":
            prefix = url_key(url.removesuffix("/*")).rstrip("/")
            with self._lock:
                rows = [c for k, cs in self.captures.items() if k.startswith(prefix) for c in cs]
            rows.sort(key=lambda c: c.timestamp)
        else:
            rows = self._captures_for(url)
        if fault == "empty":
            rows = []
        lo, hi = q.get("from"), q.get("to")
        if lo:
            rows = [c for c in rows if c.timestamp >= lo.ljust(14, "0")]
        if hi:
            rows = [c for c in rows if c.timestamp <= hi.ljust(14, "9")]
        for spec in q.getlist("filter"):
            negate = spec.startswith("!")
            name, _, pattern = spec.lstrip("!").partition(":")
            regex = re.compile(pattern)
            rows = [c for c in rows
                    if bool(regex.fullmatch(c.fields().get(name, ""))) != negate]
        if q.get("sort") == "closest" and q.get("closest"):
            target = _stamp_dt(q["closest"])
            rows.sort(key=lambda c: (abs((_stamp_dt(c.timestamp) - target).total_seconds()),
                                     c.timestamp))
        elif q.get("sort") == "reverse":
            rows.reverse()
        offset = int(q.get("offset", "0") or 0)
        rows = rows[offset:]
        limit = q.get("limit")
        if limit:
            n = int(limit)
            rows = rows[:n] if n >= 0 else rows[n:]
        fl = [f for f in (q.get("fl") or ",".join(CDX_ALL_FIELDS)).split(",") if f]
        table = [[c.fields().get(f, "") for f in fl] for c in rows]
        if q.get("output") == "json":
            return Response(json.dumps([fl, *table] if table else []),
                            media_type="application/json")
        return PlainTextResponse("".join(" ".join(r) + "\n" for r in table))

    # -- playback --------------------------------------------------------------------------

    async def _web(self, request: Request) -> Response:
        fault = await self._enter("web", request)
        if isinstance(fault, Response):
            return fault
        raw = request.scope.get("raw_path", b"").decode("latin-1") or request.url.path
        query = request.scope.get("query_string", b"").decode("latin-1")
        rest = raw.split("/web/", 1)[1] + (f"?{query}" if query else "")
        stamp, _, original = rest.partition("/")
        digits = "".join(ch for ch in stamp if ch.isdigit())
        captures = self._captures_for(original)
        if not captures or not digits:
            return Response("<html><body>Hrm. The Wayback Machine has not archived that URL."
                            "</body></html>", 404, media_type="text/html")
        exact = [c for c in captures if c.timestamp == digits.ljust(14, "0")[:14]]
        if not exact:
            target = _stamp_dt(digits)
            best = min(captures, key=lambda c: abs((_stamp_dt(c.timestamp) - target)
                                                   .total_seconds()))
            return Response("", 302, headers={"Location": f"/web/{best.timestamp}/"
                                                          f"{best.original}"})
        capture = exact[0]
        headers = {"Memento-Datetime": format_datetime(_stamp_dt(capture.timestamp),
                                                       usegmt=True),
                   "Link": f'<{capture.original}>; rel="original"'}
        if capture.status is not None and 300 <= capture.status < 400 and capture.location:
            headers["Location"] = f"/web/{capture.timestamp}/{capture.location}"
            return Response("", capture.status, headers=headers)
        status = 200 if capture.status is None else capture.status
        page = capture.body if capture.body is not None else (
            f"<html><head><title>{capture.original}</title></head>"
            f"<body>archived {capture.timestamp}</body></html>")
        return Response(page, status, headers=headers, media_type="text/html")

    # -- Save Page Now ---------------------------------------------------------------------

    def _new_job(self, url: str) -> Job:
        with self._lock:
            self._job_counter += 1
            job = Job(f"spn2-{self._job_counter:08x}{abs(hash(url)) % 16**8:08x}", url,
                      self.plans.get(url, self.default_plan))
            self.jobs[job.job_id] = job
        return job

    async def _save(self, request: Request) -> Response:
        form = await _form(request)
        fault = await self._enter("save", request, form)
        if isinstance(fault, Response):
            return fault
        if not self._authorised(request):
            return JSONResponse({"status": "error", "message": "Unauthorized"}, 401)
        url = form.get("url", "")
        if not url:
            return JSONResponse({"status": "error", "status_ext": "error:invalid-url-syntax",
                                 "message": "No URL given."})
        plan = self.plans.get(url, self.default_plan)
        if plan.submit_error:
            return JSONResponse({"status": "error", "status_ext": plan.submit_error,
                                 "message": f"Cannot save: {plan.submit_error}"})
        job = self._new_job(url)
        return JSONResponse({"url": url, "job_id": job.job_id})

    async def _status_post(self, request: Request) -> Response:
        form = await _form(request)
        return await self._job_status(request, form.get("job_id", ""), form)

    async def _status(self, request: Request) -> Response:
        return await self._job_status(request, request.path_params["job_id"])

    async def _job_status(self, request: Request, job_id: str,
                          form: dict[str, str] | None = None) -> Response:
        fault = await self._enter("status", request, form)
        if isinstance(fault, Response):
            return fault
        if job_id == "system":
            return JSONResponse({"status": "ok"})
        if not self._authorised(request):
            return JSONResponse({"status": "error", "message": "Unauthorized"}, 401)
        if job_id == "user":
            pending = sum(1 for j in self.jobs.values() if j.timestamp is None)
            return JSONResponse({"available": max(0, 5 - pending), "processing": pending})
        job = self.jobs.get(job_id)
        if job is None:
            return JSONResponse({"status": "error", "status_ext": "error:job-not-found",
                                 "message": "Job not found.", "job_id": job_id})
        job.polls += 1
        plan = self.plans.get(job.url, self.default_plan)  # the plan as it is now
        if plan.pending_polls is None or job.polls <= plan.pending_polls:
            return JSONResponse({"status": "pending", "job_id": job_id, "resources": []})
        if plan.error:
            return JSONResponse({"status": "error", "status_ext": plan.error, "job_id": job_id,
                                 "exception": "CaptureError", "message": plan.error,
                                 "resources": []})
        if job.timestamp is None:
            job.timestamp = stamp_now()
            self.add_capture(job.url, job.timestamp, 200)
        return JSONResponse({"status": "success", "job_id": job_id, "original_url": job.url,
                             "timestamp": job.timestamp, "duration_sec": 1.5, "resources": [],
                             "outlinks": {}})

    async def _legacy_save(self, request: Request) -> Response:
        fault = await self._enter("legacy-save", request)
        if isinstance(fault, Response):
            return fault
        raw = request.scope.get("raw_path", b"").decode("latin-1")
        query = request.scope.get("query_string", b"").decode("latin-1")
        url = raw.split("/save/", 1)[1] + (f"?{query}" if query else "")
        stamp = stamp_now()
        first = (self._captures_for(url) or [Capture(url, stamp)])[0].timestamp
        self.add_capture(url, stamp, 200)
        when = format_datetime(_stamp_dt(stamp), usegmt=True)
        link = (f'<{url}>; rel="original", '
                f'<https://web.archive.org/web/timemap/link/{url}>; rel="timemap"; '
                f'type="application/link-format", '
                f'<https://web.archive.org/web/{url}>; rel="timegate", '
                f'<https://web.archive.org/web/{first}/{url}>; rel="first memento"; '
                f'datetime="{format_datetime(_stamp_dt(first), usegmt=True)}", '
                f'<https://web.archive.org/web/{stamp}/{url}>; rel="memento"; '
                f'datetime="{when}", '
                f'<https://web.archive.org/web/{stamp}/{url}>; rel="last memento"; '
                f'datetime="{when}"')
        return Response("<html><body>Saved.</body></html>", 200,
                        headers={"Link": link}, media_type="text/html")


class FakeWaybackServer:
    """Serve a :class:`FakeWayback` with uvicorn on 127.0.0.1 in a background thread."""

    def __init__(self, fake: FakeWayback | None = None, host: str = "127.0.0.1") -> None:
        self.fake = fake or FakeWayback()
        self.host = host
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    def start(self) -> str:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # accepted sockets inherit it: the answer's head and body leave without a Nagle stall
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((self.host, 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(self.fake.app, log_level="error", lifespan="off", ws="none",
                                http="h11", access_log=False, timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        daemon=True, name="fake-wayback")
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("fake Wayback server did not start")
            time.sleep(0.01)
        self.url = f"http://{self.host}:{port}"
        return self.url

    def stop(self) -> None:
        self.fake.close()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def closed_port_url() -> str:
    """A loopback URL on which nothing listens (a machine cut off from the archive)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"
