"""Walking a mwparserfromhell tree in document order, the per-parse state, MediaWiki's
reference labels (1, 2, ...; a, b, ...; i, ii, ...; "note 1"), and the links of a
reference's body.
"""

from __future__ import annotations

import html
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain

from mwparserfromhell.nodes import (
    Comment,
    ExternalLink,
    Heading,
    HTMLEntity,
    Node,
    Tag,
    Template,
    Text,
    Wikilink,
)
from mwparserfromhell.wikicode import Wikicode

from provenance.domain.documents import ReferenceFields
from provenance.ingest.references.links import is_archive_url

__all__ = [
    "Occurrence", "State", "bare_link", "is_ref", "link_targets", "ref_body_empty", "ref_label",
    "tag_attr", "walk_nodes",
]

_WARN_LIMIT = 20

@dataclass
class Occurrence:
    """One place a reference is cited: a ``<ref>``, ``{{sfn}}`` or ``{{efn}}``."""

    label: str
    group: str
    key: tuple[str, str]

@dataclass
class State:
    """What one parse gathers: citations in document order, definitions by (group, name),
    markers and tags of the rendered text (by sentinel index), facts, warnings."""

    occurrences: list[Occurrence] = field(default_factory=list)
    definitions: dict[tuple[str, str], Node] = field(default_factory=dict)
    markers: list[Occurrence] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        if len(self.warnings) < _WARN_LIMIT and message not in self.warnings:
            self.warnings.append(message)

def tag_attr(tag: Tag, name: str) -> str:
    if not tag.has(name):
        return ""
    return " ".join(str(tag.get(name).value).split()).strip().strip("\"'")

def is_ref(node: Node) -> bool:
    return isinstance(node, Tag) and str(node.tag).strip().lower() == "ref"

def ref_body_empty(tag: Tag) -> bool:
    return tag.self_closing or tag.contents is None or not str(tag.contents).strip()

def _children(node: Node) -> Iterator[Wikicode]:
    if isinstance(node, Tag):
        if node.contents is not None:
            yield node.contents
    elif isinstance(node, Template):
        for param in node.params:
            yield param.value
    elif isinstance(node, Wikilink):
        if node.text is not None:
            yield node.text
    elif isinstance(node, ExternalLink):
        if node.title is not None:
            yield node.title
    elif isinstance(node, Heading):
        yield node.title

def walk_nodes(code: Wikicode, inside_ref: bool = False) -> Iterator[tuple[Node, bool]]:
    """Every node in document order, with whether it sits inside a ``<ref>``'s body (one loop
    over a stack of child iterators, not a generator per level). A note template
    (``{{efn}}``, French ``{{Note}}``) is MediaWiki's ``{{#tag:ref}}``: a ``<ref>`` inside it
    is a reference of its own, numbered where the note stands."""
    stack: list[tuple[Iterator[Node], bool]] = [(iter(code.nodes), inside_ref)]
    while stack:
        nodes, inside = stack[-1]
        for node in nodes:
            yield node, inside
            kind = type(node)
            if kind is Text or kind is Comment or kind is HTMLEntity:
                continue
            children = list(_children(node))
            if children:
                nested = inside or is_ref(node)
                stack.append((chain.from_iterable(c.nodes for c in children), nested))
                break
        else:
            stack.pop()

def _letters(number: int, upper: bool) -> str:
    alphabet = string.ascii_uppercase if upper else string.ascii_lowercase
    out = ""
    while number:
        number, rest = divmod(number - 1, 26)
        out = alphabet[rest] + out
    return out

def _roman(number: int) -> str:
    values = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
              (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for value, numeral in values:
        while number >= value:
            out, number = out + numeral, number - value
    return out

def ref_label(group: str, number: int) -> str:
    if group in ("lower-alpha", "upper-alpha", "alpha"):  # French "alpha" notes show a, b …
        return _letters(number, group == "upper-alpha")
    if group in ("lower-roman", "upper-roman"):
        numeral = _roman(number)
        return numeral.upper() if group == "upper-roman" else numeral
    return f"{group} {number}" if group else str(number)


def absolute_url(url: str) -> str:
    """A link target as the browser follows it: its entities as characters ("&amp;" is "&"),
    a protocol-relative URL ("//host/path") as https."""
    url = html.unescape(url.strip())
    return "https:" + url if url.startswith("//") else url


def bare_link(body: Wikicode, render: Callable[[Wikicode], str]) -> ReferenceFields | None:
    """``[url title]`` alone in a reference: the link's text is the title, not a citation."""
    nodes = [n for n in body.nodes if not isinstance(n, Comment)
             and not (isinstance(n, Text) and not str(n).strip(" .\n"))]
    if len(nodes) != 1 or not isinstance(nodes[0], ExternalLink) or nodes[0].title is None:
        return None
    href = absolute_url(str(nodes[0].url))
    title = " ".join(render(nodes[0].title).split()) or None
    if is_archive_url(href):
        return ReferenceFields(title=title, archive_url=href)
    return ReferenceFields(title=title, url=href)


def link_targets(body: Wikicode) -> tuple[str | None, str | None]:
    """The first external link of a reference body, and its first archive link."""
    url = archive = None
    for link in body.filter_external_links(recursive=True):
        href = absolute_url(str(link.url))
        if is_archive_url(href):
            archive = archive or href
        elif url is None:
            url = href
    return url, archive
