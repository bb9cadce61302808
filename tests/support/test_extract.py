"""Text extraction from kept bodies (off the fetch path)."""

from pathlib import Path

from provenance.domain.support import SourceKind
from provenance.support.extract import extract
from tests.support.test_verify_e2e import KIM_BEFORE, _pdf

ROOT = Path(__file__).resolve().parents[2]


def test_html_main_content_without_menus() -> None:
    got = extract(KIM_BEFORE.encode(), "text/html; charset=utf-8", "https://example.org/kim")
    assert got.kind is SourceKind.HTML and got.language == "en"
    assert got.text and "March 26" in got.text and "Home | World" not in got.text


def test_real_article_page() -> None:
    html = (ROOT / "fixtures" / "articles" / "ars_minecraft_exploit.html").read_bytes()
    got = extract(html, "text/html")
    assert got.text and "Minecraft" in got.text and got.language == "en"


def test_pdf_text_and_a_cut_pdf() -> None:
    pdf = _pdf("The agency counted 673 panels in 91 different shapes.")
    got = extract(pdf, "application/pdf")
    assert got.kind is SourceKind.PDF and got.text and "673 panels" in got.text
    cut = extract(pdf[:120], "application/octet-stream", truncated=True)
    assert cut.kind is SourceKind.PDF and cut.text is None and cut.note


def test_video_image_and_binary_are_not_text() -> None:
    assert extract(b"<html>watch</html>", "text/html",
                   "https://www.youtube.com/watch?v=x").kind is SourceKind.VIDEO
    assert extract(b"\x89PNG", "image/png").kind is SourceKind.IMAGE
    assert extract(b"\x00\x01", "application/zip").text is None


def test_legacy_charset_from_meta() -> None:
    body = ('<html><head><meta charset="gb2312"></head><body><article><p>'
            '习近平7日和8日在大连同金正恩举行会晤。双方就两国关系交换看法。</p>'
            '</article></body></html>').encode("gb2312")
    got = extract(body, "text/html")
    assert got.text and "大连" in got.text and got.language == "zh"
