"""How quickly the review app shows a large document in a real browser.

Stores one document with N references and N claims (each claim citing one reference, every
reference with a URL) in a fresh SQLite file, starts ``provenance serve`` on a free loopback
port, and opens the document page in headless Debian chromium several times: the time to the
page's load event and the page's size. Nothing leaves the machine.

    .venv/bin/python -m bench.review_app_bench --refs 400 --repeat 5
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.html_report_bench import ARGS
from provenance.store.database import Database
from provenance.store.documents import save_document
from tests.report.test_report_queries import _document
from tests.web.servers import review_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--refs", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'big.db'}"
        db = Database.open(url)
        with db.session() as session:
            save_document(session, _document(args.refs, "big"), origin="/big.md",
                          content_hash="x")
        db.dispose()
        loads, size = [], 0
        with review_app(url) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=ARGS)
            for _ in range(args.repeat):
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                started = time.perf_counter()
                page.goto(base + "/documents/1", wait_until="load")
                loads.append(time.perf_counter() - started)
                size = len(page.content().encode())
                page.close()
            browser.close()
    print(f"document page, {args.refs} references and claims: load event median "
          f"{statistics.median(loads) * 1000:.0f} ms (min {min(loads) * 1000:.0f}, max "
          f"{max(loads) * 1000:.0f}, n={len(loads)}), {size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
