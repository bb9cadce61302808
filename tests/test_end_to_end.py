"""A reviewer's whole night, through the CLI: ingest, check, archive, fix, changes, report.

Real parts only: a real HTTP server on 127.0.0.1 serves the cited pages, the fake Wayback
Machine on 127.0.0.1 serves the archive APIs; nothing leaves the machine.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import run_cli
from tests.fakes.wayback import FakeWayback, FakeWaybackServer

PAGES = {
    "/ok": (200, ("<html><head><title>Kim visits Beijing</title></head><body>"
                  "<p>The article text is here and long enough to be a real page.</p>"
                  "</body></html>")),
    "/gone": (404, "<html><head><title>Not found</title></head><body>No such page</body></html>"),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # http.server's naming
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status, body = PAGES.get(self.path, (404, "<title>Not found</title>nothing here"))
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_night_of_provenance(site: str, db_url: str, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    doc = tmp_path / "draft.md"
    doc.write_text(
        "# Summit notes\n\n"
        "Kim visited Beijing in March 2018.[^1] The visit was a surprise.[^2]\n"
        "Reuters reported that the train left at night.\n"
        f"The talks moved on to trade ([later coverage]({site}/moved)).\n\n"
        f"[^1]: Huang, Cary (3 April 2018). \"Kim visits Beijing\". {site}/ok "
        "Retrieved 6 April 2018.\n"
        f"[^2]: \"A surprise visit\". Example News. {site}/gone Retrieved 6 April 2018.\n",
        encoding="utf-8")
    for name, value in {"PROVENANCE_ALLOW_PRIVATE_ADDRESSES": "1", "PROVENANCE_MIN_DELAY": "0",
                        "PROVENANCE_DEAD_AFTER_FAILURES": "1",
                        "PROVENANCE_DEAD_AFTER_DAYS": "0", "PROVENANCE_TIMEOUT": "5"}.items():
        monkeypatch.setenv(name, value)

    assert run_cli(capsys, monkeypatch, db_url, "ingest", str(doc)).code == 0
    check = run_cli(capsys, monkeypatch, db_url, "check", "--format", "json")
    assert check.code == 1, check.err  # a dead link is a new problem
    lines = [json.loads(line) for line in check.out.splitlines()]
    by_url = {line["url"]: line for line in lines if "url" in line}
    assert by_url[f"{site}/ok"]["outcome"] == "ok"
    assert by_url[f"{site}/gone"]["outcome"] == "not-found"
    assert by_url[f"{site}/moved"]["outcome"] == "redirect"
    assert by_url[f"{site}/moved"]["final_url"] == f"{site}/ok"
    assert "summary" in lines[-1]

    changes = run_cli(capsys, monkeypatch, db_url, "changes", "--format", "json")
    assert changes.code == 0, changes.err
    assert f"{site}/gone" in changes.out

    with FakeWaybackServer(FakeWayback()) as wayback:
        wayback.fake.add_capture(f"{site}/gone", "20180405120000")
        wayback.fake.add_capture(f"{site}/ok", "20180406080000")
        archived = run_cli(capsys, monkeypatch, db_url, "archive", "--wayback-url",
                           wayback.url, "--wayback-rate", "6000")
        assert archived.code == 0, archived.err + archived.out
    after_archive = run_cli(capsys, monkeypatch, db_url, "changes", "--format", "json").json()
    assert [c["url"] for c in after_archive["newly_rescued"]] == [f"{site}/gone"]
    assert f"{site}/ok" in [c["url"] for c in after_archive["newly_preserved"]]
    fixed = run_cli(capsys, monkeypatch, db_url, "fix", "--use-archives")
    assert fixed.code == 0, fixed.err

    report = run_cli(capsys, monkeypatch, db_url, "report", "--format", "json").json()
    refs = {r["label"]: r for r in report["documents"][0]["references"]}
    assert refs["1"]["link"]["state"] == "alive" and refs["1"]["archive"]["state"] == "preserved"
    gone = refs["2"]
    assert gone["link"]["state"] == "dead" and "dead-link" in gone["flags"]
    assert gone["archive"]["state"] == "rescued"
    assert gone["archive_url"] and "20180405120000" in gone["archive_url"]
    assert gone["archive_date"] == "2018-04-05"
    assert any(h["action"] == "fix-archive" for h in gone["history"])
    moved = next(r for r in refs.values() if r["url"] == f"{site}/moved")
    assert moved["link"]["state"] == "redirected" and moved["link"]["final_url"] == f"{site}/ok"
    claims = {c["text"]: c for c in report["documents"][0]["claims"]}
    assert "unlinked-attribution" in claims[
        "Reuters reported that the train left at night."]["flags"]

    for fmt in ("table", "markdown", "html"):
        rendered = run_cli(capsys, monkeypatch, db_url, "report", "--format", fmt)
        assert rendered.code == 0 and "Summit notes" in rendered.out
