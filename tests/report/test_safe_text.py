"""safe_text: document text is shown as written and never acts (markup, escapes, links)."""

from __future__ import annotations

import json

import pytest
from markdown_it import MarkdownIt

from provenance.report.safe_text import (
    clean_tree,
    link_url,
    md_link,
    md_text,
    md_url,
    one_line,
    rich_text,
    strip_controls,
)

HOSTILE = [
    "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\",  # OSC 8 terminal hyperlink
    "\x1b[2J\x1b[31mred",  # clear screen, colour
    "a\x9b31mb",  # C1 CSI
    "abc\u202edcba",  # right-to-left override
    "nul\x00bell\x07del\x7f",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_control_and_escape_bytes_are_stripped(text: str) -> None:
    out = strip_controls(text)
    assert not any(ord(c) < 32 and c not in "\t\n" for c in out)
    assert not any(0x7F <= ord(c) <= 0x9F for c in out)
    assert "\u202e" not in out and "\x1b" not in out


def test_plain_text_is_unchanged_and_lines_are_kept() -> None:
    assert strip_controls("Kim–Xi meetings (2018)") == "Kim–Xi meetings (2018)"
    assert strip_controls("a\r\nb\tc") == "a\nb\tc"
    assert one_line(" a\n\n b\t c ") == "a b c"
    assert strip_controls(None) == ""


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JAVASCRIPT:alert(1)", " javascript:alert(1)", "data:text/html,x",
    "vbscript:x", "file:///etc/passwd", "http:no-host", "//evil.example/x", "",
    "java\x00script:alert(1)", "https://exa mple.org/",
])
def test_only_http_urls_become_links(url: str) -> None:
    assert link_url(url) is None
    html = MarkdownIt("commonmark").render(md_url(url) + " " + md_link("t", url))
    assert "<a " not in html


def render(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").enable("strikethrough").render(markdown)


@pytest.mark.parametrize("text", [
    '"><script>alert(1)</script>', "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
    "![x](http://t.example/p.png)", "*bold* _it_ `code` ~~s~~", "<http://a.example/>",
    "a | b | c", "# heading", "&lt;script&gt;", "[citation needed]",
])
def test_markdown_text_shows_literally(text: str) -> None:
    html = render(f"| cell |\n|---|\n| {md_text(text)} |\n")
    assert "<script" not in html and "<img" not in html and "<a " not in html
    assert "<em>" not in html and "<code>" not in html and "<s>" not in html
    assert html.count("<td>") == 1


def test_link_destination_cannot_end_early() -> None:
    url = 'https://a.example/x?q=")<script>alert(1)</script>(&b=1 2'
    html = render(md_link("label", url.replace(" ", "%20")))
    assert "<script" not in html
    assert html.count("<a ") == 1 and 'href="https://a.example/x?q=' in html
    auto = render(md_url('https://a.example/"><script>x</script>'))
    assert "<script" not in auto and auto.count("<a ") == 1


def test_rich_text_is_never_markup() -> None:
    from rich.console import Console

    console = Console(width=80, no_color=True, force_terminal=False, record=True)
    for text in ["Files under [/etc]", "[citation needed]", "[link=http://evil]x[/link]",
                 "[bold]b[/bold]"]:
        console.print(rich_text(text))
    out = console.export_text()
    assert "Files under [/etc]" in out and "[citation needed]" in out
    assert "[link=http://evil]x[/link]" in out and "[bold]b[/bold]" in out


def test_clean_tree_strips_every_string() -> None:
    tree = {"t\x1b": ["a\x9bb", {"k": "\x1b[31m"}], "n": 3, "z": None}
    assert json.dumps(clean_tree(tree)) == '{"t": ["ab", {"k": "[31m"}], "n": 3, "z": null}'
