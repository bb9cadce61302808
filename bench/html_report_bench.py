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
from provenance.report.render_html import asset, csp_hash, render_html

CV_RULE = ";content-visibility:auto;contain-intrinsic-size:auto 6em"

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


# First contentful paint, from the navigation's start, as the page measured it.
_PAINT_MS = """() => new Promise(done => requestAnimationFrame(() => setTimeout(() => {
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  done(paint ? paint.startTime : NaN);
}, 0)))"""

# Time one filter change inside the page, up to the next frame (style and layout done).
_FILTER_MS = """() => new Promise(done => {
  const box = document.querySelector("[data-filter=flags]");
  const start = performance.now();
  box.value = "dead-link";
  box.dispatchEvent(new Event("change"));
  requestAnimationFrame(() => setTimeout(() => done(performance.now() - start), 0));
})"""


def without_content_visibility(html: str) -> str:
    """The same page with its off-screen items laid out at once (the rule and its hash
    replaced), for a side-by-side figure."""
    style = asset("report.css")
    plain = style.replace(CV_RULE, "")
    assert plain != style, "the content-visibility rule moved: update CV_RULE"
    return html.replace(style, plain).replace(csp_hash(style), csp_hash(plain))


def _open(browser, uri: str, repeat: int) -> tuple[list[float], list[float], list[float]]:  # type: ignore[no-untyped-def]
    loads, paints, filters = [], [], []
    for _ in range(repeat):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        started = time.perf_counter()
        page.goto(uri, wait_until="load")
        loads.append(time.perf_counter() - started)
        paints.append(page.evaluate(_PAINT_MS) / 1000)
        filters.append(page.evaluate(_FILTER_MS) / 1000)
        page.close()
    return loads, paints, filters


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
        path, plain = Path(tmp) / "report.html", Path(tmp) / "plain.html"
        path.write_text(html, encoding="utf-8")
        plain.write_text(without_content_visibility(html), encoding="utf-8")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=ARGS)
            runs = {}
            for _ in range(2):  # interleaved, so both see the same machine
                for name, file in (("report", path), ("no content-visibility", plain)):
                    got = _open(browser, file.as_uri(), max(1, args.repeat // 2))
                    old = runs.setdefault(name, ([], [], []))
                    for mine, new in zip(old, got, strict=True):
                        mine.extend(new)
            browser.close()
    print(f"references {args.refs}, claims {len(model['documents'][0]['claims'])}")
    print(f"render {render_s * 1000:.0f} ms, file {len(html.encode()) / 1024:.0f} KiB")
    for name, (loads, paints, filters) in runs.items():
        ms = [round(statistics.median(x) * 1000) for x in (loads, paints, filters)]
        print(f"{name}: load event {ms[0]} ms (min {min(loads) * 1000:.0f}, max "
              f"{max(loads) * 1000:.0f}, n={len(loads)}), first contentful paint {ms[1]} ms, "
              f"one filter {ms[2]} ms")


if __name__ == "__main__":
    main()
