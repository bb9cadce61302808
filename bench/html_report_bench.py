"""How quickly the HTML report of a large article opens in a real browser.

Renders ``bench.report_model.big_report(N)`` (N references, 1.5 N claims, five checks of
history per link, a support verdict per cited claim) with ``render_html`` and opens the file
in headless Debian chromium through Playwright, several times; prints the render time, the
file size and the median time to the page's ``load`` event, and the time for the filter
script to apply one filter. Nothing leaves the machine (a file:// page with no network).

    .venv/bin/python bench/html_report_bench.py --refs 400 --repeat 5
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.report_model import big_report
from provenance.report.render_html import render_html

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


# Time one filter change inside the page, up to the next frame (style and layout done).
_FILTER_MS = """() => new Promise(done => {
  const box = document.querySelector("[data-filter=flags]");
  const start = performance.now();
  box.value = "dead-link";
  box.dispatchEvent(new Event("change"));
  requestAnimationFrame(() => setTimeout(() => done(performance.now() - start), 0));
})"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--refs", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    model = big_report(args.refs)
    started = time.perf_counter()
    html = render_html(model)
    render_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.html"
        path.write_text(html, encoding="utf-8")
        loads, filters = [], []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=ARGS)
            for _ in range(args.repeat):
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                started = time.perf_counter()
                page.goto(path.as_uri(), wait_until="load")
                loads.append(time.perf_counter() - started)
                filters.append(page.evaluate(_FILTER_MS) / 1000)
                page.close()
            browser.close()
    print(f"references {args.refs}, claims {len(model['documents'][0]['claims'])}")
    print(f"render {render_s * 1000:.0f} ms, file {len(html.encode()) / 1024:.0f} KiB")
    print(f"open in chromium (to load event): median {statistics.median(loads) * 1000:.0f} ms "
          f"(min {min(loads) * 1000:.0f}, max {max(loads) * 1000:.0f}) over {args.repeat}")
    print(f"one filter applied: median {statistics.median(filters) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
