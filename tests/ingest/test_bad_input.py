"""Bad input in every form: one clear InputError or a best-effort parse, never a traceback."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest

from provenance.errors import InputError, UnsafeURLError
from provenance.ingest.decode import decode_document
from provenance.ingest.fetch_url import fetch_and_decode
from provenance.ingest.forms import web_html, wiki_html, wikitext
from provenance.settings import Settings

MALFORMED_HTML = (
    "<html><body><div class='mw-parser-output'><p>Unclosed <b>bold <i>italic claim.<sup "
    "class='reference'><a href='#cite_note-1'>[1]</a> Next sentence here.</p></div>"
    "<ol class='references'><li id='cite_note-1'><span class='reference-text'>Ref <a "
    "href='http://x.example/'>link</li></ol><table><tr><td>stray</div></span>")


@pytest.mark.parametrize("parse", [wiki_html.parse, web_html.parse])
@pytest.mark.parametrize("text", [MALFORMED_HTML, "<", "<html>", "<p>", "&#xFFFFFFF; <<<>>>",
                                  "<!-- never closed", "<![CDATA[ x", "\x00<p>nul</p>"])
def test_malformed_html_parses_best_effort(parse, text: str) -> None:
    doc = parse(text)
    assert doc.claims is not None


def test_malformed_wikipedia_html_keeps_the_citation() -> None:
    doc = wiki_html.parse(MALFORMED_HTML)
    cited = [c for c in doc.claims if c.citations]
    assert cited and cited[0].citations[0].label == "1"
    assert doc.references[0].fields.url == "http://x.example/"


@pytest.mark.parametrize("text", [
    "Unclosed template {{cite web|url=http://a.example|title=A. Claim text.",
    "Claim.<ref>never closed reference and more text.\n\nNext paragraph.",
    "[[Unclosed link and text. {{{{{{ nested }}",
    "Claim.<ref name=\"a\">Body</ref></ref></ref> More.",
    "== Heading without end\nText.\n'''bold never closed. ''italic",
    "{|\n| table never closed\n",
    "}}}}]]]]</ref></references>",
])
def test_unbalanced_wikitext(text: str) -> None:
    doc = wikitext.parse(text)
    assert doc.format == "wikitext"


def test_unclosed_ref_is_flagged() -> None:
    doc = wikitext.parse("Claim.<ref>never closed reference and more text.\n")
    assert any("unclosed <ref>" in w for w in doc.warnings)


def test_reference_reused_inside_its_own_definition() -> None:
    doc = wikitext.parse('Claim one.<ref name="a">See also <ref name="a" /> here.</ref> '
                         'Claim two.<ref name="a" />\n')
    assert [[x.label for x in c.citations] for c in doc.claims] == [["1"], ["1"]]
    assert [r.label for r in doc.references] == ["1"]
    assert any("inside another reference" in w for w in doc.warnings)


def test_mutually_nested_references() -> None:
    doc = wikitext.parse('Alpha claim here.<ref name="a">Cites <ref name="b" /></ref> '
                         'Beta claim here.<ref name="b">Cites <ref name="a" /></ref>\n')
    assert [[x.label for x in c.citations] for c in doc.claims] == [["1"], ["2"]]
    assert {r.label for r in doc.references} == {"1", "2"}


def test_deep_template_nesting_is_not_a_traceback() -> None:
    text = "Claim." + "{{x|" * 3000 + "y" + "}}" * 3000
    try:
        doc = wikitext.parse(text)
    except InputError as err:
        assert "wikitext" in str(err)
    else:
        assert doc.claims[0].text.startswith("Claim.")


def _big_wikitext() -> str:
    para = ("The river rises in the hills and flows north.<ref name=\"r{n}\">"
            "{{{{cite web|url=http://e.example/{n}|title=T{n}}}}}</ref> It floods in spring. ")
    return "\n\n".join(para.format(n=n % 500) * 3 for n in range(2_500)) + (
        "\n\nThe last paragraph 83999 ends here.")


@pytest.mark.parametrize(("form", "build"), [
    ("wikitext", _big_wikitext),
    ("wikipedia-html", lambda: "<div class='mw-parser-output'>" + "".join(
        f"<p>Sentence number {n} is here.<sup class='reference'><a href='#cite_note-{n % 300}'>"
        f"[{n % 300}]</a></sup> Another one follows.</p>" for n in range(84_000)) + "</div>"),
    ("web-html", lambda: "<html><body><article>" + "".join(
        f"<p>Paragraph {n} says that <a href='http://s.example/{n % 700}'>a source</a> "
        "reported a fact about the weather in the region this week.</p>"
        for n in range(7_600)) + "<p>Paragraph 75999 ends here.</p></article></body></html>"),
])
def test_large_page_is_read_whole(form: str, build) -> None:
    """A 10 MB Wikipedia page, 1 MB of wikitext and of web article: read to their end."""
    text = build()
    assert len(text.encode("utf-8")) >= 1_000_000
    parse = {"wikitext": wikitext.parse, "wikipedia-html": wiki_html.parse,
             "web-html": web_html.parse}[form]
    doc = parse(text)  # speed: bench/ingest_pages_bench.py (no wall-clock test: CI is shared)
    assert doc.claims
    assert not any("very long" in w for w in doc.warnings)  # read whole, nothing cut
    last = {"wikitext": "83999", "wikipedia-html": "83999", "web-html": "75999"}[form]
    assert any(last in claim.text for claim in doc.claims), "the end of the page was not read"


@pytest.mark.parametrize(("encoding", "text"), [
    ("cp1252", "<p>Les députés ont adopté « le projet » — déjà critiqué.</p>" * 20),
    ("shift_jis", "<p>東京都は日本の首都であり、多くの人々が住んでいます。</p>" * 20),
    ("gb2312", "<p>北京是中华人民共和国的首都，今天天气很好。</p>" * 20),
])
def test_legacy_encoded_page_parses(encoding: str, text: str) -> None:
    decoded = decode_document(text.encode(encoding), "page.html")
    assert decoded == text
    doc = web_html.parse(f"<html><body><article>{decoded}</article></body></html>")
    assert doc.claims


class _Handler(BaseHTTPRequestHandler):
    pages: ClassVar[dict[str, tuple[str, bytes]]] = {
        "/sjis": ("text/html; charset=shift_jis",
                  "<p>東京都は日本の首都です。</p>".encode("shift_jis")),
        "/pdf": ("application/pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"),
    }

    def do_GET(self) -> None:
        if self.path not in self.pages:
            self.send_response(404)
            self.end_headers()
            return
        kind, body = self.pages[self.path]
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_fetch_and_decode_uses_the_http_charset(server: str) -> None:
    settings = Settings(allow_private_addresses=True, min_delay=0)
    final, text, kind = asyncio.run(fetch_and_decode(f"{server}/sjis", settings))
    assert final == f"{server}/sjis"
    assert text == "<p>東京都は日本の首都です。</p>"
    assert kind == "text/html; charset=shift_jis"


def test_fetch_errors_are_one_line(server: str) -> None:
    settings = Settings(allow_private_addresses=True, min_delay=0)
    with pytest.raises(InputError, match="a PDF file, not a text document"):
        asyncio.run(fetch_and_decode(f"{server}/pdf", settings))
    with pytest.raises(InputError, match="404"):
        asyncio.run(fetch_and_decode(f"{server}/missing", settings))
    with pytest.raises(UnsafeURLError, match="loopback"):
        asyncio.run(fetch_and_decode(f"{server}/sjis", Settings()))
