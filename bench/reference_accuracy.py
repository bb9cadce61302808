"""Per-field accuracy of parse_reference over fixtures/references/corpus.jsonl.

Run: ``.venv/bin/python bench/reference_accuracy.py [--show-failures]``. Each record's
``expected`` holds every ReferenceFields field (dates ISO) and the ``extra`` keys listed in
ASSERTED_EXTRA; a reference is "all right" when every field and every asserted extra key matches.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from provenance.domain.documents import ReferenceFields
from provenance.ingest.references.parse import parse_reference

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "references" / "corpus.jsonl"
FIELDS = (
    "authors", "date", "title", "trans_title", "work", "publisher", "language", "url",
    "access_date", "archive_url", "archive_date", "extra",
)
ASSERTED_EXTRA = (
    "et_al", "editors", "doi", "isbn", "pages", "format", "medium", "time", "urls",
    "date_precision", "via", "volume", "issue", "edition", "location",
)


def as_record(fields: ReferenceFields) -> dict[str, Any]:
    """ReferenceFields in the corpus' JSON shape."""
    out: dict[str, Any] = {}
    for name in FIELDS:
        value = getattr(fields, name)
        if name == "authors":
            value = list(value)
        elif name == "extra":
            value = {key: value[key] for key in ASSERTED_EXTRA if key in value}
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        out[name] = value
    return out


def load_corpus(path: Path = CORPUS) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def measure(
    records: list[dict[str, Any]],
) -> tuple[dict[str, float], float, list[tuple[int, str, list[str]]]]:
    """Per-field accuracy, the share of references with every field right, and the failures."""
    right = dict.fromkeys(FIELDS, 0)
    all_right = 0
    failures: list[tuple[int, str, list[str]]] = []
    for index, record in enumerate(records):
        got = as_record(parse_reference(record["raw"]))
        wrong = [name for name in FIELDS if got[name] != record["expected"][name]]
        for name in FIELDS:
            right[name] += name not in wrong
        if wrong:
            failures.append((index, record["raw"], wrong))
        else:
            all_right += 1
    total = len(records) or 1
    return {name: right[name] / total for name in FIELDS}, all_right / total, failures


def main(argv: list[str]) -> int:
    records = load_corpus()
    per_field, all_right, failures = measure(records)
    print(f"references: {len(records)}")
    for name, share in per_field.items():
        print(f"  {name:<13} {share:7.1%}")
    print(f"all fields right: {all_right:.1%} ({len(records) - len(failures)}/{len(records)})")
    if "--show-failures" in argv:
        for index, raw, wrong in failures:
            print(f"- #{index} wrong {', '.join(wrong)}: {raw[:120]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
