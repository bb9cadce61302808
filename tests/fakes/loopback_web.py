"""Loopback web hosts whose answers a test sets and changes between runs, for driving the real
checker end to end: host ``n`` is ``127.0.0.n`` (all of 127/8 is loopback on Linux), every
host on one port, each a real HTTP server in a thread. URLs are IP literals, so nothing is
resolved; the checker needs ``allow_private_addresses`` and no canary names.

A path answers what :meth:`LoopbackWeb.set` said (status, title, redirect target, ETag),
else a 200 page titled after its URL; made-up paths (the soft-404 probe) answer 404. A host
can be stopped (its connections refused) and started again on the same address and port.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from tests.web.servers import free_port


@dataclass
class Answer:
    status: int = 200
    title: str | None = None
    location: str | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class LoopbackWeb:
    """The hosts, their answers, and what they were asked (path and request headers)."""

    port: int = field(default_factory=free_port)
    delay: float = 0.0
    answers: dict[str, Answer] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    _servers: dict[int, ThreadingHTTPServer] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, host: int, path: str) -> str:
        return f"http://127.0.0.{host}:{self.port}{path}"

    def set(self, url: str, status: int = 200, **answer: Any) -> None:
        self.answers[url] = Answer(status, **answer)

    def asked(self, url: str) -> list[dict[str, str]]:
        """The request headers of every request for ``url``."""
        with self._lock:
            return [headers for seen, headers in self.requests if seen == url]

    def start(self, host: int) -> None:
        web = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = f"http://127.0.0.{host}:{web.port}{self.path}"
                with web._lock:
                    web.requests.append((url, dict(self.headers.items())))
                if web.delay:
                    time.sleep(web.delay)
                answer = web.answers.get(url)
                if answer is None:
                    answer = Answer(404) if "probe" in self.path else Answer(title=url)
                if answer.etag and self.headers.get("If-None-Match") == answer.etag:
                    self.send_response(304)
                    self.send_header("ETag", answer.etag)
                    self.end_headers()
                    return
                body = (f"<html><head><title>{answer.title or answer.status}</title></head>"
                        f"<body><p>{answer.title or ''} {'x' * 200}</p></body></html>"
                        ).encode()
                self.send_response(answer.status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                for name, value in (("Location", answer.location), ("ETag", answer.etag),
                                    ("Last-Modified", answer.last_modified)):
                    if value:
                        self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                return None

        server = ThreadingHTTPServer((f"127.0.0.{host}", self.port), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self._servers[host] = server

    def stop(self, host: int) -> None:
        """Stop ``host``: its connections are refused from now on."""
        server = self._servers.pop(host)
        server.shutdown()
        server.server_close()

    def stop_all(self) -> None:
        for host in list(self._servers):
            self.stop(host)


def host_of(url: str) -> int:
    return int((urlsplit(url).hostname or "0").rsplit(".", 1)[1])


@contextmanager
def loopback_web(hosts: int, *, delay: float = 0.0) -> Iterator[LoopbackWeb]:
    """Hosts 1..``hosts`` serving on one free port; all stopped when the block ends."""
    web = LoopbackWeb(delay=delay)
    try:
        for host in range(1, hosts + 1):
            web.start(host)
        yield web
    finally:
        web.stop_all()
