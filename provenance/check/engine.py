"""The checker: fetch one URL with every rule applied, or many politely and fast.

``Checker.check`` follows redirects by hand (each hop vetted and gated per host), reads the
body up to ``max_body_bytes`` after decompression, all under one per-URL deadline, then
classifies with the pure functions of ``classify``/``soft404``/``titles``. GET only: the
checker needs the start of the body anyway (title, soft-404), and HEAD is often answered
differently (405, 404, no redirects) from GET, so it would cost a second request when
trusted and wrong outcomes when not. ``Checker.run`` schedules many checks (``dispatch``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import Self

import httpx

from provenance.check.classify import final_outcome, retry_after_seconds
from provenance.check.hosts import Host, HostTable, host_key
from provenance.check.page import Page, parse_page
from provenance.check.shared import SharedSlots
from provenance.check.soft404 import Probe, matches_probe, probe_path, says_not_found
from provenance.check.titles import titles_match
from provenance.domain import links as t
from provenance.errors import InputError
from provenance.net.body import read_capped
from provenance.net.failures import exception_outcome, is_redirect
from provenance.net.safety import check_address, literal_address, parse_url, url_problem
from provenance.net.transport import CORE_ERRORS, direct_connections, header_map
from provenance.settings import Settings

# Bytes of a redirect's or error page's body read so the connection can be reused.
SMALL_BODY = 16 * 1024
NO_PAGE = Page(False)
FETCH_ERRORS = (httpx.HTTPError, httpx.InvalidURL, OSError, TimeoutError, InputError,
                *CORE_ERRORS)


@dataclass
class _Trace:
    """Where a check got to, kept so a failure mid-chain still reports its chain."""

    url: str
    hops: list[t.Hop] = field(default_factory=list)
    status: int | None = None


@dataclass(frozen=True)
class _Answer:
    """The last response of a chain, body read."""

    status: int
    url: httpx.URL
    headers: Mapping[str, str]  # lower-case names
    page: Page


class Checker:
    """Checks URLs: ``async with Checker(settings) as c: await c.check(task)``."""

    def __init__(self, settings: Settings, *,
                 transport: httpx.AsyncBaseTransport | None = None,
                 shared: SharedSlots | None = None) -> None:
        self.settings = settings
        self._hosts = HostTable(settings, transport, shared)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._hosts.aclose()

    def host(self, name: str) -> Host:
        """The politeness state of one host (created on first use)."""
        return self._hosts.get(name)

    # -- one URL --------------------------------------------------------------------------

    async def check(self, task: t.CheckTask) -> t.CheckResult:
        """Check one URL: all hops, body and classification; never raises for a bad link."""
        started = time.monotonic()
        parsed, problem = parse_url(task.url)
        if parsed is None:
            return t.CheckResult(url=task.url, outcome=t.INVALID, error=problem)
        trace = _Trace(task.url)
        try:
            async with asyncio.timeout(self.settings.timeout):
                answer = await self._follow(task, trace, parsed)
        except TimeoutError:
            return self._failure(task, trace, started, t.TIMEOUT,
                                 f"no complete answer within {self.settings.timeout:g} s")
        except FETCH_ERRORS as exc:
            outcome, reason = exception_outcome(exc)
            return self._failure(task, trace, started, outcome, reason)
        if isinstance(answer, t.CheckResult):
            return replace(answer, elapsed_ms=_ms(started))
        return await self._classify(task, trace, answer, started)

    async def _follow(self, task: t.CheckTask, trace: _Trace,
                      parsed: httpx.URL) -> _Answer | t.CheckResult:
        """Walk the redirect chain by hand; the last answer, or a result ending the walk."""
        seen: set[str] = set()
        validators_for = task.previous_final_url or task.url
        while True:
            url = trace.url
            if url in seen or len(trace.hops) > self.settings.max_redirects:
                why = "redirect loop" if url in seen else (
                    f"more than {self.settings.max_redirects} redirects")
                return self._result(task, trace, t.TOO_MANY_REDIRECTS, error=why)
            seen.add(url)
            self._vet_literal(parsed)
            host = self._hosts.get(host_key(parsed))
            headers = self._conditional_headers(task) if url == validators_for else {}
            await host.gate.acquire()
            try:
                answer = await self._request(host, parsed, headers)
            finally:
                host.gate.release()
            trace.status = answer.status
            location = answer.headers.get("location")
            if not (is_redirect(answer.status) and location):
                return answer
            trace.hops.append(t.Hop(url=url, status=answer.status))
            try:
                parsed = parsed.join(location.strip()).copy_with(fragment=None)
                problem = url_problem(parsed)
            except (httpx.InvalidURL, ValueError) as exc:
                problem = f"malformed URL ({exc})"
            if problem is not None:
                target = location.strip()
                return self._result(task, trace, t.INVALID,
                                    error=f"redirect to {target}: {problem}", final_url=target)
            trace.url = str(parsed)

    def _vet_literal(self, url: httpx.URL) -> None:
        """Refuse an IP-literal host before any connection (names are vetted on connect)."""
        literal = literal_address(url.host)
        if literal is not None:
            check_address(url.host, literal, self.settings.allow_private_addresses)

    def _conditional_headers(self, task: t.CheckTask) -> dict[str, str]:
        headers = {}
        if task.etag:
            headers["If-None-Match"] = task.etag
        if task.last_modified:
            headers["If-Modified-Since"] = task.last_modified
        return headers

    async def _request(self, host: Host, url: httpx.URL, headers: dict[str, str]) -> _Answer:
        transport = self._hosts.transport(host)
        connections = direct_connections(transport)
        if connections is None:  # an injected or test-double transport: httpx's interface
            return await self._request_httpx(transport, url, headers)
        request = self._hosts.core_request(url, headers)
        response, connection = await connections.request(request)
        try:
            status = response.status
            fields = header_map(response.headers)
            cap = self._cap(status)
            body = b""
            if status not in (204, 304):
                body, _ = await read_capped(response.aiter_stream(),
                                            fields.get("content-encoding"), cap)
        finally:
            await response.aclose()
        await connections.give_back(request.url.origin, connection)
        return self._answer(status, url, fields, body)

    async def _request_httpx(self, transport: httpx.AsyncBaseTransport, url: httpx.URL,
                             headers: dict[str, str]) -> _Answer:
        response = await transport.handle_async_request(self._hosts.request(url, headers))
        try:
            status = response.status_code
            cap = self._cap(status)
            body = b""
            if response.is_stream_consumed:  # a transport that answered with bytes (mocks)
                body = response.content[:cap]
            elif status not in (204, 304):
                body, _ = await read_capped(response.aiter_raw(),
                                            response.headers.get("content-encoding"), cap)
        finally:
            await response.aclose()
        return self._answer(status, url, response.headers, body)

    def _cap(self, status: int) -> int:
        """Bytes of the body to read: enough to classify an answer read for its content."""
        return self.settings.max_body_bytes if _parsed(status) else SMALL_BODY

    @staticmethod
    def _answer(status: int, url: httpx.URL, headers: Mapping[str, str],
                body: bytes) -> _Answer:
        # Only answers that are classified by their content are parsed (title, soft-404,
        # bot wall); a redirect's or a 404's body is read for the connection's sake only.
        page = parse_page(body, headers.get("content-type")) \
            if body and _parsed(status) else NO_PAGE
        return _Answer(status=status, url=url, headers=headers, page=page)

    async def _classify(self, task: t.CheckTask, trace: _Trace, answer: _Answer,
                        started: float) -> t.CheckResult:
        hops = tuple(trace.hops)
        soft = False
        if 200 <= answer.status < 300 and answer.page.is_text:
            soft = says_not_found(answer.page)
            if not soft:
                probe = await self._probe(answer.url)
                soft = matches_probe(task.url, str(answer.url), answer.page, probe)
        outcome = final_outcome(hops, answer.status, answer.headers, answer.page, soft)
        good = outcome in t.GOOD_OUTCOMES
        retry_after = None
        if outcome == t.RATE_LIMITED:
            retry_after = retry_after_seconds(answer.headers.get("retry-after"))
        mismatch = good and titles_match(task.reference_title, answer.page.title) is False
        # Validators only from a working answer: a 404's ETag must never earn a later 304.
        validated = 200 <= answer.status < 300 or answer.status == 304
        return t.CheckResult(
            url=task.url, outcome=outcome, http_status=answer.status, final_url=str(answer.url),
            redirects=hops, elapsed_ms=_ms(started), title=answer.page.title,
            retry_after=retry_after,
            etag=_validator(answer, "etag", task.etag) if validated else None,
            last_modified=(_validator(answer, "last-modified", task.last_modified)
                           if validated else None),
            not_modified=answer.status == 304, title_mismatch=mismatch,
            error=None if good else f"HTTP {answer.status}",
        )

    def _result(self, task: t.CheckTask, trace: _Trace, outcome: str, *, error: str,
                final_url: str | None = None) -> t.CheckResult:
        return t.CheckResult(url=task.url, outcome=outcome, http_status=trace.status,
                             final_url=final_url or trace.url, redirects=tuple(trace.hops),
                             error=error)

    def _failure(self, task: t.CheckTask, trace: _Trace, started: float, outcome: str,
                 reason: str) -> t.CheckResult:
        result = self._result(task, trace, outcome, error=reason)
        return replace(result, http_status=None, elapsed_ms=_ms(started))

    # -- soft-404 probe ---------------------------------------------------------------------

    async def _probe(self, url: httpx.URL) -> Probe:
        """What this origin answers for a path that cannot exist (once per origin per run)."""
        host = self._hosts.get(host_key(url))
        origin = f"{url.scheme}://{url.netloc.decode('ascii')}"
        future = host.probes.get(origin)
        if future is not None and future.done():
            return future.result()
        if future is None:
            future = asyncio.get_running_loop().create_task(self._fetch_probe(origin))
            host.probes[origin] = future
        return await asyncio.shield(future)

    async def _fetch_probe(self, origin: str) -> Probe:
        url = origin + probe_path()
        trace = _Trace(url)
        try:
            async with asyncio.timeout(self.settings.timeout):
                answer = await self._follow(t.CheckTask(link_id=0, url=url), trace,
                                            httpx.URL(url))
        except FETCH_ERRORS:
            return Probe(status=None, final_url=None, redirected=False, page=NO_PAGE)
        if isinstance(answer, t.CheckResult):
            return Probe(status=None, final_url=None, redirected=False, page=NO_PAGE)
        return Probe(status=answer.status, final_url=str(answer.url),
                     redirected=bool(trace.hops),
                     page=answer.page)

    # -- many URLs ----------------------------------------------------------------------------

    async def run(self, tasks: AsyncIterable[t.CheckTask] | Iterable[t.CheckTask],
                  on_result: Callable[[t.CheckTask, t.CheckResult], Awaitable[None]]) -> None:
        """Check every task politely; ``on_result`` is awaited as each one finishes."""
        from provenance.check.dispatch import Dispatcher

        await Dispatcher(self, on_result).run(tasks)


def _parsed(status: int) -> bool:
    """Whether an answer with this status is classified by its content."""
    return 200 <= status < 300 or status in (401, 403, 503)


def _validator(answer: _Answer, header: str, previous: str | None) -> str | None:
    """A validator of the answer, or (on a 304 that omits it) the one that was sent."""
    return answer.headers.get(header) or (previous if answer.status == 304 else None)


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
