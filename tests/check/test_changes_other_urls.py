"""`changes` tells when another URL a reference carries goes dead, and which reference carries
it (issue 10): a real reference text (fixtures/references/corpus.jsonl, Federico Mena
Quintero's "Maintaining bzip2" with his blog beside it) with its two URLs on the loopback
link farm, checked by the real `provenance check`, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from linkfarm import LinkFarm

from tests.cli.helpers import run_cli

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "references" / "corpus.jsonl"


def _document(farm: LinkFarm, tmp_path: Path) -> tuple[Path, str, str]:
    """A Wikipedia text scrape citing the corpus reference, its URLs moved to the farm."""
    raw = next(json.loads(line)["raw"] for line in CORPUS.read_text().splitlines()
               if "Maintaining bzip2" in line)
    post, blog = farm.url(1, "/page/bzip2"), farm.url(2, "/404/blog")
    raw = raw.replace("https://viruta.org/maintaining-bzip2.html", post)
    raw = raw.replace("https://viruta.org/", blog)
    assert post in raw and blog in raw
    path = tmp_path / "bzip2.txt"
    path.write_text("Bzip2\n\nFrom Wikipedia, the free encyclopedia\n\n"
                    "Federico Mena Quintero took over the maintenance of bzip2 in 2019.[1]\n\n"
                    f"References\n\n1. ^ {raw}\n", encoding="utf-8")
    return path, post, blog


def test_changes_names_the_reference_whose_other_url_went_dead(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db_url: str,
        farm: LinkFarm, tmp_path: Path) -> None:
    path, post, blog = _document(farm, tmp_path)
    for name, value in {"ALLOW_PRIVATE_ADDRESSES": "1", "MIN_DELAY": "0", "RETRIES": "0",
                        "DEAD_AFTER_FAILURES": "1", "DEAD_AFTER_DAYS": "0",
                        "CANARY_NAMES": "", "TIMEOUT": "5"}.items():
        monkeypatch.setenv(f"PROVENANCE_{name}", value)

    def cli(*args: str) -> Any:
        return run_cli(capsys, monkeypatch, db_url, *args)

    assert cli("ingest", str(path)).code == 0
    checked = cli("check", "--all")
    assert checked.code == 1, checked.out + checked.err  # a new problem: the blog is dead

    text = cli("changes")
    dead = text.out.split("newly dead: 1\n", 1)[1].splitlines()[0]
    assert blog in dead and dead.endswith("<- other URL of [1] in document 1"), text.out
    moved = cli("changes", "--format", "json").json()
    assert [(c["url"], c["references"]) for c in moved["newly_dead"]] == [
        (blog, [{"document": 1, "label": "1", "as": "other"}])]

    report = cli("report", "1", "--format", "json").json()
    ref = report["documents"][0]["references"][0]
    assert ref["url"] == post and ref["link"]["state"] == "alive"
    assert [(o["url"], o["link"]["state"], o["link"]["http_status"])
            for o in ref["other_urls"]] == [(blog, "dead", 404)]


def test_an_other_url_on_an_internationalised_host_names_its_reference(db: Any) -> None:
    """The link of 'https://bücher.example/p' is stored punycoded; the reference that
    carries it as written is still found."""
    from provenance.domain.documents import ParsedDocument, ParsedReference, ReferenceFields
    from provenance.store.changes import carriers
    from provenance.store.documents import save_document
    from provenance.store.links import ensure_links

    carried = {"1": "https://Bücher.example/p", "2": "https://xn--caf-dma.test/"}
    parsed = ParsedDocument(format="markdown", title="T", claims=(), references=tuple(
        ParsedReference(label, "r", ReferenceFields(
            url=f"https://example.org/{label}", extra={"urls": f"https://example.org/{label} "
                                                                f"{url}"}))
        for label, url in carried.items()))
    with db.session() as session:
        save_document(session, parsed, origin="/idn.md", content_hash="h")
        ids = ensure_links(session, carried.values())
    found = carriers(db, {i: url for url, i in ids.items()})
    assert {url: [(c.label, c.role) for c in found[i]] for url, i in ids.items()} == {
        "https://xn--bcher-kva.example/p": [("1", "other")],
        "https://xn--caf-dma.test/": [("2", "other")]}
