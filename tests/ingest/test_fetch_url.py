"""``provenance ingest URL``: fetching through an injected transport and through the CLI."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from provenance.errors import InputError
from provenance.ingest.fetch_url import fetch_and_decode
from provenance.net.fetch import fetch_document
from provenance.settings import Settings
from tests.cli.helpers import run_cli

PAGE = (b"<html><head><title>Rain report</title><meta charset='utf-8'></head><body><article>"
        b"<h1>Rain report</h1><p>Rain fell for nine days in March, the longest spell on record, "
        b"according to <a href='https://weather.example.gov/report'>the weather service</a>.</p>"
        b"<p>Farmers said the harvest would be late this year, and prices rose by a tenth.</p>"
        b"<p>Officials expect drier weather in April, though they gave no figures yet.</p>"
        b"</article></body></html>")


def _answer(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/big":
        return httpx.Response(200, headers={"content-type": "text/html"}, content=b"x" * 2048)
    return httpx.Response(200, headers={"content-type": "text/html; charset=utf-8"}, content=PAGE)


async def test_fetch_document_reads_a_body_a_mock_transport_already_read() -> None:
    """httpx.MockTransport answers carry their body already read (was: raw StreamConsumed)."""
    fetched = await fetch_document("https://example.org/rain", Settings(),
                                   transport=httpx.MockTransport(_answer))
    assert (fetched.status, fetched.body) == (200, PAGE)
    with pytest.raises(InputError, match="larger than 1024 bytes"):
        await fetch_document("https://example.org/big", Settings(max_document_bytes=1024),
                             transport=httpx.MockTransport(_answer))


async def test_fetch_and_decode_through_an_injected_transport() -> None:
    final, text, kind = await fetch_and_decode("https://example.org/rain", Settings(),
                                               transport=httpx.MockTransport(_answer))
    assert (final, kind) == ("https://example.org/rain", "text/html; charset=utf-8")
    assert "Rain fell for nine days" in text


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *_args: object) -> None:
        return


@pytest.fixture
def loopback_page() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/rain.html"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_cli_ingests_a_loopback_url_only_when_private_addresses_are_allowed(
        db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        loopback_page: str) -> None:
    monkeypatch.delenv("PROVENANCE_ALLOW_PRIVATE_ADDRESSES", raising=False)
    refused = run_cli(capsys, monkeypatch, db_url, "ingest", loopback_page)
    assert refused.code == 2
    errors = [line for line in refused.err.splitlines() if line.startswith("provenance: error:")]
    assert errors == [(f"provenance: error: {loopback_page}: refused: 127.0.0.1 is a loopback "
                       "address (--allow-private-addresses or "
                       "PROVENANCE_ALLOW_PRIVATE_ADDRESSES=1 allows it)")], refused.err
    assert len(refused.err.splitlines()) == 1
    allowed = run_cli(capsys, monkeypatch, db_url, "ingest", loopback_page,
                      "--allow-private-addresses")
    assert allowed.code == 0, allowed.err
    assert allowed.out == (f"created document 1 'Rain report' (web-html): 3 claims, "
                           f"1 references <- {loopback_page}\n")
