"""The self-truth check of Wikipedia HTML: the page's own markup is the answer key.

No hand labels. On a saved Wikipedia page (desktop or Parsoid HTML) each ``sup.reference``
marker (``sup.mw-ref`` in Parsoid HTML before 2019) links (``href="…#cite_note-…"``) to one
list item ``li#cite_note-…`` (sub-references: an item of a list inside an item) and shows a
label ("12", "n 3", "a", "1.2"). Older Parsoid HTML writes a list-style group's marker as
"[lower-alpha 1]" and lets CSS (``counter(mw-Ref, lower-alpha)``) show "[a]": the label is
what is shown. From the parse of the same page we score:

- **labels**: for every (label, list item) pair the markers show, the reference stored under
  that label carries that item's text;
- **held**: every label a marker in the article shows is cited by at least one stored claim;
- **count**: the number of list items equals the number of stored references;
- **unused**: as many stored references are cited by no claim as list items no marker
  points to.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import lxml.html

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
_BRACKETS = re.compile(r"^\[|\]$")
_CSS_GROUP = re.compile(r"^(lower-alpha|upper-alpha|lower-latin|upper-latin|lower-greek|"
                        r"lower-roman|upper-roman) (\d+)$")
_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def read_fixture(path: Path) -> str:
    """A fixture's text (``.gz`` files are decompressed)."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return data.decode("utf-8")


def wikipedia_html_fixtures() -> list[Path]:
    """Every saved Wikipedia HTML page among the fixtures."""
    return sorted(p for p in (FIXTURES / "wikipedia").iterdir()
                  if ".html" in p.name and not p.name.endswith(".json"))


def _norm(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def _classes(node: lxml.html.HtmlElement) -> set[str]:
    return set((node.get("class") or "").split())


@dataclass
class PageTruth:
    """What the page's markup says: marker label -> list item text, and the items."""

    cited: dict[str, str] = field(default_factory=dict)  # label -> note id
    items: dict[str, str] = field(default_factory=dict)  # note id -> item text
    conflicts: int = 0  # one label shown for two different notes (never on a sane page)


def _css_label(label: str) -> str:
    """What CSS shows for Parsoid's "lower-alpha 3" marker text ("c")."""
    found = _CSS_GROUP.match(label)
    if not found:
        return label
    style, number = found.group(1), int(found.group(2))
    if "roman" in style:
        shown = ""
        for value, letters in _ROMAN:
            while number >= value:
                shown, number = shown + letters, number - value
    else:
        alphabet = ("αβγδεζηθικλμνξοπρστυφχψω" if style == "lower-greek"
                    else "abcdefghijklmnopqrstuvwxyz")
        shown = ""
        while number > 0:
            number, rest = divmod(number - 1, len(alphabet))
            shown = alphabet[rest] + shown
    return shown.upper() if style.startswith("upper") else shown


def page_truth(html: str) -> PageTruth:
    """Read the markers and the reference list items of a Wikipedia page."""
    parser = lxml.html.HTMLParser(encoding="utf-8", huge_tree=True)
    root = lxml.html.document_fromstring(html.encode("utf-8"), parser=parser)
    truth = PageTruth()
    for item in root.iter("li"):
        note = item.get("id") or ""
        parent = item.getparent()
        if not note.startswith("cite_note") or parent is None or parent.tag != "ol":
            continue
        body = None
        for node in item.iter():
            if _classes(node) & {"reference-text", "mw-reference-text"}:
                body = node
                break
        truth.items[note] = _norm((body if body is not None else item).text_content())
    for sup in root.iter("sup"):
        if not _classes(sup) & {"reference", "mw-ref"}:
            continue
        link = next((a for a in sup.iter("a") if a.get("href")), None)
        if link is None or "#" not in link.get("href", ""):
            continue
        note = unquote(link.get("href", "").partition("#")[2])
        label = _BRACKETS.sub("", _norm(link.text_content())).strip()
        if "counter-reset" in (link.get("style") or ""):
            label = _css_label(label)
        if not label or note not in truth.items:
            continue
        if truth.cited.setdefault(label, note) != note:
            truth.conflicts += 1
    return truth


@dataclass(frozen=True)
class Score:
    """How far a parse agrees with its page's own markup."""

    labels_right: int
    labels_total: int
    held: int
    cited_total: int
    items: int
    stored: int
    uncited_items: int = 0  # list items no marker on the page points to
    unused: int = 0  # stored references no claim cites


    @property
    def label_share(self) -> float:
        return self.labels_right / self.labels_total if self.labels_total else 1.0

    @property
    def held_share(self) -> float:
        return self.held / self.cited_total if self.cited_total else 1.0


def score(parsed: object, truth: PageTruth) -> Score:
    """Score a ParsedDocument (claims, references) against the page's truth."""
    stored = {_norm(r.label): _norm(r.raw) for r in parsed.references}  # type: ignore[attr-defined]
    cited_by_claims = {_norm(c.label) for claim in parsed.claims  # type: ignore[attr-defined]
                       for c in claim.citations}
    right = sum(1 for label, note in truth.cited.items()
                if stored.get(label) == truth.items[note])
    held = sum(1 for label in truth.cited if label in cited_by_claims)
    unused = sum(1 for label in stored if label not in cited_by_claims)
    return Score(right, len(truth.cited), held, len(truth.cited), len(truth.items),
                 len(parsed.references),  # type: ignore[attr-defined]
                 len(truth.items) - len(set(truth.cited.values())), unused)


def check_page(path: Path, parse: Callable[[str], object]) -> Score:
    """Parse one fixture page with ``parse`` and score it against its own markup."""
    html = read_fixture(path)
    return score(parse(html), page_truth(html))
