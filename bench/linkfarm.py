"""A local link farm: many loopback hosts, fixed latency, every URL with a known outcome.

Run it:   python bench/linkfarm.py --hosts 50 --port 8800 --latency 0.05 --links 10000 \
              --manifest out.json
Import it (tests):  with farm_in_thread(hosts=3, latency=0.0) as farm: farm.url(1, "/page/1")

Hosts are 127.0.0.1 .. 127.0.0.N on one port (all of 127/8 is loopback on Linux). The path
says what a URL does (see KINDS); the last host answers unknown paths with a 200 "Oops"
page and the one before it redirects them to its home page (both soft-404 hosts).
Special paths: /__stats (JSON: per-host requests, in-flight, peak in-flight),
/__reset (clear stats and 429 state), /__index (an HTML page linking every manifest URL).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import resource
import socket
import struct
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

RETRY_AFTER = 1
TRICKLE_EVERY = 0.5
HANG_FOR = 60.0
IDLE_CLOSE = 15.0  # an idle keep-alive connection is closed after this many seconds
BIG_BYTES = 20 * 1024 * 1024
BOMB_BYTES = 256 * 1024 * 1024
LONG_CHAIN_HOPS = 10  # the checker's max_redirects: one more hop than allowed is requested

# kind -> (share of links, expected outcome). Soft-404 kinds live on the soft hosts.
KINDS: dict[str, tuple[float, str]] = {
    "page": (0.700, "ok"), "r302": (0.030, "ok"), "r301": (0.040, "redirect"),
    "r308": (0.015, "redirect"), "chain": (0.010, "redirect"), "cross": (0.010, "redirect"),
    "loop": (0.005, "too-many-redirects"), "long": (0.003, "too-many-redirects"),
    "r404": (0.010, "not-found"), "404": (0.040, "not-found"), "410": (0.010, "not-found"),
    "500": (0.010, "server-error"), "503": (0.010, "server-error"),
    "429": (0.004, "ok"), "reset": (0.005, "connection-error"), "hang": (0.002, "timeout"),
    "trickle": (0.002, "timeout"), "big": (0.003, "ok"), "bomb": (0.003, "ok"),
    "401": (0.005, "blocked"), "403": (0.010, "blocked"), "botwall": (0.005, "blocked"),
    "nf-title": (0.010, "soft-404"), "sold": (0.010, "ok"),
    "missing": (0.030, "soft-404"), "old": (0.009, "soft-404"),
}
SOFT_KINDS = {"missing": -1, "old": -2}  # kind -> soft host (index from the end)


def host_ip(index: int) -> str:
    """Host 1 is 127.0.0.1, host 300 is 127.0.1.45."""
    return f"127.0.{index // 256}.{index % 256}" if index >= 256 else f"127.0.0.{index}"


def page_title(host: int, ident: str) -> str:
    return f"Report {ident} on the economy of region {host}"


def _words(ident: str) -> str:
    rnd = random.Random(ident)
    vocab = ["trade", "summit", "treaty", "nuclear", "talks", "border", "economy", "harvest",
             "election", "budget", "minister", "reform", "river", "bridge", "museum", "archive",
             "court", "ruling", "festival", "tariff", "port", "railway", "drought", "vaccine",
             "school", "census", "orchestra", "satellite", "pipeline"]
    return " ".join(rnd.choice(vocab) + str(rnd.randrange(1000)) for _ in range(60))


def html(title: str, text: str) -> bytes:
    return (f"<!doctype html><html><head><meta charset=utf-8><title>{title}</title></head>"
            f"<body><h1>{title}</h1><p>{text}</p></body></html>").encode()


@dataclass
class Stats:
    requests: int = 0
    in_flight: int = 0
    peak: int = 0


@dataclass
class LinkFarm:
    """The server; ``await start()`` binds every host on one port (0: pick a free one)."""

    hosts: int = 50
    port: int = 0
    latency: float = 0.05
    manifest: dict | None = None
    stats: dict[str, Stats] = field(default_factory=dict)
    _servers: list[asyncio.Server] = field(default_factory=list)
    _seen_429: set[str] = field(default_factory=set)

    def url(self, host: int, path: str) -> str:
        return f"http://{host_ip(host)}:{self.port}{path}"

    async def start(self) -> None:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < hard:  # clients without a per-host limit open thousands of sockets
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        await asyncio.to_thread(_gzip_bomb)  # built once per process, before serving
        await asyncio.to_thread(_big_page)
        fixed = self.port
        for _attempt in range(20):
            servers: list[asyncio.Server] = []
            try:
                for index in range(1, self.hosts + 1):
                    server = await asyncio.start_server(self._serve, host_ip(index), self.port,
                                                        reuse_address=True, backlog=1024)
                    servers.append(server)
                    self.port = server.sockets[0].getsockname()[1]
                self._servers = servers
                return
            except OSError:
                for server in servers:
                    server.close()
                if fixed:
                    raise
                self.port = 0
        raise OSError("could not bind the farm on one free port")

    async def stop(self) -> None:
        for server in self._servers:
            server.close()

    def snapshot(self) -> dict[str, dict[str, int]]:
        return {h: vars(s).copy() for h, s in self.stats.items()}

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        local = writer.get_extra_info("sockname")[0]
        try:
            while True:
                try:
                    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), IDLE_CLOSE)
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                        ConnectionError, TimeoutError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, path = ([*lines[0].split(" "), "", ""])[:2]
                headers = {k.strip().lower(): v.strip() for k, _, v in
                           (line.partition(":") for line in lines[1:] if line)}
                host = headers.get("host", local).rsplit(":", 1)[0] or local
                if path.startswith("/__"):
                    await self._control(writer, path)
                    continue
                stats = self.stats.setdefault(host, Stats())
                stats.requests += 1
                stats.in_flight += 1
                stats.peak = max(stats.peak, stats.in_flight)
                try:
                    keep = await self._answer(reader, writer, method, path, host, headers)
                finally:
                    stats.in_flight -= 1
                if not keep or headers.get("connection", "").lower() == "close":
                    return
        except (ConnectionError, OSError):
            return
        except asyncio.CancelledError:
            return  # the farm is stopping; ending quietly is what a handler should do
        finally:
            writer.close()

    async def _control(self, writer: asyncio.StreamWriter, path: str) -> None:
        kind = "application/json"
        if path.startswith("/__reset"):
            self.stats.clear()
            self._seen_429.clear()
            body = b"{}"
        elif path.startswith("/__index"):
            urls = [u["url"] for u in (self.manifest or {}).get("urls", [])]
            body = ("<html><head><title>index</title></head><body>" + "".join(
                f'<a href="{u}">{i}</a>\n' for i, u in enumerate(urls)) + "</body></html>"
                    ).encode()
            kind = "text/html; charset=utf-8"
        else:
            body = json.dumps(self.snapshot()).encode()
        await _send(writer, 200, body, {"Content-Type": kind})

    async def _answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                      method: str, path: str, host: str, headers: dict[str, str]) -> bool:
        """Answer one request; False when the connection must close."""
        await asyncio.sleep(self.latency)
        parts = path.split("?")[0].strip("/").split("/")
        kind, ident = parts[0], "/".join(parts[1:])
        index = _host_index(host)
        soft = {self.hosts: "template", self.hosts - 1: "home"}.get(index) if self.hosts >= 3 \
            else None
        head_only = method == "HEAD"
        if kind == "page" or (kind == "" and soft is None):
            etag = f'"p{ident}"'
            if headers.get("if-none-match") == etag:
                await _send(writer, 304, b"", {"ETag": etag})
                return True
            await _send(writer, 200, html(page_title(index, ident), _words(ident)),
                        {"ETag": etag, "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT"},
                        head_only)
        elif kind in ("r301", "r302", "r308"):
            await _redirect(writer, int(kind[1:]), f"/page/{ident}")
        elif kind == "chain":
            step = int(parts[-1]) if len(parts) > 2 else 0
            target = f"/chain/{parts[1]}/{step + 1}" if step < 2 else f"/page/{parts[1]}"
            await _redirect(writer, 301, target)
        elif kind == "cross":
            other = index % self.hosts + 1
            await _redirect(writer, 301, f"http://{host_ip(other)}:{self.port}/page/{ident}")
        elif kind == "loop":
            target = f"/loop/{parts[1]}" if len(parts) > 2 else f"/loop/{parts[1]}/b"
            await _redirect(writer, 302, target)
        elif kind == "long":
            step = int(parts[-1]) if len(parts) > 2 else 0
            await _redirect(writer, 302, f"/long/{parts[1]}/{step + 1}")
        elif kind == "r404":
            await _redirect(writer, 301, f"/404/{ident}")
        elif kind in ("404", "410", "500", "503", "401"):
            await _send(writer, int(kind), html(f"Error {kind}", "error"), head_only=head_only)
        elif kind == "403" or kind == "botwall":
            status = 403 if kind == "403" else 503
            await _send(writer, status, html("Just a moment...", "Checking your browser"),
                        {"cf-mitigated": "challenge", "Server": "cloudflare"}, head_only)
        elif kind == "429":
            key = f"{host}{path}"
            if key not in self._seen_429:
                self._seen_429.add(key)
                await _send(writer, 429, b"slow down", {"Retry-After": str(RETRY_AFTER)})
            else:
                await _send(writer, 200, html(page_title(index, ident), _words(ident)),
                            head_only=head_only)
        elif kind == "reset":
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
            return False
        elif kind == "hang":
            # Until the client gives up (so the in-flight count stays true), at most HANG_FOR.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(reader.read(1), HANG_FOR)
            return False
        elif kind == "trickle":
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                         b"Content-Length: 100000\r\n\r\n<html><title>Slow</title>")
            gone = asyncio.ensure_future(reader.read(1))
            try:
                for _ in range(int(HANG_FOR / TRICKLE_EVERY)):
                    await writer.drain()
                    await asyncio.wait([gone], timeout=TRICKLE_EVERY)
                    if gone.done():
                        break
                    writer.write(b"..........")
            finally:
                gone.cancel()
            return False
        elif kind == "big":
            await _send(writer, 200, _big_page(), head_only=head_only)
        elif kind == "bomb":
            await _send(writer, 200, _gzip_bomb(), {"Content-Encoding": "gzip"}, head_only)
        elif kind == "nf-title":
            await _send(writer, 200, html(f"Page not found &ndash; Region {index}",
                                          "Try the search."), head_only=head_only)
        elif kind == "sold":
            await _send(writer, 200, html("This domain is for sale! Buy it today",
                                          "Premium domains, best prices, call now."),
                        head_only=head_only)
        elif soft == "template":
            await _send(writer, 200, html("Oops!", "Sorry, we looked everywhere but could "
                                          f"not locate {path}. Try the search box or go "
                                          "back to our home page for the latest stories, "
                                          "sports, weather and local news from the region."),
                        head_only=head_only)
        elif soft == "home":
            if kind == "":
                await _send(writer, 200, html(f"Welcome to region {index}", _words("home")),
                            head_only=head_only)
            else:
                await _redirect(writer, 302, "/")
        else:
            await _send(writer, 404, html("Not Found", "no such page"), head_only=head_only)
        return True


def _host_index(host: str) -> int:
    try:
        _, _, b, c = (int(x) for x in host.split("."))
        return b * 256 + c
    except ValueError:
        return 1


async def _send(writer: asyncio.StreamWriter, status: int, body: bytes,
                headers: dict[str, str] | None = None, head_only: bool = False) -> None:
    fields = {"Content-Length": str(len(body)), "Content-Type": "text/html; charset=utf-8"}
    fields.update(headers or {})
    lines = [f"HTTP/1.1 {status} X"] + [f"{k}: {v}" for k, v in fields.items()]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    if not head_only:
        view = memoryview(body)
        for start in range(0, len(body), 256 * 1024):
            writer.write(view[start:start + 256 * 1024])
            await writer.drain()
    await writer.drain()


async def _redirect(writer: asyncio.StreamWriter, status: int, location: str) -> None:
    await _send(writer, status, b"", {"Location": location})


@cache
def _big_page() -> bytes:
    return html("A very large page", "x") + b" " * BIG_BYTES


@cache
def _gzip_bomb(size: int = BOMB_BYTES) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [compressor.compress(html("Compressed page", "zeros follow"))]
    block = b"\0" * (1024 * 1024)
    parts += [compressor.compress(block) for _ in range(size // len(block))]
    parts.append(compressor.flush())
    return b"".join(parts)


def build_manifest(links: int, hosts: int, port: int, *, latency: float, timeout: float = 5.0,
                   max_redirects: int = LONG_CHAIN_HOPS, seed: int = 7) -> dict:
    """Ground truth for ``links`` URLs spread over ``hosts`` (mildly skewed, like citations)."""
    rnd = random.Random(seed)
    normal = list(range(1, hosts - 1)) if hosts >= 3 else list(range(1, hosts + 1))
    weights = [1 / (h ** 0.3) for h in normal]
    kinds = [k for k in KINDS if hosts >= 3 or k not in SOFT_KINDS]
    shares = [KINDS[k][0] for k in kinds]
    urls = []
    for n in range(links):
        kind = rnd.choices(kinds, shares)[0]
        host = hosts + 1 + SOFT_KINDS[kind] if kind in SOFT_KINDS else rnd.choices(normal,
                                                                                  weights)[0]
        ident = f"{n}"
        urls.append(_entry(kind, host, ident, hosts, port, latency, timeout, max_redirects))
    return {"hosts": hosts, "port": port, "latency": latency, "timeout": timeout,
            "retry_after": RETRY_AFTER, "urls": urls}


def _entry(kind: str, host: int, ident: str, hosts: int, port: int, latency: float,
           timeout: float, max_redirects: int) -> dict:
    base = f"http://{host_ip(host)}:{port}"
    path = {"chain": f"/chain/{ident}/0", "loop": f"/loop/{ident}",
            "long": f"/long/{ident}/0"}.get(kind, f"/{kind}/{ident}")
    outcome = KINDS[kind][1]
    hops = {"r301": 2, "r302": 2, "r308": 2, "chain": 4, "r404": 2, "loop": 2,
            "long": max_redirects + 1, "429": 2, "old": 2}.get(kind, 1)
    costs = [[host, latency]] * hops
    final = {"r301": f"/page/{ident}", "r302": f"/page/{ident}", "r308": f"/page/{ident}",
             "chain": f"/page/{ident}", "r404": f"/404/{ident}", "old": "/"}.get(kind, path)
    final_url = base + final
    if kind == "cross":
        other = host % hosts + 1
        costs = [[host, latency], [other, latency]]
        final_url = f"http://{host_ip(other)}:{port}/page/{ident}"
    min_time = latency * len(costs)
    if kind in ("hang", "trickle"):
        costs, min_time = [[host, timeout]], timeout
    if kind == "429":
        min_time += RETRY_AFTER
    entry = {"url": base + path, "kind": kind, "outcome": outcome, "host": host,
             "costs": costs, "min_time": min_time}
    if outcome in ("ok", "redirect"):
        entry["final_url"] = final_url
    if kind in ("page", "sold", "r301", "r302", "r308", "chain", "cross", "429"):
        entry["reference_title"] = page_title(host if kind != "cross" else host % hosts + 1,
                                              ident)
        entry["title_mismatch"] = kind == "sold"
    return entry


@contextmanager
def farm_in_thread(hosts: int = 3, latency: float = 0.0, links: int = 0) -> Iterator[LinkFarm]:
    """Run a farm in a background thread (for tests); stops when the block ends."""
    farm = LinkFarm(hosts=hosts, latency=latency)
    loop = asyncio.new_event_loop()
    started = threading.Event()
    failure: list[BaseException] = []

    def serve() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(farm.start())
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, raised there
            failure.append(exc)
            started.set()
            return
        if links:
            farm.manifest = build_manifest(links, hosts, farm.port, latency=latency)
        started.set()
        loop.run_forever()
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(farm.stop())
        loop.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    started.wait(30)
    if failure:
        raise failure[0]
    try:
        yield farm
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--port", type=int, default=8800)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--links", type=int, default=10000)
    parser.add_argument("--timeout", type=float, default=5.0, help="checker timeout (costs)")
    parser.add_argument("--manifest", help="write the ground truth here (JSON)")
    args = parser.parse_args()

    async def serve() -> None:
        farm = LinkFarm(hosts=args.hosts, port=args.port, latency=args.latency)
        await farm.start()
        farm.manifest = build_manifest(args.links, args.hosts, farm.port,
                                       latency=args.latency, timeout=args.timeout)
        if args.manifest:
            text = json.dumps(farm.manifest)
            await asyncio.to_thread(Path(args.manifest).write_text, text)
        print(f"linkfarm: {args.hosts} hosts on port {farm.port}", flush=True)
        await asyncio.Event().wait()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())


if __name__ == "__main__":
    main()
