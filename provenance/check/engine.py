"""The checker: fetch one URL with every rule applied, or many politely and fast.

``Checker.check`` follows redirects by hand (each hop vetted and gated per host), reads the
body up to ``max_body_bytes`` after decompression, all under one per-URL deadline, then
classifies with the pure functions of ``classify``/``soft404``/``titles``. GET only: the
checker needs the start of the body anyway (title, soft-404), and HEAD is often answered
differently (405, 404, no redirects) from GET, so it would cost a second request when
trusted and wrong outcomes when not. ``Checker.run`` schedules many checks (``dispatch``),
retries transient failures and watches for outages (``outage``; the Checker is the
monitor's ``NetworkProbe``).

One request path: requests always go on the host's own keep-alive connections over the
``Network`` (resolver + connect); tests give an in-process network, never another path.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import Self

import httpx

from provenance.check.classify import final_outcome, retry_after_seconds
from provenance.check.hosts import Host, HostTable, host_key
from provenance.check.outage import OutageMonitor
from provenance.check.page import Page, parse_page
from provenance.check.policy import CheckPolicy
from provenance.check.shared import SharedSlots
from provenance.check.soft404 import (
    Probe,
    matches_probe,
    probe_agrees,
    probe_path,
    says_not_found,
    sibling_probe_path,
)
from provenance.check.titles import titles_match
from provenance.domain import links as t
from provenance.errors import InputError
from provenance.net.body import read_capped
from provenance.net.failures import exception_cause, exception_outcome, is_redirect
from provenance.net.network import Network
from provenance.net.resolver import resolve_allowed
from provenance.net.safety import check_address, literal_address, parse_url, url_problem
from provenance.net.transport import CORE_ERRORS, header_map
from provenance.settings import Settings

NO_PAGE = Page(False)
NO_PROBE = Probe(status=None, final_url=None, redirected=False, page=NO_PAGE)
MAX_PROBES_PER_HOST = 64  # soft-404 probes kept per host (the root, and some directories)
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
    body: bytes = b""
    truncated: bool = False


class Checker:
    """Checks URLs: ``async with Checker(settings) as c: await c.check(task)``."""

    def __init__(self, settings: Settings, *, network: Network | None = None,
                 policy: CheckPolicy | None = None,
                 shared: SharedSlots | None = None) -> None:
        self.settings = settings
        self.policy = policy or CheckPolicy.from_settings(settings)
        self.network = network or Network()
        self._hosts = HostTable(settings, self.network, shared)
        self._canaries = tuple(n.strip() for n in settings.canary_names.split(",")
                               if n.strip())
        self.monitor: OutageMonitor | None = None
        self.retried = 0
        self.held = 0

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

    async def check(self, task: t.CheckTask, deadline: float | None = None) -> t.CheckResult:
        """Check one URL: all hops, body and classification; never raises for a bad link.
        ``deadline``: seconds for the whole check (default: the ``timeout`` setting)."""
        started = time.monotonic()
        parsed, problem = parse_url(task.url)
        if parsed is None:
            return t.CheckResult(url=task.url, outcome=t.INVALID, error=problem)
        trace = _Trace(task.url)
        limit = self.settings.timeout if deadline is None else deadline
        try:
            async with asyncio.timeout(limit):
                answer = await self._follow(task, trace, parsed)
        except TimeoutError:
            return self._failure(task, trace, started, t.TIMEOUT,
                                 f"no complete answer within {limit:g} s",
                                 t.Cause.TIMEOUT)
        except FETCH_ERRORS as exc:
            outcome, reason = exception_outcome(exc)
            return self._failure(task, trace, started, outcome, reason, exception_cause(exc))
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
        connections = self._hosts.connections(host)
        request = self._hosts.core_request(url, headers)
        response, connection = await connections.request(request)
        try:
            status = response.status
            fields = header_map(response.headers)
            cap = self._cap(status)
            body, truncated = b"", False
            if status not in (204, 304):
                body, truncated = await read_capped(response.aiter_stream(),
                                                    fields.get("content-encoding"), cap)
        finally:
            await response.aclose()
        await connections.give_back(request.url.origin, connection)
        return self._answer(status, url, fields, body, truncated)

    def _cap(self, status: int) -> int:
        """Bytes of the body to read: enough to classify an answer read for its content."""
        return self.settings.max_body_bytes if _parsed(status) else self.policy.small_body

    @staticmethod
    def _answer(status: int, url: httpx.URL, headers: Mapping[str, str],
                body: bytes, truncated: bool = False) -> _Answer:
        # Only answers that are classified by their content are parsed (title, soft-404,
        # bot wall); a redirect's or a 404's body is read for the connection's sake only.
        page = parse_page(body, headers.get("content-type")) \
            if body and _parsed(status) else NO_PAGE
        kept = body if 200 <= status < 300 else b""
        return _Answer(status=status, url=url, headers=headers, page=page, body=kept,
                       truncated=truncated)

    async def _classify(self, task: t.CheckTask, trace: _Trace, answer: _Answer,
                        started: float) -> t.CheckResult:
        hops = tuple(trace.hops)
        soft = False
        if 200 <= answer.status < 300 and answer.page.is_text:
            soft = await self._soft_404(task, answer)
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
            body=answer.body if good and answer.body else None,
            content_type=answer.headers.get("content-type"), body_truncated=answer.truncated,
        )

    def _result(self, task: t.CheckTask, trace: _Trace, outcome: str, *, error: str,
                final_url: str | None = None) -> t.CheckResult:
        return t.CheckResult(url=task.url, outcome=outcome, http_status=trace.status,
                             final_url=final_url or trace.url, redirects=tuple(trace.hops),
                             error=error)

    def _failure(self, task: t.CheckTask, trace: _Trace, started: float, outcome: str,
                 reason: str, cause: t.Cause | None) -> t.CheckResult:
        result = self._result(task, trace, outcome, error=reason)
        return replace(result, http_status=None, elapsed_ms=_ms(started), cause=cause)

    # -- soft-404 probes ------------------------------------------------------------------

    async def _soft_404(self, task: t.CheckTask, answer: _Answer) -> bool:
        """A 200 page is a soft-404 only if the site's answer to a path that cannot exist
        agrees: the page looks like that answer (or ended where it was sent), or the page
        says "not found" (and does not match the reference's title) and the site answers
        200 for a made-up path beside it, too. A title alone never makes a live page dead
        ("Peugeot 404 - Wikipedia" on a site that answers 404 for made-up paths)."""
        final = str(answer.url)
        probe = await self._probe(answer.url, None)
        if matches_probe(task.url, final, answer.page, probe):
            return True
        if not says_not_found(answer.page) or \
                titles_match(task.reference_title, answer.page.title) is True:
            return False
        beside = await self._probe(answer.url, sibling_probe_path(answer.url.path))
        return probe_agrees(task.url, final, answer.page, beside)

    async def _probe(self, url: httpx.URL, path: str | None) -> Probe:
        """What this origin answers for a path that cannot exist (``path``: one beside the
        page's; None: at the root), fetched once per run and kept."""
        host = self._hosts.get(host_key(url))
        origin = f"{url.scheme}://{url.netloc.decode('ascii')}"
        key = origin if path is None else origin + path.rsplit("/", 1)[0]
        future = host.probes.get(key)
        if future is not None and future.done():
            return future.result()
        if future is None:
            if len(host.probes) >= MAX_PROBES_PER_HOST:
                return NO_PROBE
            target = origin + (probe_path() if path is None else path)
            future = asyncio.get_running_loop().create_task(self._fetch_probe(target))
            host.probes[key] = future
        return await asyncio.shield(future)

    async def _fetch_probe(self, url: str) -> Probe:
        trace = _Trace(url)
        try:
            async with asyncio.timeout(self.settings.timeout):
                answer = await self._follow(t.CheckTask(link_id=0, url=url), trace,
                                            httpx.URL(url))
        except FETCH_ERRORS:
            return NO_PROBE
        if isinstance(answer, t.CheckResult):
            return NO_PROBE
        return Probe(status=answer.status, final_url=str(answer.url),
                     redirected=bool(trace.hops), page=answer.page)

    # -- is the network there? (the outage monitor's NetworkProbe) ---------------------------

    @property
    def has_canaries(self) -> bool:
        return bool(self._canaries)

    async def names_resolve(self, failing: Sequence[str]) -> bool:
        """Whether the resolver works: a canary name resolves (or, without canary names, one
        of the names that just failed does)."""
        names = self._canaries or tuple(failing[:3])
        for name in names:
            try:
                async with asyncio.timeout(self.settings.connect_timeout):
                    await self.network.resolver.resolve(name, 443)
                return True
            except (InputError, OSError, TimeoutError):
                continue
        return False

    async def reachable(self, origins: Sequence[tuple[str, int]]) -> bool:
        """Whether a TCP connection to one of ``origins`` (host, port) can be opened."""
        for host, port in origins:
            try:
                async with asyncio.timeout(self.settings.connect_timeout):
                    addresses = await resolve_allowed(
                        host, port, self.settings.allow_private_addresses,
                        self.network.resolver)
                    stream = await self.network.connect(addresses[0], port,
                                                        self.settings.connect_timeout)
                await stream.aclose()
                return True
            except FETCH_ERRORS:
                continue
        return False

    async def canary_answers(self) -> bool:
        """Whether the canary URL (if one is set) answers."""
        if not self.settings.canary_url:
            return True
        result = await self.check(t.CheckTask(link_id=0, url=self.settings.canary_url))
        return result.outcome in t.GOOD_OUTCOMES

    # -- many URLs ----------------------------------------------------------------------------

    async def run(self, tasks: AsyncIterable[t.CheckTask] | Iterable[t.CheckTask],
                  on_result: Callable[[t.CheckTask, t.CheckResult], Awaitable[None]], *,
                  stop: asyncio.Event | None = None,
                  on_parked: Callable[[t.CheckTask, bool], None] | None = None) -> None:
        """Check every task politely; ``on_result`` is awaited as each one finishes.
        ``stop``: stop waiting for a network that is down (what is left is inconclusive).
        ``on_parked(task, True)``: the task waits without a check under way (a back-off
        before its retry, a failure settling); ``(task, False)`` when that wait ends."""
        from provenance.check.dispatch import Dispatcher

        self.monitor = OutageMonitor(self, self.policy.outage, self.settings.outage_wait)
        dispatcher = Dispatcher(self, on_result, self.monitor, stop, on_parked)
        try:
            await dispatcher.run(tasks)
        finally:
            await self.monitor.aclose()
            self.retried += dispatcher.retried
            self.held += dispatcher.held

    @property
    def gave_up(self) -> bool:
        """Whether the last ``run`` stopped waiting for the network (an outage)."""
        return self.monitor is not None and self.monitor.gave_up


def _parsed(status: int) -> bool:
    """Whether an answer with this status is classified by its content."""
    return 200 <= status < 300 or status in (401, 403, 503)


def _validator(answer: _Answer, header: str, previous: str | None) -> str | None:
    """A validator of the answer, or (on a 304 that omits it) the one that was sent."""
    return answer.headers.get(header) or (previous if answer.status == 304 else None)


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
