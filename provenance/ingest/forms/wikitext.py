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

import html
import re
from dataclasses import replace

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

from provenance.domain.documents import (
    ParsedClaim,
    ParsedDocument,
    ParsedReference,
    ReferenceFields,
)
from provenance.errors import InputError
from provenance.ingest.claims.sentences import guess_language
from provenance.ingest.claims.split import build_claims
from provenance.ingest.forms.wiki_html import NON_PROSE_SECTIONS, tag_slug
from provenance.ingest.references.parse import parse_reference
from provenance.ingest.wikitext.blocks import (
    END,
    ITEM,
    LEAD,
    MARK,
    bold_title,
    extract_markers,
    sort_key,
    split_paragraphs,
)
from provenance.ingest.wikitext.cite import (
    CITE_NAMES,
    SHORT_NAMES,
    fields_from_params,
    is_cite,
    short_key,
    template_name,
    template_params,
    year_of,
)
from provenance.ingest.wikitext.inline import edition, is_inline, render_inline
from provenance.ingest.wikitext.nodes import (
    Occurrence,
    State,
    bare_link,
    is_ref,
    link_targets,
    ref_body_empty,
    ref_label,
    tag_attr,
    walk_nodes,
)
from provenance.ingest.wikitext.pieces import split_pieces
from provenance.ingest.wikitext.vocabulary import (
    EDITION_NOTES,
    EFN,
    FLAG_TEMPLATES,
    FLAG_WITH_TEXT,
    INFOBOX_SKIP,
    INTERWIKI,
    KEEP_FIRST,
    LIST_TEMPLATES,
    LITERAL,
    MEDIA,
    SKIP_TAGS,
)

__all__ = ["FORMAT", "LEAD", "parse"]

FORMAT = "wikitext"
NOTES = "Notes"  # the section of a note's claim (a note that cites references)



class _Wikitext:
    """One parse, read piece by piece (:mod:`provenance.ingest.wikitext.pieces`): each piece
    is numbered and rendered with sentinels, then dropped; labels are given once the whole
    page is read, then claims and references are built."""

    def __init__(self, language: str = "en") -> None:
        self.language = language
        self.notes = {**EFN, **EDITION_NOTES.get(language, {})}
        self.state = State()
        self.short_bodies: dict[tuple[str, str], tuple[Template, str]] = {}
        self.full_cites: dict[tuple[str, str], Template] = {}
        self.sections: list[tuple[str, list[str]]] = [(LEAD, [])]
        self.title: str | None = None
        self.note_claims: list[str] = []  # notes that cite references, with sentinels
        self._here: dict[int, Occurrence] = {}  # the current piece's citations by node
        self._params: dict[int, tuple[Template, dict[str, str]]] = {}

    def params(self, template: Template) -> dict[str, str]:
        """A citation template's parameters, rendered once (numbering and the reference
        list both read them)."""
        known = self._params.get(id(template))
        if known is None:  # the template is kept with them, so its id stays its own
            known = self._params[id(template)] = (template, template_params(template,
                                                                           self.render))
        return known[1]

    def cite(self, template: Template) -> ReferenceFields:
        return fields_from_params(template_name(template), self.params(template))

    def read(self, code: Wikicode) -> None:
        """Number one piece's citations, then render its sections (markers as sentinels)."""
        self._here = {}
        self._number(code)
        if self.title is None:
            self.title = bold_title(code)
        for node in code.nodes:
            if isinstance(node, Heading):
                title = " ".join(mwparserfromhell.parse(node.title).strip_code().split())
                self.sections.append((title or self.sections[-1][0], []))
            else:
                self.sections[-1][1].append(self._node(node, True))
        self._here = {}

    # -- numbering ---------------------------------------------------------------------
    def _number(self, code: Wikicode) -> None:
        state = self.state
        listed: dict[int, str] = {}  # list-defined references by node: their list's group
        for node, inside in walk_nodes(code):
            if isinstance(node, Template):
                name = template_name(node)
                if name in self.notes:
                    self._efn(node)
                elif name in ("sfn", "sfnp", "sfnm"):
                    self._sfn(node)
                elif is_cite(node):
                    self._index_full(node)
                elif name in LIST_TEMPLATES:
                    group = next((str(p.value).strip() for p in node.params
                                  if str(p.name).strip().lower() == "group"), "")
                    self._list_group(node, group or LIST_TEMPLATES[name], listed)
            elif not is_ref(node):
                if isinstance(node, Tag) and str(node.tag).strip().lower() == "references":
                    self._list_group(node, tag_attr(node, "group"), listed)
                continue
            elif inside:
                state.warn("a <ref> inside another reference was ignored (reference loop or "
                           "nested reference)")
            else:
                assert isinstance(node, Tag)
                group = tag_attr(node, "group") or listed.get(id(node), "")
                name = tag_attr(node, "name")
                if name and not ref_body_empty(node):
                    state.definitions.setdefault((group, name), node)
                key = (group, name) if name else (group, f"\0{len(state.occurrences)}")
                if not name:
                    state.definitions[key] = node
                self._occur(node, group, key)

    @staticmethod
    def _list_group(node: Tag | Template, group: str, listed: dict[int, str]) -> None:
        """A reference defined in a list (``<references group="note">``, ``{{notelist}}``,
        ``{{reflist|group=…|refs=…}}``) without a group of its own is in the list's group."""
        if not group:
            return
        bodies = [node.contents] if isinstance(node, Tag) else [p.value for p in node.params]
        for body in bodies:
            for tag in body.ifilter_tags(recursive=True) if body is not None else ():
                if is_ref(tag):
                    listed.setdefault(id(tag), group)

    def _index_full(self, template: Template) -> None:
        params = self.params(template)
        year = year_of(params)
        last = params.get("last") or params.get("last1") or params.get("surname") \
            or params.get("surname1") or params.get("author") or params.get("author1") \
            or params.get("vauthors", "").split(" ")[0] or ""
        last = last.split(",")[0].strip().lower()
        if last and year:
            self.full_cites.setdefault((last, year), template)

    def _occur(self, node: Node, group: str, key: tuple[str, str]) -> None:
        occurrence = Occurrence("", group, key)
        self.state.occurrences.append(occurrence)
        self._here[id(node)] = occurrence

    def _efn(self, template: Template) -> None:
        name = template_name(template)
        group = self.notes[name]
        named = {str(p.name).strip().lower(): p for p in template.params if p.showkey}
        for key_name in ("group", "groupe") if name in ("refn", "note") else ():
            if key_name in named:
                group = str(named[key_name].value).strip()
        names = [str(named[k].value).strip() for k in ("name", "nom") if k in named]
        ref_name = names[0] if names else ""
        key = (group, ref_name) if ref_name else (group, f"\0{len(self.state.occurrences)}")
        if _note_body(template) is not None:
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

    def finish(self) -> None:
        """Give each citation MediaWiki's label: numbers in order of first use per group, a
        name used but never defined keeps its name."""
        counters: dict[str, int] = {}
        numbers: dict[tuple[str, str], str] = {}
        for occurrence in self.state.occurrences:
            if occurrence.key not in numbers:
                counters[occurrence.group] = counters.get(occurrence.group, 0) + 1
                numbers[occurrence.key] = ref_label(occurrence.group, counters[occurrence.group])
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
        return f"{MARK}{kind}{index}{END}"

    def _node(self, node: Node, markers: bool) -> str:
        if isinstance(node, Text):
            if markers and "<ref" in node.value.lower():  # a tag the parser could not close
                self.state.warn("an unclosed <ref> tag was read as text")
            return str(node.value)
        if isinstance(node, HTMLEntity):
            return node.normalize()
        if isinstance(node, Comment):
            return ""
        if isinstance(node, Wikilink):
            target = str(node.title)
            if MEDIA.match(target) and markers and node.text is not None \
                    and "<ref" in str(node.text).lower():
                # an image whose caption cites: the caption is a claim of its own
                caption = self.render(node.text, markers=True).rsplit("|", 1)[-1].strip()
                return f"\n\n{caption}\n\n" if MARK in caption else ""
            if MEDIA.match(target) or (INTERWIKI.match(target) and node.text is None
                                        and not target.lstrip().startswith(":")):
                return ""
            if node.text is not None:
                return self.render(node.text, markers=markers)
            shown = self.render(node.title)  # its entities as characters ([[KZ&nbsp;X]])
            return shown.lstrip(":").split("#")[0] or shown
        if isinstance(node, ExternalLink):
            if node.title is not None:
                return self.render(node.title, markers=markers)
            return "" if node.brackets else self.render(node.url)
        if isinstance(node, Heading):
            return ""
        if isinstance(node, Template):
            return self._template(node, markers)
        if isinstance(node, Tag):
            return self._tag(node, markers)
        return ""

    def _marker(self, node: Node) -> str:
        occurrence = self._here.get(id(node))
        if occurrence is None:
            return ""
        self.state.markers.append(occurrence)
        return self._sentinel("m", len(self.state.markers) - 1)

    def _template(self, template: Template, markers: bool) -> str:
        name = template_name(template)
        if name in FLAG_TEMPLATES:
            words = next((self.render(p.value, markers=markers) for p in template.params
                          if not p.showkey), "") if name in FLAG_WITH_TEXT else ""
            if not markers:
                return words
            self.state.tags.append(tag_slug(FLAG_TEMPLATES[name]))
            return words + self._sentinel("t", len(self.state.tags) - 1)
        if name in self.notes and markers and id(template) in self._here:
            marker = self._marker(template)
            body = _note_body(template)
            if body is not None and "<ref" in str(body).lower():  # a note citing is a claim
                self.note_claims.append(self.render(body, markers=True))
            return marker
        if name in self.notes or name in ("sfn", "sfnp", "sfnm"):
            return self._marker(template) if markers else ""
        if name.startswith(("infobox", "ficha de", "infobox ", "infocaixa")) or name.endswith(
                " infobox"):
            cited = []
            if markers:
                for param in template.params:
                    key = " ".join(str(param.name).split())
                    value = " ".join(self.render(param.value).split())
                    if value and not INFOBOX_SKIP.search(key):
                        self.state.facts.append((key, value))
                    if "<ref" in str(param.value).lower():  # a cited fact is a claim
                        shown = " ".join(self.render(param.value, markers=True).split())
                        cited.append(f"{key}: {shown}" if value else shown)
            return "".join(f"\n\n{fact}\n\n" for fact in cited)
        if name in LITERAL:
            return LITERAL[name]
        positional = [p for p in template.params if not p.showkey]
        if is_inline(name):
            inline = render_inline(
                name, [self.render(p.value, markers=markers) for p in positional],
                {" ".join(str(p.name).split()).lower(): self.render(p.value).strip()
                 for p in template.params if p.showkey}, self.language)
            if inline is not None:
                return inline
        if name == "lang" or (name.startswith("lang-") and name != "lang-en"):
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
        if name in KEEP_FIRST and positional:
            return self.render(positional[0].value, markers=markers)
        if markers and "<ref" in str(template).lower():
            # a template this reader does not know (a quotation box, a note) whose text cites:
            # its values are read so its citations stay with the words they support
            values = [self.render(p.value, markers=True).strip() for p in template.params]
            return " ".join(v for v in values if MARK in v or len(v.split()) > 3)
        return ""

    def _tag(self, tag: Tag, markers: bool) -> str:
        name = str(tag.tag).strip().lower()
        if name == "ref":
            return self._marker(tag) if markers else ""
        if name == "li" or (tag.wiki_markup and str(tag.wiki_markup) in ("*", "#", ":", ";")):
            return f"\n{ITEM}"
        if name == "table" and markers and tag.contents is not None \
                and "<ref" in str(tag.contents).lower():
            return self._table(tag)
        if name in SKIP_TAGS or (tag.wiki_markup and str(tag.wiki_markup).startswith("{|")):
            return ""
        if name == "br":
            return " "
        if name == "hr":
            return "\n\n"
        if tag.contents is None:
            return ""
        return self.render(tag.contents, markers=markers)

    def _table(self, table: Tag) -> str:
        """Each row of a table that cites is one claim: its cells joined by " | "."""
        rows = []
        for row in table.contents.filter_tags(recursive=False) if table.contents else []:
            if str(row.tag).strip().lower() != "tr" or row.contents is None:
                continue
            cells = [" ".join(self.render(cell.contents, markers=True).split())
                     for cell in row.contents.filter_tags(recursive=False)
                     if str(cell.tag).strip().lower() in ("td", "th") and cell.contents is not None]
            text = " | ".join(c for c in cells if c)
            if MARK in text:
                rows.append(text)
        return "".join(f"\n\n{row}\n\n" for row in rows)

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
            body = _note_body(node)
        else:
            assert isinstance(node, Tag)
            body = node.contents
        raw = str(body).strip() if body is not None else ""
        if body is None or not raw:
            return ParsedReference(label=label, raw="", group=group, tags=("empty",),
                                   fields=ReferenceFields(extra=extra))
        named = [(template_name(t), t) for t in body.filter_templates(recursive=True)]
        cites = [t for name, t in named if CITE_NAMES.match(name)]
        shorts = [t for name, t in named if name in SHORT_NAMES]
        flags = {name for name, _t in named}
        if flags & {"dead link", "deadlink", "dl"}:
            tags.append("dead-link")
        if cites:
            fields = self.cite(cites[0])
            if not self.params(cites[0]):
                tags.append("empty")
        elif shorts and (found := short_key(shorts[0], self.render))[0] \
                and found[0] in self.full_cites:
            fields = self.cite(self.full_cites[found[0]])
            if found[1]:
                fields = replace(fields, extra={**fields.extra, "pages": found[1]})
        elif (bare := bare_link(body, self.render)) is not None:
            fields = bare
        else:
            fields = parse_reference(" ".join(self.render(body).split()))
            url, archive = link_targets(body)
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
            fields = self.cite(full)
            extra = {**fields.extra, **extra, "short": shown}
        else:
            fields = ReferenceFields(authors=(found[0][0].title(),) if found else ())
            extra = {**extra, "short": shown, "full_citation": "not found"}
        if pages:
            extra["pages"] = pages
        return ParsedReference(label=label, raw=str(template), fields=replace(fields, extra=extra))


def _note_body(template: Template) -> Wikicode | None:
    """The text of a note template: its first unnamed value, or ``texte=``/``text=``."""
    for param in template.params:
        name = str(param.name).strip().lower()
        if (not param.showkey or name in ("texte", "text")) and str(param.value).strip():
            return param.value
    return None


_ESCAPED_REF = re.compile(r"&lt;ref(?:\s|&gt;|/)", re.IGNORECASE)
_REF = re.compile(r"<ref(?:\s|>|/)", re.IGNORECASE)


def _entity_escaped(text: str) -> bool:
    """True when the text's references are written ``&lt;ref&gt;`` and none ``<ref>``."""
    return bool(_ESCAPED_REF.search(text)) and not _REF.search(text)


def parse(text: str, *, title: str | None = None) -> ParsedDocument:
    """Parse wikitext into claims, references (MediaWiki numbering), facts and tags.

    Wikitext saved entity-escaped (``&lt;ref&gt;``, as copied from an HTML page's source)
    is unescaped first, with a warning."""
    escaped = _entity_escaped(text)
    if escaped:
        text = html.unescape(text)
    language = guess_language(text)
    doc = _Wikitext(edition(text, language))
    for piece in split_pieces(text):
        try:
            code = mwparserfromhell.parse(piece)
        except (ValueError, RecursionError) as err:
            raise InputError("wikitext", f"cannot be parsed ({err})") from None
        doc.read(code)
        del code  # only the definitions of references are kept
    doc.finish()
    state = doc.state
    if escaped:
        state.warnings.append("the wikitext was entity-escaped (&lt;ref&gt;); it was unescaped")
    claims: list[ParsedClaim] = []
    offset = 0
    for section, pieces in doc.sections:
        if section.strip().lower() in NON_PROSE_SECTIONS:
            continue
        for block, is_item in split_paragraphs("".join(pieces)):
            plain, markers, tags = extract_markers(block, state)
            if not plain or re.fullmatch(r"[\W_]*", plain):
                continue
            if is_item and not markers and not re.search(r"[.!?][\"”’)]*$", plain):
                continue
            claims.extend(build_claims(section, plain, markers, base=offset, tags_at=tags,
                                       language=language))
            offset += len(plain) + 1
    for note in doc.note_claims:
        for block, _is_item in split_paragraphs(note):
            plain, markers, tags = extract_markers(block, state)
            if plain:
                claims.extend(build_claims(NOTES, plain, markers, base=offset, tags_at=tags,
                                           language=language))
                offset += len(plain) + 1
    references: list[ParsedReference] = []
    seen: set[tuple[str, str]] = set()
    for occurrence in state.occurrences:
        if occurrence.key in seen or occurrence.key not in state.definitions:
            continue
        seen.add(occurrence.key)
        references.append(doc.reference(occurrence.key, occurrence.label, occurrence.group))
    references.sort(key=lambda r: (r.group, sort_key(r.label)))
    return ParsedDocument(
        format=FORMAT,
        title=title or doc.title,
        claims=tuple(claims),
        references=tuple(references),
        facts=tuple(state.facts),
        warnings=tuple(state.warnings),
    )
