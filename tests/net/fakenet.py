"""An in-process network for tests: a resolver and a connector the checker is given in
place of the system's, so the checker's own code path runs unchanged down to the socket.

- ``FakeResolver``: names to addresses from a table; ``mode`` switches the whole resolver
  at run time ("ok", "nxdomain" for a broken or captive resolver, "servfail" for one that
  cannot be reached). Never asks a real resolver.
- ``FakeWeb``: the connector. A connection to ``address:port`` gets an in-memory stream
  that reads the HTTP/1.1 request written to it and answers from the routes (``add``:
  a URL or a compiled pattern -> status, headers, body) or a handler. ``fault`` (or
  ``faults`` per host, or ``down``) injects what goes wrong on real networks: refused
  connections, connect timeouts, resets after the request, hung answers, 5xx.

Faults happen below the checker's HTTP code: httpcore reads and writes these streams
exactly as it does sockets.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpcore

from provenance.net.safety import ResolutionError

Fault = str  # "refused", "connect-timeout", "reset", "hang", "503", "500"
FAULTS = ("refused", "connect-timeout", "reset", "hang", "503", "500")


class FakeResolver:
    """Names -> addresses from ``table``; unknown names do not exist (NXDOMAIN)."""

    def __init__(self, table: Mapping[str, str | list[str]] | None = None,
                 mode: str = "ok") -> None:
        self.table: dict[str, list[str]] = {
            k.lower(): [v] if isinstance(v, str) else list(v) for k, v in (table or {}).items()}
        self.mode = mode
        self.asked: list[str] = []

    def add(self, name: str, *addresses: str) -> None:
        self.table[name.lower()] = list(addresses)

    async def resolve(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        await asyncio.sleep(0)
        if self.mode == "nxdomain":
            raise ResolutionError(host, "cannot resolve host (Name or service not known)",
                                  nxdomain=True)
        if self.mode == "servfail":
            raise ResolutionError(host, "cannot resolve host (Temporary failure in name "
                                  "resolution)", nxdomain=False)
        addresses = self.table.get(host.lower())
        if not addresses:
            raise ResolutionError(host, "cannot resolve host (Name or service not known)",
                                  nxdomain=True)
        return list(addresses)


@dataclass
class Request:
    """What the checker sent on one fake connection."""

    method: str
    target: str
    host: str
    headers: dict[str, str]

    @property
    def url(self) -> str:
        return f"http://{self.host}{self.target}"


@dataclass
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


Handler = Callable[[Request], Answer | Fault | Awaitable[Answer | Fault]]


def page(title: str, text: str = "") -> bytes:
    return (f"<!doctype html><html><head><title>{title}</title></head><body><h1>{title}</h1>"
            f"<p>{text or 'words ' * 40}</p></body></html>").encode()


class FakeWeb:
    """The connector: ``connect(address, port, timeout)`` -> an in-memory HTTP server stream."""

    def __init__(self) -> None:
        self.routes: list[tuple[re.Pattern[str] | str, Handler]] = []
        self.fault: Callable[[Request | None, str], Fault | None] | None = None
        self.down: Fault | None = None  # every connection: "refused", "connect-timeout"...
        self.host_faults: dict[str, Fault] = {}  # by Host header (name[:port])
        self.requests: list[Request] = []
        self.connects = 0

    # -- routes ---------------------------------------------------------------------------

    def add(self, url: str | re.Pattern[str], status: int = 200, *,
            headers: dict[str, str] | None = None, body: bytes | str = b"",
            html: str | None = None) -> None:
        if html is not None:
            body = html
            headers = {"Content-Type": "text/html; charset=utf-8", **(headers or {})}
        data = body.encode() if isinstance(body, str) else body
        answer = Answer(status, dict(headers or {}), data)
        self.routes.append((url, lambda _request: answer))

    def handle(self, url: str | re.Pattern[str], handler: Handler) -> None:
        self.routes.append((url, handler))

    def requests_to(self, url: str) -> list[Request]:
        return [r for r in self.requests if r.url == url]

    async def answer(self, request: Request) -> Answer | Fault:
        for pattern, handler in reversed(self.routes):
            hit = pattern.fullmatch(request.url) if isinstance(pattern, re.Pattern) \
                else pattern == request.url
            if hit:
                got = handler(request)
                if asyncio.iscoroutine(got) or isinstance(got, Awaitable):
                    got = await got
                return got
        return Answer(404, {"Content-Type": "text/html"}, page("Not Found", "no such page"))

    # -- the connector ----------------------------------------------------------------------

    async def connect(self, address: str, port: int,
                      timeout: float | None = None) -> httpcore.AsyncNetworkStream:
        self.connects += 1
        fault = self.down or (self.fault(None, address) if self.fault else None)
        if fault == "refused":
            raise httpcore.ConnectError("[Errno 111] Connection refused")
        if fault == "connect-timeout":
            await asyncio.sleep(timeout if timeout is not None else 3600)
            raise httpcore.ConnectTimeout(f"connecting to {address} timed out")
        await asyncio.sleep(0)
        return FakeStream(self, address)


class FakeStream(httpcore.AsyncNetworkStream):
    """One connection: requests in (bytes written), answers out (bytes read)."""

    def __init__(self, web: FakeWeb, address: str) -> None:
        self._web = web
        self._address = address
        self._inbox = b""
        self._rest = b""
        self._outbox: asyncio.Queue[bytes | BaseException | None] = asyncio.Queue()
        self._closed = False
        self._eof = False
        self._tasks: set[asyncio.Task[None]] = set()

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if self._closed:
            raise httpcore.WriteError("connection closed")
        self._inbox += buffer
        while b"\r\n\r\n" in self._inbox:
            head, _, self._inbox = self._inbox.partition(b"\r\n\r\n")
            task = asyncio.get_running_loop().create_task(self._serve(head))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _serve(self, head: bytes) -> None:
        lines = head.decode("latin-1").split("\r\n")
        method, target = ([*lines[0].split(" "), "", ""])[:2]
        headers = {k.strip().lower(): v.strip() for k, _, v in
                   (line.partition(":") for line in lines[1:] if line)}
        request = Request(method, target, headers.get("host", self._address), headers)
        self._web.requests.append(request)
        host = request.host.lower()
        fault = self._web.down or self._web.host_faults.get(host) or self._web.host_faults.get(
            host.split(":")[0]) or (self._web.fault(request, self._address)
                                    if self._web.fault else None)
        got: Answer | Fault = fault if fault is not None else await self._web.answer(request)
        if got in ("reset", "refused", "connect-timeout"):
            self._outbox.put_nowait(ConnectionResetError("[Errno 104] Connection reset by peer"))
            return
        if got == "hang":
            return  # nothing ever comes: the checker's deadline ends it
        answer = got if isinstance(got, Answer) else Answer(int(got), {}, b"error")
        fields = {"Content-Length": str(len(answer.body)), **answer.headers}
        raw = f"HTTP/1.1 {answer.status} X\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in fields.items()) + "\r\n"
        self._outbox.put_nowait(raw.encode("latin-1") + answer.body)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        if self._rest:
            item, self._rest = self._rest[:max_bytes], self._rest[max_bytes:]
            return item
        if self._eof:
            return b""
        try:
            async with asyncio.timeout(timeout):
                item = await self._outbox.get()
        except TimeoutError:
            raise httpcore.ReadTimeout("timed out reading") from None
        if item is None:
            self._eof = True
            return b""
        if isinstance(item, BaseException):
            self._eof = True
            raise httpcore.ReadError(str(item)) from item
        if len(item) > max_bytes:
            self._rest = item[max_bytes:]
            item = item[:max_bytes]
        return item

    async def aclose(self) -> None:
        self._closed = True
        for task in list(self._tasks):
            task.cancel()

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            return self._eof or bool(self._rest) or not self._outbox.empty()
        return None
