"""Citation templates of wikitext as reference fields.

``{{cite web|news|book|journal|...}}`` and ``{{citation}}`` parameters map onto
:class:`ReferenceFields` (every author form: ``author``/``authorN``, ``last``/``first``,
``lastN``/``firstN``, ``surname``/``given``, ``vauthors``, ``authors``; ``author-link`` is
ignored). ``{{sfn}}``/``{{harvnb}}`` short citations are keyed by first author's last name
and year so they can be tied to their full citation.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from mwparserfromhell.nodes import Template
from mwparserfromhell.wikicode import Wikicode

from provenance.domain.documents import ReferenceFields
from provenance.ingest.references.dates import parse_date
from provenance.ingest.references.languages import language_code

__all__ = ["CITE_NAMES", "SHORT_NAMES", "cite_fields", "is_cite", "short_key", "template_name",
           "template_params", "year_of"]

Render = Callable[[Wikicode], str]

CITE_NAMES = re.compile(
    r"^(?:cite[ _-]?\w[\w -]*|citation|vcite[ _-]?\w+|cite"
    # French Wikipedia's citation templates, whose parameters _FRENCH maps to English ones
    r"|lien web|lien news|lien conférence|lien vidéo|article|ouvrage|chapitre)$",
    re.IGNORECASE)
SHORT_NAMES = {"sfn", "sfnp", "sfnm", "harvnb", "harv", "harvp", "harvtxt", "harvcolnb",
               "harvcoltxt", "harvcol", "harvs", "sfnref"}
_WORK = ("work", "website", "newspaper", "journal", "magazine", "periodical", "encyclopedia",
         "encyclopaedia", "dictionary", "series", "agency")
_EXTRA = {"doi": "doi", "isbn": "isbn", "issn": "issn", "pmid": "pmid", "pmc": "pmc",
          "oclc": "oclc", "arxiv": "arxiv", "page": "pages", "pages": "pages", "p": "pages",
          "pp": "pages", "at": "pages", "volume": "volume", "issue": "issue", "number": "issue",
          "location": "place", "place": "place", "via": "via", "type": "type",
          "medium": "medium", "format": "format", "edition": "edition", "quote": "quote",
          "chapter": "chapter", "url-access": "url_access", "df": "df"}
# French parameter names of {{Lien web}}, {{Article}}, {{Ouvrage}}: their CS1 equivalents.
_FRENCH = {"titre": "title", "sous-titre": "subtitle", "traduction titre": "trans-title",
           "auteur": "author", "auteurs": "authors", "nom": "last", "prénom": "first",
           "lien auteur": "author-link", "site": "website", "périodique": "journal",
           "journal": "journal", "éditeur": "publisher", "consulté le": "access-date",
           "langue": "language", "lire en ligne": "url", "format": "format",
           "archive url": "archive-url", "archive date": "archive-date",
           "date archive": "archive-date", "volume": "volume", "numéro": "issue",
           "pages": "pages", "page": "page", "passage": "pages", "lieu": "location",
           "année": "year", "mois": "month", "jour": "day", "isbn": "isbn", "doi": "doi",
           "titre chapitre": "chapter", "série": "series", "collection": "series",
           "éditeur scientifique": "editor"}
_FRENCH_NUMBERED = re.compile(r"^(auteur|nom|prénom)(\d+)$")
_NUMBERED = re.compile(r"^(author|last|first|surname|given|editor|editor-last|editor-first)"
                       r"(\d+)$|^(author|editor)(\d+)-(last|first)$")
_YEAR = re.compile(r"\b(1\d{3}|20\d{2})[a-z]?\b")


def template_name(template: Template) -> str:
    """The normalised name of a template: "Cite_Web " -> "cite web"."""
    name = str(template.name).split("<!--")[0]
    return " ".join(name.replace("_", " ").split()).strip().lower()


def is_cite(template: Template) -> bool:
    return bool(CITE_NAMES.match(template_name(template)))


def _english(name: str) -> str:
    """A French citation parameter's CS1 name ("consulté le" -> "access-date")."""
    if name in _FRENCH:
        return _FRENCH[name]
    found = _FRENCH_NUMBERED.match(name)
    if found:
        base = {"auteur": "author", "nom": "last", "prénom": "first"}[found.group(1)]
        return f"{base}{found.group(2)}"
    return name


def template_params(template: Template, render: Render) -> dict[str, str]:
    """Parameters as {name: rendered text}, names lower-cased (French ones translated to
    their CS1 names), empty values dropped."""
    params: dict[str, str] = {}
    for param in template.params:
        name = _english(" ".join(str(param.name).split()).lower())
        value = render(param.value).strip()
        if value and name not in params:
            params[name] = value
    if "date" not in params and "en ligne le" in params:
        params["date"] = params["en ligne le"]
    if "date" not in params and "year" in params and "month" in params:
        params["date"] = " ".join(params[k] for k in ("day", "month", "year") if k in params)
    return params


def year_of(params: dict[str, str]) -> str | None:
    for key in ("year", "date"):
        found = _YEAR.search(params.get(key, ""))
        if found:
            return found.group(1)
    return None


def _authors(params: dict[str, str]) -> tuple[list[str], list[str]]:
    people: dict[tuple[str, int], dict[str, str]] = {}
    for key, value in params.items():
        if key in ("author-link", "authorlink") or key.endswith(("-link", "link")):
            continue
        index, part, role = 0, "", ""
        found = _NUMBERED.match(key)
        if found:
            if found.group(1):
                base, index = found.group(1), int(found.group(2))
            else:
                base, index = f"{found.group(3)}-{found.group(5)}", int(found.group(4))
        else:
            base = key
        role = "editor" if base.startswith("editor") else "author"
        part = {"author": "full", "last": "last", "surname": "last", "first": "first",
                "given": "first", "editor": "full", "editor-last": "last",
                "editor-first": "first", "author-last": "last", "author-first": "first"}.get(
            base, "")
        if not part:
            continue
        people.setdefault((role, max(index, 1)), {})[part] = value
    authors: list[str] = []
    editors: list[str] = []
    for (role, _index), parts in sorted(people.items(), key=lambda item: item[0][1]):
        if "full" in parts:
            name = parts["full"]
        elif "last" in parts:
            name = f"{parts['last']}, {parts['first']}" if "first" in parts else parts["last"]
        else:
            continue
        (editors if role == "editor" else authors).append(name)
    for key in ("vauthors", "authors", "people"):
        if key in params and not authors:
            separator = ";" if ";" in params[key] else ","
            authors = [a.strip() for a in params[key].split(separator) if a.strip()]
    if "veditors" in params and not editors:
        editors = [e.strip() for e in params["veditors"].split(",") if e.strip()]
    return authors, editors


def _title(value: str) -> str:
    """A ``script-title`` value without its language prefix ("ko:고려자기" -> "고려자기")."""
    return re.sub(r"^[a-z]{2,3}(?:-[a-z]+)?:", "", value).strip()


def cite_fields(template: Template, render: Render) -> ReferenceFields:
    """The fields of one citation template."""
    params = template_params(template, render)
    authors, editors = _authors(params)
    extra: dict[str, str] = {"template": template_name(template)}
    for key, name in _EXTRA.items():
        if key in params and name not in extra:
            extra[name] = params[key]
    if editors:
        extra["editors"] = "; ".join(editors)
    status = params.get("url-status") or params.get("urlstatus")
    if (status is None and "deadurl" in params) or "dead-url" in params:
        dead = params.get("deadurl") or params.get("dead-url") or ""
        status = "dead" if dead.lower() in ("yes", "true", "y") else "live"
    if status:
        extra["url_status"] = status
    day = None
    if "date" in params:
        day, precision = parse_date(params["date"])
        if precision and precision != "day":
            extra["date_precision"] = precision
    if day is None and "year" in params:
        day, _precision = parse_date(params["year"])
        extra["date_precision"] = "year"
    title = params.get("title") or _title(params.get("script-title", "")) or None
    if params.get("script-title") and params.get("title"):
        extra["script_title"] = _title(params["script-title"])
    work = next((params[key] for key in _WORK if key in params), None)
    language = params.get("language") or params.get("lang")
    return ReferenceFields(
        authors=tuple(authors),
        date=day,
        title=title,
        trans_title=params.get("trans-title") or params.get("trans_title"),
        work=work,
        publisher=params.get("publisher") or params.get("institution"),
        language=language_code(language) if language else None,
        url=params.get("url") or params.get("chapter-url") or params.get("chapterurl"),
        access_date=parse_date(params.get("access-date") or params.get("accessdate") or "")[0],
        archive_url=params.get("archive-url") or params.get("archiveurl"),
        archive_date=parse_date(params.get("archive-date") or params.get("archivedate") or "")[0],
        extra=extra,
    )


def short_key(template: Template, render: Render) -> tuple[tuple[str, str] | None, str]:
    """((last name, year), pages) of an ``{{sfn}}``/``{{harvnb}}`` call."""
    positional = [render(p.value).strip() for p in template.params if not p.showkey]
    named = {str(p.name).strip().lower(): render(p.value).strip()
             for p in template.params if p.showkey}
    pages = named.get("p") or named.get("pp") or named.get("page") or named.get("pages") \
        or named.get("loc") or ""
    year = next((v for v in reversed(positional) if _YEAR.fullmatch(v)), None)
    names = [v for v in positional if v and v != year]
    if not names or not year:
        return None, pages
    found = _YEAR.search(year)
    return ((names[0].lower(), found.group(1) if found else year), pages)
