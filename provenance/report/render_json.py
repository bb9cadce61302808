"""The JSON report: the stable interface for scripts (control and escape bytes stripped
from every string, so a document cannot reach the terminal of whoever reads it)."""

from __future__ import annotations

import json

from provenance.report.model import Report
from provenance.report.safe_text import clean_tree


def render_json(report: Report) -> str:
    return json.dumps(clean_tree(report), ensure_ascii=False, indent=2)
