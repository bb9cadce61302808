"""The real-world reference corpus: parse_reference must get every field right on >= 95%."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).parents[2]
CORPUS = ROOT / "fixtures" / "references" / "corpus.jsonl"
FIELDS = {
    "authors", "date", "title", "trans_title", "work", "publisher", "language", "url",
    "access_date", "archive_url", "archive_date", "extra",
}


def _bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("reference_accuracy", ROOT / "bench" / "reference_accuracy.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_corpus_is_large_and_complete() -> None:
    records = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]
    assert len(records) >= 110
    for record in records:
        assert record["raw"] and record["source"]
        assert set(record["expected"]) == FIELDS


def test_corpus_covers_the_hard_cases() -> None:
    text = CORPUS.read_text(encoding="utf-8")
    for needle in ("et al.", "(eds.)", "(n.d.)", "Spring 20", "Winter 20", "Retrieved on", "Accessed",
                   "Archived (PDF) from the original", "(PDF)", "pp. ", "doi:", "ISBN", "web.archive.org",
                   "(in Chinese)", "(in Japanese)", "(in Korean)", "(in Russian)", "(in Arabic)", "Staff"):
        assert needle in text, needle


def test_all_fields_right_on_at_least_95_percent() -> None:
    bench = _bench()
    per_field, all_right, failures = bench.measure(bench.load_corpus())
    assert all_right >= 0.95, [f"#{i} {wrong}: {raw[:80]}" for i, raw, wrong in failures]
    assert per_field["access_date"] == 1.0
    assert per_field["archive_date"] == 1.0
