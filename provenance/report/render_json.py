"""The JSON report: the stable interface for scripts."""

from __future__ import annotations

import json

from provenance.report.model import Report


def render_json(report: Report) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2)
