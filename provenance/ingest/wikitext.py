"""Parse wikitext (an edit box, ``action=raw``, a dump page) with mwparserfromhell.

References are numbered the way MediaWiki's Cite numbers them, so labels match the rendered
page: in order of first use over the whole page, per group, a named ``<ref name=x>``
keeping its number when reused as ``<ref name=x />`` (before or after its definition,
list-defined references included). ``{{efn}}`` notes form the ``lower-alpha`` group;
``{{sfn}}`` footnotes are references whose fields come from the full citation with the
same first author and year (``{{harvnb}}`` inside a ``<ref>`` likewise). A reuse of a name
never defined is a citation whose label (the name) matches no reference. Paragraphs render
to plain text (links to their text, bold/italics dropped, files, categories, navboxes and
tables left out); info-box parameters become facts; headings start sections.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import mwparserfromhell
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

from provenance.errors import InputError
from provenance.ingest.claims import Marker, build_claims
from provenance.ingest.references import parse_reference
from provenance.ingest.types import ParsedClaim, ParsedDocument, ParsedReference, ReferenceFields
from provenance.ingest.wiki_html import (
    CLAIM_TEXT_BUDGET,
    NON_PROSE_SECTIONS,
    budget_warning,
    is_archive_url,
    tag_slug,
)
from provenance.ingest.wikitext_cite import (
    SHORT_NAMES,
    cite_fields,
    is_cite,
    short_key,
    template_name,
    template_params,
    year_of,
)

__all__ = ["FORMAT", "LEAD", "parse"]

FORMAT = "wikitext"
LEAD = "Lead"

_FLAG_TEMPLATES = {
    "cn": "citation needed", "citation needed": "citation needed", "fact": "citation needed",
    "cite needed": "citation needed", "citeneeded": "citation needed",
    "citation missing": "citation needed", "ref needed": "citation needed",
    "better source needed": "better source needed", "better source": "better source needed",
    "bsn": "better source needed", "dead link": "dead link", "deadlink": "dead link",
    "dl": "dead link", "failed verification": "failed verification",
    "verification needed": "verification needed", "clarify": "clarification needed",
    "clarification needed": "clarification needed", "who": "who", "when": "when",
    "which": "which", "by whom": "by whom", "according to whom": "according to whom",
    "dubious": "dubious", "page needed": "page needed", "unreliable source?":
    "unreliable source", "unreliable source": "unreliable source", "primary source inline":
    "primary source needed", "self-published inline": "self-published source",
    "full citation needed": "full citation needed", "third-party inline":
    "third-party source needed", "original research inline": "original research",
}
_EFN = {"efn": "lower-alpha", "efn-la": "lower-alpha", "efn-ua": "upper-alpha",
        "efn-lr": "lower-roman", "efn-ur": "upper-roman", "efn-lg": "lower-greek",
        "notetag": "lower-alpha", "refn": ""}
_KEEP_FIRST = {"nowrap", "nobr", "small", "smaller", "big", "larger", "nobold", "noitalic",
               "abbr", "sic", "em", "strong", "visible anchor", "anchor", "keep together",
               "nowrap begin", "lang-en", "nihongo", "nihongo2", "korean", "zh", "ill",
               "interlanguage link", "proper name", "tooltip", "wikt-lang"}
_LITERAL = {"ndash": "–", "mdash": "—", "nbsp": " ", "'": "'", "snd": " – ", "spaced ndash":
            " – ", "circa": "c.", "c.": "c.", "·": "·", "dot": "·", "bull": "•", "=": "=",
            "!": "|", "en dash": "–", "em dash": "—", "thinsp": " ", "-": "-"}
_MEDIA = re.compile(r"^\s*:?\s*(?:file|image|media|category|datei|bild|fichier|archivo|"
                    r"catégorie|categoría|categoria|kategorie|kategoria)\s*:", re.IGNORECASE)
# French Wikipedia's date templates ({{date-|4 février 2023}}, {{date de naissance|17|11|1994}})
# and ordinals ({{3e|place}}), rendered as the page shows them.
_DATE_TEMPLATES = {"date", "date-", "date de naissance", "date de décès", "date sport"}
_ORDINAL = re.compile(r"^(\d+)(e|er|re|ère|nd|nde|ème)$")
_FRENCH_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                  "septembre", "octobre", "novembre", "décembre")
_INTERWIKI = re.compile(r"^\s*[a-z]{2,3}(?:-[a-z]{2,8})?\s*:", re.IGNORECASE)
_SKIP_TAGS = {"gallery", "math", "chem", "score", "timeline", "imagemap", "graph", "mapframe",
              "maplink", "templatestyles", "references", "syntaxhighlight", "source", "pre",
              "table", "templatedata", "hiero", "ce", "inputbox", "categorytree"}
_INFOBOX_SKIP = re.compile(r"image|img|logo|map|width|size|alt$|signature|module|embed|caption|"
                           r"coordinates|pushpin|footnotes|upright", re.IGNORECASE)
_MARK = "\ue000"  # a marker or tag sentinel: \ue000<kind><index>\ue001
_END = "\ue001"
_ITEM = "\ue002"  # a list item starts
_SENTINEL = re.compile(r"\ue000([mt])(\d+)\ue001")
_WARN_LIMIT = 20
# The longest Wikipedia articles are ~500 KB of wikitext; past twice that, a parse is cut at a
# paragraph end (mwparserfromhell reads ~200 KB/s of citation-dense wikitext).
WIKITEXT_BUDGET = 600_000


@dataclass
class _Occurrence:
    """One place a reference is cited: a ``<ref>``, ``{{sfn}}`` or ``{{efn}}``."""

    label: str
    group: str
    key: tuple[str, str]


@dataclass
class _State:
    occurrences: dict[int, _Occurrence] = field(default_factory=dict)
    definitions: dict[tuple[str, str], Node] = field(default_factory=dict)
    markers: list[tuple[str, str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        if len(self.warnings) < _WARN_LIMIT and message not in self.warnings:
            self.warnings.append(message)


def _attr(tag: Tag, name: str) -> str:
    if not tag.has(name):
        return ""
    return " ".join(str(tag.get(name).value).split()).strip().strip("\"'")


def _is_ref(node: Node) -> bool:
    return isinstance(node, Tag) and str(node.tag).strip().lower() == "ref"


def _ref_body_empty(tag: Tag) -> bool:
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


def _walk(code: Wikicode, inside_ref: bool = False) -> Iterator[tuple[Node, bool]]:
    """Every node in document order, with whether it sits inside a reference's body."""
    for node in code.nodes:
        yield node, inside_ref
        if isinstance(node, Comment):
            continue
        nested = inside_ref or _is_ref(node) or (
            isinstance(node, Template) and template_name(node) in _EFN)
        for child in _children(node):
            yield from _walk(child, nested)


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


def _label(group: str, number: int) -> str:
    if group in ("lower-alpha", "upper-alpha"):
        return _letters(number, group == "upper-alpha")
    if group in ("lower-roman", "upper-roman"):
        numeral = _roman(number)
        return numeral.upper() if group == "upper-roman" else numeral
    return f"{group} {number}" if group else str(number)


class _Wikitext:
    """One parse: numbering pass, then rendering with sentinels, then claims."""

    def __init__(self, code: Wikicode) -> None:
        self.code = code
        self.state = _State()
        self.short_bodies: dict[tuple[str, str], tuple[Template, str]] = {}
        self.full_cites: dict[tuple[str, str], Template] = {}

    # -- numbering ---------------------------------------------------------------------
    def number(self) -> None:
        state = self.state
        for node, inside in _walk(self.code):
            if isinstance(node, Template) and is_cite(node) and not inside:
                self._index_full(node)
            if inside:
                if _is_ref(node):
                    state.warn("a <ref> inside another reference was ignored (reference loop or "
                               "nested reference)")
                elif isinstance(node, Template) and is_cite(node):
                    self._index_full(node)
                continue
            if _is_ref(node):
                assert isinstance(node, Tag)
                group, name = _attr(node, "group"), _attr(node, "name")
                if name and not _ref_body_empty(node):
                    state.definitions.setdefault((group, name), node)
                key = (group, name) if name else (group, f"\0{id(node)}")
                if not name:
                    state.definitions[key] = node
                self._occur(node, group, key)
        for node, _inside in _walk(self.code):
            if isinstance(node, Template) and template_name(node) in _EFN:
                self._efn(node)
            elif isinstance(node, Template) and template_name(node) in ("sfn", "sfnp", "sfnm"):
                self._sfn(node)
        self._renumber()

    def _index_full(self, template: Template) -> None:
        params = template_params(template, self.render)
        year = year_of(params)
        last = params.get("last") or params.get("last1") or params.get("surname") \
            or params.get("surname1") or params.get("author") or params.get("author1") \
            or params.get("vauthors", "").split(" ")[0] or ""
        last = last.split(",")[0].strip().lower()
        if last and year:
            self.full_cites.setdefault((last, year), template)

    def _occur(self, node: Node, group: str, key: tuple[str, str]) -> None:
        self.state.occurrences[id(node)] = _Occurrence("", group, key)

    def _efn(self, template: Template) -> None:
        name = template_name(template)
        group = _EFN[name]
        named = {str(p.name).strip().lower(): p for p in template.params if p.showkey}
        if name == "refn" and "group" in named:
            group = str(named["group"].value).strip()
        ref_name = str(named["name"].value).strip() if "name" in named else ""
        key = (group, ref_name) if ref_name else (group, f"\0{id(template)}")
        has_body = any(not p.showkey and str(p.value).strip() for p in template.params)
        if has_body:
            self.state.definitions.setdefault(key, template)
        self._occur(template, group, key)

    def _sfn(self, template: Template) -> None:
        found, pages = short_key(template, self.render)
        text = self.render(mwparserfromhell.parse(
            "|".join(str(p.value) for p in template.params if not p.showkey)))
        key = ("", "FOOTNOTE" + str(template.params).replace(" ", ""))
        shown = " ".join(text.replace("|", " ").split()) + (f", p. {pages}" if pages else "")
        if found:
            self.short_bodies[key] = (template, shown)
        self.state.definitions.setdefault(key, template)
        self._occur(template, "", key)

    def _renumber(self) -> None:
        """Assign MediaWiki's numbers in document order (the walk visited sfn/efn last)."""
        positions = {id(node): index for index, (node, _i) in enumerate(_walk(self.code))}
        counters: dict[str, int] = {}
        numbers: dict[tuple[str, str], str] = {}
        for node_id in sorted(self.state.occurrences, key=lambda n: positions.get(n, 0)):
            occurrence = self.state.occurrences[node_id]
            if occurrence.key not in numbers:
                counters[occurrence.group] = counters.get(occurrence.group, 0) + 1
                numbers[occurrence.key] = _label(occurrence.group, counters[occurrence.group])
            defined = occurrence.key in self.state.definitions
            name = occurrence.key[1]
            occurrence.label = numbers[occurrence.key] if defined else name
            if not defined:
                self.state.warn(f"reference name {name!r} is used but never defined")

    # -- rendering ---------------------------------------------------------------------
    def render(self, code: Wikicode | None, *, markers: bool = False) -> str:
        if code is None:
            return ""
        return "".join(self._node(node, markers) for node in code.nodes)

    def _sentinel(self, kind: str, index: int) -> str:
        return f"{_MARK}{kind}{index}{_END}"

    def _node(self, node: Node, markers: bool) -> str:
        if isinstance(node, Text):
            return str(node.value)
        if isinstance(node, HTMLEntity):
            return node.normalize()
        if isinstance(node, Comment):
            return ""
        if isinstance(node, Wikilink):
            target = str(node.title)
            if _MEDIA.match(target) or (_INTERWIKI.match(target) and node.text is None
                                        and not target.lstrip().startswith(":")):
                return ""
            if node.text is not None:
                return self.render(node.text, markers=markers)
            return target.lstrip(":").split("#")[0] or target
        if isinstance(node, ExternalLink):
            if node.title is not None:
                return self.render(node.title, markers=markers)
            return "" if node.brackets else str(node.url)
        if isinstance(node, Heading):
            return ""
        if isinstance(node, Template):
            return self._template(node, markers)
        if isinstance(node, Tag):
            return self._tag(node, markers)
        return ""

    def _marker(self, node: Node) -> str:
        occurrence = self.state.occurrences.get(id(node))
        if occurrence is None:
            return ""
        self.state.markers.append((occurrence.label, occurrence.group))
        return self._sentinel("m", len(self.state.markers) - 1)

    def _template(self, template: Template, markers: bool) -> str:
        name = template_name(template)
        if name in _FLAG_TEMPLATES:
            if not markers:
                return ""
            self.state.tags.append(tag_slug(_FLAG_TEMPLATES[name]))
            return self._sentinel("t", len(self.state.tags) - 1)
        if name in _EFN or name in ("sfn", "sfnp", "sfnm"):
            return self._marker(template) if markers else ""
        if name.startswith("infobox") or name.endswith(" infobox"):
            if markers:
                for param in template.params:
                    key = " ".join(str(param.name).split())
                    value = " ".join(self.render(param.value).split())
                    if value and not _INFOBOX_SKIP.search(key):
                        self.state.facts.append((key, value))
            return ""
        if name in _LITERAL:
            return _LITERAL[name]
        positional = [p for p in template.params if not p.showkey]
        if name in _DATE_TEMPLATES:
            return _french_date([self.render(p.value).strip() for p in positional])
        ordinal = _ORDINAL.match(name)
        if ordinal:
            shown = ordinal.group(1) + ordinal.group(2)
            return f"{shown} {self.render(positional[0].value).strip()}" if positional else shown
        if name == "lang" or name.startswith("lang-") and name != "lang-en":
            chosen = positional[1] if name == "lang" and len(positional) > 1 else (
                positional[0] if positional else None)
            return self.render(chosen.value, markers=markers) if chosen else ""
        if name in ("transl", "transliteration") and positional:
            return self.render(positional[-1].value, markers=markers)
        if name == "linktext":
            return "".join(self.render(p.value, markers=markers) for p in positional)
        if name == "convert" and len(positional) >= 2:
            return " ".join(self.render(p.value) for p in positional[:2])
        if name in ("as of", "asof") and positional:
            return "As of " + " ".join(self.render(p.value) for p in positional[:3])
        if name in SHORT_NAMES and positional:
            return " ".join(self.render(p.value) for p in positional[:2])
        if name in _KEEP_FIRST and positional:
            return self.render(positional[0].value, markers=markers)
        return ""

    def _tag(self, tag: Tag, markers: bool) -> str:
        name = str(tag.tag).strip().lower()
        if name == "ref":
            return self._marker(tag) if markers else ""
        if name == "li" or (tag.wiki_markup and str(tag.wiki_markup) in ("*", "#", ":", ";")):
            return f"\n{_ITEM}"
        if name in _SKIP_TAGS or (tag.wiki_markup and str(tag.wiki_markup).startswith("{|")):
            return ""
        if name == "br":
            return " "
        if name == "hr":
            return "\n\n"
        if tag.contents is None:
            return ""
        return self.render(tag.contents, markers=markers)

    # -- references --------------------------------------------------------------------
    def reference(self, key: tuple[str, str], label: str, group: str) -> ParsedReference:
        node = self.state.definitions[key]
        tags: list[str] = []
        extra: dict[str, str] = {}
        if key[1] and not key[1].startswith(("\0", "FOOTNOTE")):
            extra["name"] = key[1]
        if key in self.short_bodies:
            return self._short_reference(key, label, extra)
        body: Wikicode | None
        if isinstance(node, Template):
            body = next((p.value for p in node.params if not p.showkey), None)
        else:
            assert isinstance(node, Tag)
            body = node.contents
        raw = str(body).strip() if body is not None else ""
        if body is None or not raw:
            return ParsedReference(label=label, raw="", group=group, tags=("empty",),
                                   fields=ReferenceFields(extra=extra))
        cites = [t for t in body.filter_templates(recursive=True) if is_cite(t)] if body else []
        shorts = [t for t in body.filter_templates(recursive=True)
                  if template_name(t) in SHORT_NAMES] if body else []
        flags = {template_name(t) for t in body.filter_templates(recursive=True)} if body else set()
        if flags & {"dead link", "deadlink", "dl"}:
            tags.append("dead-link")
        if cites:
            fields = cite_fields(cites[0], self.render)
            if not template_params(cites[0], self.render):
                tags.append("empty")
        elif shorts and (found := short_key(shorts[0], self.render))[0] \
                and found[0] in self.full_cites:
            fields = cite_fields(self.full_cites[found[0]], self.render)
            if found[1]:
                fields = replace(fields, extra={**fields.extra, "pages": found[1]})
        elif (bare := self._bare_link(body)) is not None:
            fields = bare
        else:
            fields = parse_reference(" ".join(self.render(body).split()))
            url, archive = self._links(body)
            if url and not fields.url:
                fields = replace(fields, url=url)
            if archive and not fields.archive_url:
                fields = replace(fields, archive_url=archive)
        fields = replace(fields, extra={**fields.extra, **extra})
        return ParsedReference(label=label, raw=raw, fields=fields, group=group,
                               tags=tuple(tags))

    def _short_reference(self, key: tuple[str, str], label: str,
                         extra: dict[str, str]) -> ParsedReference:
        template, shown = self.short_bodies[key]
        found, pages = short_key(template, self.render)
        full = self.full_cites.get(found) if found else None
        if full is not None:
            fields = cite_fields(full, self.render)
            extra = {**fields.extra, **extra, "short": shown}
        else:
            fields = ReferenceFields(authors=(found[0][0].title(),) if found else ())
            extra = {**extra, "short": shown, "full_citation": "not found"}
        if pages:
            extra["pages"] = pages
        return ParsedReference(label=label, raw=str(template), fields=replace(fields, extra=extra))

    def _bare_link(self, body: Wikicode) -> ReferenceFields | None:
        """``[url title]`` alone: the link's text is the title, not a rendered citation."""
        nodes = [n for n in body.nodes if not isinstance(n, Comment)
                 and not (isinstance(n, Text) and not str(n).strip(" .\n"))]
        if len(nodes) != 1 or not isinstance(nodes[0], ExternalLink) or nodes[0].title is None:
            return None
        href = str(nodes[0].url)
        title = " ".join(self.render(nodes[0].title).split()) or None
        if is_archive_url(href):
            return ReferenceFields(title=title, archive_url=href)
        return ReferenceFields(title=title, url=href)

    def _links(self, body: Wikicode) -> tuple[str | None, str | None]:
        url = archive = None
        for link in body.filter_external_links(recursive=True):
            href = str(link.url)
            if is_archive_url(href):
                archive = archive or href
            elif url is None:
                url = href
        return url, archive


def _french_date(parts: list[str]) -> str:
    """"17 11 1994" or 17|11|1994 -> "17 novembre 1994"; text dates as written."""
    words = " ".join(parts).split()
    if len(words) >= 2 and words[-2].isdigit() and 1 <= int(words[-2]) <= 12:
        words[-2] = _FRENCH_MONTHS[int(words[-2]) - 1]
    return " ".join(words)


def _paragraphs(rendered: str) -> Iterator[tuple[str, bool]]:
    """(text, is_list_item) blocks of a rendered section."""
    for chunk in re.split(r"\n\s*\n", rendered):
        lines: list[str] = []
        for line in chunk.split("\n"):
            if line.startswith(_ITEM):
                if lines:
                    yield " ".join(lines), False
                    lines = []
                yield line[len(_ITEM):].lstrip("*#:; "), True
            elif line.strip():
                lines.append(line.strip())
        if lines:
            yield " ".join(lines), False


def _extract(text: str, state: _State) -> tuple[str, list[Marker], list[tuple[int, str]]]:
    out: list[str] = []
    markers: list[Marker] = []
    tags: list[tuple[int, str]] = []
    size = 0
    cursor = 0
    for found in _SENTINEL.finditer(text):
        piece = text[cursor:found.start()]
        out.append(piece)
        size += len(piece)
        index = int(found.group(2))
        if found.group(1) == "m":
            label, group = state.markers[index]
            markers.append(Marker(size, label, group))
        else:
            tags.append((size, state.tags[index]))
        cursor = found.end()
    out.append(text[cursor:])
    plain = "".join(out)
    collapsed = re.sub(r"\s+", " ", plain)
    if collapsed != plain:  # re-map offsets through the whitespace collapse
        mapping, position = [], 0
        for index, char in enumerate(plain):
            mapping.append(position)
            if not (char.isspace() and index + 1 < len(plain) and plain[index + 1].isspace()):
                position += 1
        mapping.append(position)
        markers = [replace(m, offset=mapping[m.offset]) for m in markers]
        tags = [(mapping[o], t) for o, t in tags]
        plain = collapsed
    lead = len(plain) - len(plain.lstrip())
    plain = plain.strip()
    markers = [replace(m, offset=min(max(m.offset - lead, 0), len(plain))) for m in markers]
    tags = [(min(max(o - lead, 0), len(plain)), t) for o, t in tags]
    return plain, markers, tags


def _sections(code: Wikicode) -> Iterator[tuple[str, list[Node]]]:
    title, nodes = LEAD, list[Node]()
    for node in code.nodes:
        if isinstance(node, Heading):
            yield title, nodes
            title = " ".join(mwparserfromhell.parse(node.title).strip_code().split()) or title
            nodes = []
        else:
            nodes.append(node)
    yield title, nodes


def _title(code: Wikicode) -> str | None:
    for tag in code.filter_tags(recursive=False):
        if str(tag.wiki_markup or "") == "'''" and tag.contents is not None:
            text = " ".join(tag.contents.strip_code().split())
            if text:
                return text
    return None


def parse(text: str, *, title: str | None = None) -> ParsedDocument:
    """Parse wikitext into claims, references (MediaWiki numbering), facts and tags."""
    cut = None
    if len(text) > WIKITEXT_BUDGET:
        end = text.rfind("\n\n", 0, WIKITEXT_BUDGET)
        end = end if end > 0 else WIKITEXT_BUDGET
        cut = (f"document is very long ({len(text):,} characters): only its first {end:,} "
               "characters were read")
        text = text[:end]
    try:
        code = mwparserfromhell.parse(text)
    except (ValueError, RecursionError) as err:
        raise InputError("wikitext", f"cannot be parsed ({err})") from None
    doc = _Wikitext(code)
    doc.number()
    state = doc.state
    if cut:
        state.warnings.insert(0, cut)
    claims: list[ParsedClaim] = []
    offset = skipped = 0
    for section, nodes in _sections(code):
        rendered = doc.render(Wikicode(nodes), markers=True)
        if section.strip().lower() in NON_PROSE_SECTIONS:
            continue
        for block, is_item in _paragraphs(rendered):
            plain, markers, tags = _extract(block, state)
            if not plain or re.fullmatch(r"[\W_]*", plain):
                continue
            if "<ref" in plain.lower():
                state.warn("an unclosed <ref> tag was read as text")
            if is_item and not markers and not re.search(r"[.!?][\"”’)]*$", plain):
                continue
            if offset > CLAIM_TEXT_BUDGET:
                skipped += 1
                continue
            claims.extend(build_claims(section, plain, markers, base=offset, tags_at=tags))
            offset += len(plain) + 1
    if skipped:
        state.warnings.append(budget_warning(skipped))
    references: list[ParsedReference] = []
    seen: set[tuple[str, str]] = set()
    for occurrence in state.occurrences.values():
        if occurrence.key in seen or occurrence.key not in state.definitions:
            continue
        seen.add(occurrence.key)
        references.append(doc.reference(occurrence.key, occurrence.label, occurrence.group))
    references.sort(key=lambda r: (r.group, _sort_key(r.label)))
    return ParsedDocument(
        format=FORMAT,
        title=title or _title(code),
        claims=tuple(claims),
        references=tuple(references),
        facts=tuple(state.facts),
        warnings=tuple(state.warnings),
    )


def _sort_key(label: str) -> tuple[int, str]:
    digits = re.sub(r"\D", "", label)
    return (int(digits) if digits else 0, label)
