"""End to end on 127.0.0.1: check keeps the pages, verify reads them (HTML, Chinese, PDF),
a page that changes between two checks is flagged content-drift, an archived snapshot is
read too, and the two seed documents corroborate each other."""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterator
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import run_cli
from tests.fakes.wayback import FakeWaybackServer

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "fixtures" / "seeds"
ZH_PAGE = (ROOT / "fixtures" / "support" / "pages" / "kimxi-vovworld-642827.zh.txt").read_text(
    encoding="utf-8")

KIM_BEFORE = """<html><head><title>Kim in Beijing</title></head><body>
<nav>Home | World | Sport</nav>
<article><h1>Kim in Beijing</h1>
<p>North Korean leader Kim Jong-un met Chinese president Xi Jinping in Beijing on March 26,
2018, on his first trip abroad since taking power.</p>
<p>He travelled by train and was accompanied by his wife Ri Sol-ju.</p>
</article><footer>(c) the paper</footer></body></html>"""
KIM_AFTER = """<html><head><title>Kim in Beijing</title></head><body>
<article><h1>Kim in Beijing</h1>
<p>This article has been updated. The North Korean leader's rail journey drew crowds along
the route, and officials declined to comment on his itinerary.</p>
<p>He travelled by train and was accompanied by his wife Ri Sol-ju.</p>
</article></body></html>"""


def _pdf(text: str) -> bytes:
    """A small valid one-page PDF with `text` in Helvetica (built by hand, offsets exact)."""
    stream = f"BT /F1 11 Tf 40 700 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
         b"/Resources << /Font << /F1 5 0 R >> >> >>"),
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
            .encode())
    return bytes(out)


class Site:
    """Pages served on 127.0.0.1 that a test can change between two checks."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[str, bytes]] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                page = site.pages.get(self.path)
                if page is None:
                    self.send_response(404)
                    body = b"<html><head><title>Not found</title></head><body>404</body></html>"
                    ctype = "text/html"
                else:
                    ctype, body = page
                    self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    s.pages["/kim"] = ("text/html; charset=utf-8", KIM_BEFORE.encode())
    s.pages["/zh"] = ("text/plain; charset=utf-8", ZH_PAGE.encode())
    s.pages["/report.pdf"] = ("application/pdf", _pdf(
        "The agency counted 673 panels in 91 different shapes for the shell."))
    yield s
    s.close()


@pytest.fixture
def wayback() -> Iterator[FakeWaybackServer]:
    server = FakeWaybackServer()
    server.start()
    yield server
    server.stop()


def _document(tmp_path: Path, base: str) -> Path:
    doc = tmp_path / "summits.md"
    doc.write_text(f"""# Summits

Kim Jong-un met Xi Jinping in Beijing on March 26, 2018.[^1]

Kim and Xi met on May 7–8, 2018 in the city of Dalian.[^2]

The agency counted 673 panels in 93 different shapes.[^3]

[^1]: "Kim in Beijing". Retrieved 28 March 2018. <{base}/kim>
[^2]: Xinhua. <{base}/zh>
[^3]: Report. <{base}/report.pdf>
""", encoding="utf-8")
    return doc


CHECK = ("check", "--all", "--allow-private-addresses", "--min-delay", "0", "--timeout", "5")


def _support(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    claims = report["documents"][0]["claims"]
    return {c["citations"][0]: c["support"] for c in claims if c["citations"]}


def test_check_keeps_pages_and_verify_reads_html_chinese_pdf_and_drift(
        tmp_path: Path, site: Site, db_url: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    run = partial(run_cli, capsys, monkeypatch, db_url)
    assert run("ingest", str(_document(tmp_path, site.base))).code == 0
    assert run(*CHECK).code == 0
    first = run("verify", "--format", "json")
    assert first.code == 0, first.err
    assert '"extracted": 3' in first.out

    support = _support(run("report", "--format", "json").json())
    kim, = support["1"]
    assert kim["verdict"] == "supported" and kim["source"] == "live"
    assert "March 26" in kim["evidence"] and "Home | World" not in kim["evidence"]
    assert set(kim) >= {"label", "verdict", "score", "evidence", "found", "missing",
                        "language", "source", "checked_at"}
    zh, = support["2"]
    assert zh["verdict"] == "supported"
    assert zh["language"] == "zh" and zh["other_language"] is True
    assert "大连" in zh["evidence"]
    pdf, = support["3"]
    assert pdf["verdict"] == "contradicted"  # the PDF says 91 shapes, the claim 93
    assert any("93" in c and "91" in c for c in pdf["conflicts"])

    # nothing changed: verify has nothing new to score
    again = run("verify", "--format", "json")
    assert '"scored": 0' in again.out

    # the page changes between two checks: the supporting passage is gone
    site.pages["/kim"] = ("text/html; charset=utf-8", KIM_AFTER.encode())
    assert run(*CHECK).code == 0
    assert '"scored": 1' in run("verify", "--format", "json").out
    report = run("report", "--format", "json").json()
    ref = next(r for r in report["documents"][0]["references"] if r["label"] == "1")
    assert "content-drift" in ref["flags"]
    drift = ref["link"]["drift"]
    assert "March 26" in drift["before"] and drift["since"]
    assert "March 26" not in (drift["after"] or "")
    assert _support(report)["1"][0]["verdict"] in ("partial", "not-found")
    untouched = next(r for r in report["documents"][0]["references"] if r["label"] == "2")
    assert untouched["link"]["drift"] is None and "content-drift" not in untouched["flags"]
    md = run("report", "--format", "markdown").out
    assert "## Content drift" in md and "contradicted" in md


def test_archive_keeps_the_snapshot_text_and_verify_scores_it(
        tmp_path: Path, site: Site, wayback: FakeWaybackServer, db_url: str,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    run = partial(run_cli, capsys, monkeypatch, db_url)
    wayback.fake.add_capture(f"{site.base}/kim", "20180328120000", body=KIM_BEFORE)
    site.pages["/kim"] = ("text/html; charset=utf-8", KIM_AFTER.encode())
    assert run("ingest", str(_document(tmp_path, site.base))).code == 0
    assert run(*CHECK).code == 0
    archived = run("archive", "--wayback-url", wayback.url, "--wayback-rate", "600")
    assert archived.code in (0, 1), archived.err
    assert run("verify").code == 0
    report = run("report", "--format", "json").json()
    entries = {e["source"]: e for e in _support(report)["1"]}
    assert entries["archive"]["verdict"] == "supported"
    assert entries["live"]["verdict"] != "supported"
    ref = next(r for r in report["documents"][0]["references"] if r["label"] == "1")
    assert ref["link"]["drift"]["compared_with"] == "archive"
    assert "content-drift" in ref["flags"]


def test_seeds_corroborate_each_other(db_url: str, capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    run = partial(run_cli, capsys, monkeypatch, db_url)
    assert run("ingest", str(SEEDS / "000_b07d10da4452e945.txt"),
               str(SEEDS / "003_cd3dd4c4be34f6b3.txt")).code == 0
    assert run("verify").code == 0
    report = run("report", "--format", "json").json()
    wiki, csis = report["documents"]
    csis_claim = next(c for c in csis["claims"] if c["text"].startswith("On March 25-28"))
    best = csis_claim["corroboration"][0]
    assert best["document"] == wiki["id"] and best["verdict"] == "supported"
    assert "March 25–28, 2018" in best["evidence"]
    assert set(best) >= {"document", "claim", "url", "evidence", "score"}
    # the Wikipedia claim resting on the empty reference 13 is held against the CSIS text
    lead = next(c for c in wiki["claims"] if "secretly met" in c["text"])
    assert lead["corroboration"] == [] or lead["corroboration"][0]["document"] == csis["id"]
    empty13 = next(c for c in wiki["claims"] if "cites-empty" in c["flags"])
    assert "corroboration" in empty13


def test_kept_body_is_compressed_with_a_fingerprint(tmp_path: Path, site: Site, db_url: str,
                                                    capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlmodel import Session, select

    from provenance.store.database import Database
    from provenance.store.models import SourceText
    from provenance.store.sources import fingerprint

    run = partial(run_cli, capsys, monkeypatch, db_url)
    assert run("ingest", str(_document(tmp_path, site.base))).code == 0
    assert run(*CHECK).code == 0
    assert run(*CHECK).code == 0  # the same pages again: no new versions
    db = Database.open(db_url)
    with Session(db.engine) as s:
        rows = list(s.exec(select(SourceText).order_by(SourceText.id)))
    db.dispose()
    assert len(rows) == 3
    kim = next(r for r in rows if r.url and r.url.endswith("/kim"))
    assert kim.body is not None and zlib.decompress(kim.body) == KIM_BEFORE.encode()
    assert kim.body_hash == fingerprint(KIM_BEFORE.encode())
    assert kim.last_seen_at > kim.first_seen_at


def test_archive_keeps_the_text_of_a_snapshot_held_from_before(
        tmp_path: Path, site: Site, wayback: FakeWaybackServer, db_url: str,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A link whose snapshot was found before texts were kept (or whose capture could not be
    fetched) gets its text on a later archive run, even when the lookup itself is cached."""
    from sqlalchemy import delete
    from sqlmodel import Session

    from provenance.store.database import Database
    from provenance.store.models import SourceText
    from provenance.store.sources import archives_without_text

    run = partial(run_cli, capsys, monkeypatch, db_url)
    wayback.fake.add_capture(f"{site.base}/kim", "20180328120000", body=KIM_BEFORE)
    assert run("ingest", str(_document(tmp_path, site.base))).code == 0
    archive = ("archive", "--wayback-url", wayback.url, "--wayback-rate", "600")
    assert run(*archive).code in (0, 1)
    db = Database.open(db_url)
    with Session(db.engine) as s:
        s.exec(delete(SourceText).where(SourceText.origin == "archive"))  # type: ignore[call-overload]
        s.commit()
    assert len(archives_without_text(db, [1, 2, 3])) == 1
    assert run(*archive).code in (0, 1)  # the lookup is cached; the text is fetched
    assert archives_without_text(db, [1, 2, 3]) == []
    db.dispose()
    assert run("verify").code == 0
    entries = {e["source"]: e for e in _support(run("report", "--format", "json").json())["1"]}
    assert entries["archive"]["verdict"] == "supported"


def test_a_new_claim_text_is_scored_again_and_the_rest_is_not(
        tmp_path: Path, site: Site, db_url: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    run = partial(run_cli, capsys, monkeypatch, db_url)
    doc = _document(tmp_path, site.base)
    assert run("ingest", str(doc)).code == 0
    assert run(*CHECK).code == 0
    assert '"scored": 3' in run("verify", "--format", "json").out
    doc.write_text(doc.read_text(encoding="utf-8").replace(
        "on March 26, 2018.[^1]", "on March 27, 2018.[^1]"), encoding="utf-8")
    assert run("ingest", str(doc)).code == 0
    out = run("verify", "--format", "json").out
    assert '"scored": 1' in out and '"skipped": 2' in out
    kim, = _support(run("report", "--format", "json").json())["1"]
    assert kim["verdict"] == "contradicted"  # the page says March 26
