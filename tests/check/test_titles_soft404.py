"""Title comparison, page parsing and soft-404 verdicts (pure)."""

from __future__ import annotations

import pytest

from provenance.check.page import Page, parse_page
from provenance.check.soft404 import Probe, is_soft_404, probe_path, says_not_found
from provenance.check.titles import titles_match


@pytest.mark.parametrize(("reference", "page"), [
    ("Kim and Xi meet in Beijing", "Kim and Xi meet in Beijing | Reuters"),
    ("Kim and Xi meet in Beijing", "BBC News - Kim and Xi meet in Beijing"),
    ("North Korea's Kim Jong Un visits China", "Kim Jong-un visits China — The Guardian"),
    ("Économie: la croissance ralentit", "Economie : la croissance ralentit - Le Monde"),
    ("The Korea Summit", "THE KOREA SUMMIT"),
])
def test_same_work_matches(reference: str, page: str) -> None:
    assert titles_match(reference, page) is True


@pytest.mark.parametrize(("reference", "page"), [
    ("Kim and Xi meet in Beijing", "This domain is for sale! Buy it today"),
    ("Report on the economy of region 4", "Best online casino bonuses 2024"),
])
def test_different_pages_mismatch(reference: str, page: str) -> None:
    assert titles_match(reference, page) is False


@pytest.mark.parametrize(("reference", "page"), [
    (None, "Anything"), ("Anything", None), ("", "x"), ("Kim and Xi", "Reuters"),
    ("the", "a"),
])
def test_cannot_tell(reference: str | None, page: str | None) -> None:
    assert titles_match(reference, page) is None


def test_parse_page_title_charset_and_words() -> None:
    body = ("<html><head><meta charset='iso-8859-1'><title> Caf\xe9 &amp; Bar\n</title>"
            "<script>var x = 'hidden words';</script></head><body><p>Hello <b>world</b>"
            "</p></body></html>").encode("latin-1")
    page = parse_page(body, "text/html")
    assert page.title == "Café & Bar"
    assert "hello" in page.words and "world" in page.words and "hidden" not in page.words


def test_parse_page_skips_binary() -> None:
    assert parse_page(b"%PDF-1.7 ...", "application/pdf").is_text is False


@pytest.mark.parametrize("title", ["Page not found", "404", "Error 404 - Example",
                                   "Seite nicht gefunden", "This page doesn't exist"])
def test_not_found_titles(title: str) -> None:
    assert says_not_found(Page(True, title, "x"))


def test_short_body_saying_not_found() -> None:
    assert says_not_found(Page(True, "Example", "Sorry, the page you were looking for "
                                               "does not exist."))
    assert not says_not_found(Page(True, "Atlanta office", "Call us at (404) 555-0100."))


def test_long_body_mentioning_404_is_not_enough() -> None:
    long_text = "an essay about the page not found error " * 200
    assert not says_not_found(Page(True, "HTTP errors explained", long_text))


def _page(title: str, text: str) -> Page:
    return parse_page(f"<title>{title}</title><p>{text}</p>".encode(), "text/html")


OOPS = "Sorry, we looked everywhere but could not locate {}. Try the search box."


def test_page_like_the_probe_answer_is_soft_404() -> None:
    probe = Probe(200, "http://h/provenance-probe-abc", False,
                  _page("Oops!", OOPS.format("/provenance-probe-abc")))
    page = _page("Oops!", OOPS.format("/missing/17"))
    assert is_soft_404("http://h/missing/17", "http://h/missing/17", page, probe)


def test_real_page_on_soft_host_is_not_soft_404() -> None:
    probe = Probe(200, "http://h/p", False, _page("Oops!", OOPS.format("/p")))
    page = _page("Trade talks resume", "Negotiators met on Tuesday to discuss tariffs, "
                 "quotas and the timetable for the next round in Geneva.")
    assert not is_soft_404("http://h/a", "http://h/a", page, probe)


def test_redirected_where_the_probe_went_is_soft_404() -> None:
    home = _page("Welcome", "Latest stories")
    probe = Probe(200, "http://h/", True, home)
    assert is_soft_404("http://h/old/1", "http://h/", home, probe)
    # The home page itself, cited as such, is fine.
    assert not is_soft_404("http://h/", "http://h/", home, probe)


def test_honest_host_probe_gives_no_verdict() -> None:
    probe = Probe(404, "http://h/x", False, Page(False))
    assert not is_soft_404("http://h/a", "http://h/a", _page("Oops!", "tiny"), probe)


def test_probe_paths_are_random() -> None:
    assert probe_path() != probe_path()
