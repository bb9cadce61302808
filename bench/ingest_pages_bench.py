"""Ingest throughput on real Wikipedia pages, per core: parse only and end to end.

Reads every saved Wikipedia HTML page in ``fixtures/wikipedia/`` (desktop and Parsoid, 0.2 to
2.5 MB each), then in one process (one core):

- **parse**: detect the form and parse each page (``parse_text``), ``--rounds`` times;
- **end to end**: ``ingest_many`` of the same pages from files into a fresh SQLite database
  (read, decode, detect, parse, store; one transaction per document);
- the largest page alone, both ways;
- with ``--sentence-mb N``: one N MB "sentence" (words, no full stop) read as a text file.

Prints pages/s and MB/s per core and the self-truth figures of the same parses.

    .venv/bin/python bench/ingest_pages_bench.py [--rounds 3] [--sentence-mb 20]
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from provenance.services.ingest import ingest_many, parse_text
from provenance.settings import Settings
from provenance.store.database import Database
from tests.ingest.self_truth import page_truth, read_fixture, score, wikipedia_html_fixtures


def _parse_all(pages: list[tuple[str, str]], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        gc.collect()
        start = time.perf_counter()
        for name, html in pages:
            parse_text(html, name)
        best = min(best, time.perf_counter() - start)
    return best


def _end_to_end(folder: Path, paths: list[str]) -> float:
    url = f"sqlite:///{folder / f'bench{time.monotonic_ns()}.db'}"
    db = Database.open(url)
    settings = Settings(db_url=url)
    start = time.perf_counter()
    outcomes = ingest_many(db, settings, paths, workers=1)
    wall = time.perf_counter() - start
    db.dispose()
    failed = [o.error for o in outcomes if o.error]
    if failed:
        raise SystemExit(f"ingest failed: {failed}")
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sentence-mb", type=float, default=0.0)
    args = parser.parse_args()
    pages = [(p.name, read_fixture(p)) for p in wikipedia_html_fixtures()]
    sizes = {name: len(html.encode("utf-8")) for name, html in pages}
    total_mb = sum(sizes.values()) / 1e6
    print(f"{len(pages)} pages, {total_mb:.1f} MB (largest {max(sizes.values()) / 1e6:.2f} MB)")

    right = total = held = cited = 0
    for name, html in pages:
        s = score(parse_text(html, name), page_truth(html))
        right, total = right + s.labels_right, total + s.labels_total
        held, cited = held + s.held, cited + s.cited_total
    print(f"self-truth: labels {right}/{total} = {right / total:.1%}; "
          f"cited labels held {held}/{cited} = {held / cited:.1%}")

    parse_s = _parse_all(pages, args.rounds)
    print(f"parse only : {len(pages) / parse_s:6.1f} pages/s/core  "
          f"{total_mb / parse_s:5.2f} MB/s/core  ({parse_s:.2f} s for all)")
    typical = [(n, h) for n, h in pages if sizes[n] <= 400_000]
    if typical:
        typical_s = _parse_all(typical, args.rounds)
        typical_mb = sum(sizes[n] for n, _h in typical) / 1e6
        print(f"parse only, the {len(typical)} pages of at most 400 KB (a Wikipedia article's "
              f"usual size): {len(typical) / typical_s:6.1f} pages/s/core  "
              f"{typical_mb / typical_s:5.2f} MB/s/core")
    largest_name, largest = max(pages, key=lambda p: len(p[1]))
    one = _parse_all([(largest_name, largest)], args.rounds)
    print(f"largest page parse ({largest_name}, {sizes[largest_name] / 1e6:.2f} MB): {one:.2f} s")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = []
        for name, html in pages:
            path = folder / name.removesuffix(".gz")
            path.write_text(html, encoding="utf-8")
            paths.append(str(path))
        wall = _end_to_end(folder, paths)
        print(f"end to end : {len(pages) / wall:6.1f} pages/s/core  "
              f"{total_mb / wall:5.2f} MB/s/core  ({wall:.2f} s, SQLite)")
        big = [p for p in paths if Path(p).name == largest_name.removesuffix(".gz")]
        print(f"largest page end to end: {_end_to_end(folder, big):.2f} s")
        if args.sentence_mb:  # issue 11: "a 20 MB single-sentence input must finish"
            words = ("claims rest on sources that move and vanish while nobody looks "
                     * int(args.sentence_mb * 1e6 / 62 + 1))[: int(args.sentence_mb * 1e6)]
            path = folder / "one_sentence.txt"
            path.write_text(words + ".\n", encoding="utf-8")  # one sentence, one full stop
            start = time.perf_counter()
            wall = _end_to_end(folder, [str(path)])
            print(f"{args.sentence_mb:g} MB single sentence end to end: {wall:.2f} s "
                  f"({time.perf_counter() - start:.2f} s with start-up)")


if __name__ == "__main__":
    main()
