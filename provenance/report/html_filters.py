"""Jinja2 filters of the HTML report: which URLs may be links, how times and counts read."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from provenance.report.safe_text import link_url, strip_controls


def safe_url(url: Any) -> str | None:
    """``url`` when it may become a live link (absolute http or https with a host), else None:
    ``javascript:``, ``data:``, ``java\\tscript:`` and relative URLs stay text."""
    return link_url(url) if isinstance(url, str) else None


def finalize(value: Any) -> Any:
    """Every ``{{ value }}``: None shows as nothing, text loses control and bidi-override
    characters (autoescape then escapes it); markup built by the templates passes."""
    if isinstance(value, Markup | int | float):
        return value
    return strip_controls(value)


def when(value: Any) -> str:
    """An ISO timestamp as ``2026-05-01 14:03`` (UTC), a date as it is, None as ``—``."""
    if not value:
        return "—"
    text = str(value).replace("T", " ").removesuffix("Z")
    if len(text) > 16 and text[10] == " ":
        text = text[:16]
    return text.removesuffix("+00:00")


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def words(values: Any) -> str:
    """Space-separated tokens for a data-* attribute (filter keys)."""
    return " ".join(sorted({str(v) for v in values if v}))


def install(env: Any) -> None:
    env.filters.update(safe_url=safe_url, when=when, plural=plural, words=words)


def make_environment(loader: Any) -> Any:
    """A Jinja2 environment for these views: autoescape everywhere, the filters above."""
    import jinja2

    env = jinja2.Environment(loader=loader, autoescape=True, trim_blocks=True,
                             lstrip_blocks=True, finalize=finalize)
    install(env)
    return env
