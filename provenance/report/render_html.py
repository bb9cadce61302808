"""The claim-to-source report as one self-contained HTML page.

Pure: the report model (the JSON report's shape) in, a string out. Jinja2 with autoescape
renders every text; :func:`safe_url` decides which URLs may become live links (http and
https only). The page carries its style and its small filter script inline, both allowed by a
Content-Security-Policy hash, so a file that somehow held markup could still run nothing.
Without the script every claim and reference is visible in document order.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from provenance.report.html_model import document_view, merged_options

TEMPLATES = "templates"


@cache
def environment() -> Any:
    """The Jinja2 environment of the report templates (autoescape on for every template)."""
    import jinja2

    from provenance.report.html_filters import make_environment

    return make_environment(jinja2.PackageLoader("provenance.report", TEMPLATES))


@cache
def asset(name: str) -> str:
    """The text of a file shipped beside the templates (the page's style and script)."""
    return (resources.files("provenance.report") / TEMPLATES / name).read_text(encoding="utf-8")


def csp_hash(text: str) -> str:
    """A CSP source expression allowing exactly this inline script or style."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render_html(report: Mapping[str, Any], *, title: str = "provenance report") -> str:
    """The report as one HTML file: no network, every text escaped, works without script."""
    style, script = asset("report.css"), asset("report.js")
    policy = ("default-src 'none'; img-src data:; base-uri 'none'; form-action 'none'; "
              f"style-src {csp_hash(style)}; script-src {csp_hash(script)}")
    docs = [document_view(doc) for doc in report["documents"]]
    page: str = environment().get_template("report.html.j2").render(
        title=title, documents=docs, options=merged_options(docs), style=style, script=script,
        policy=policy, summary=report.get("summary", {}))
    return page
