"""Citation templates of wikitext as reference fields.

``{{cite web|news|book|journal|...}}`` and ``{{citation}}`` parameters map onto
:class:`ReferenceFields` (every author form: ``author``/``authorN``, ``last``/``first``,
``lastN``/``firstN``, ``surname``/``given``, ``vauthors``, ``authors``; ``author-link`` is
ignored). ``{{sfn}}``/``{{harvnb}}`` short citations are keyed by first author's last name
and year so they can be tied to their full citation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date

from mwparserfromhell.nodes import Template
from mwparserfromhell.wikicode import Wikicode

from provenance.domain.documents import ReferenceFields
from provenance.ingest.references.dates import parse_date
from provenance.ingest.references.languages import language_code

__all__ = ["CITE_NAMES", "SHORT_NAMES", "cite_fields", "fields_from_params", "is_cite",
           "normalize_params", "short_key", "template_name", "template_params", "year_of"]

Render = Callable[[Wikicode], str]

CITE_NAMES = re.compile(
    r"^(?:cite[ _-]?\w[\w -]*|citation|vcite[ _-]?\w+|cite"
    # French, German, Spanish and Portuguese citation templates (parameters mapped below)
    r"|lien web|lien news|lien conférence|lien vidéo|article|ouvrage|chapitre"
    r"|internetquelle|literatur|cita[ _](?:web|libro|publicación|noticia|conferencia|"
    r"enciclopedia|tesis|vídeo|video|mapa|informe)"
    r"|citar[ _](?:web|livro|periódico|jornal|notícia|revista|enciclopédia|tese|vídeo))$",
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
# German {{Internetquelle}} / {{Literatur}} parameters (lower-cased) and their CS1 names.
_GERMAN = {"titel": "title", "titelerg": "subtitle", "werk": "website", "sammelwerk": "journal",
           "verlag": "publisher", "ort": "location", "jahr": "year", "datum": "date",
           "abruf": "access-date", "zugriff": "access-date", "sprache": "language",
           "autor": "authors", "online": "url", "seiten": "pages", "seite": "pages",
           "band": "volume", "nummer": "issue", "auflage": "edition", "reihe": "series",
           "archiv-url": "archive-url", "archiv-datum": "archive-date", "originaltitel":
           "trans-title", "kommentar": "note", "format": "format"}
# "hrsg" is the publisher of a web page ({{Internetquelle}}) but the editor of a book
# ({{Literatur}}): never a title.
_GERMAN_HRSG = {"internetquelle": "publisher", "literatur": "editors"}
# Spanish {{Cita web}}/{{Cita libro}}/{{Cita publicación}}/{{Cita noticia}} parameters.
_SPANISH = {"título": "title", "titulo": "title", "títulotrad": "trans-title",
            "fechaacceso": "access-date", "fecha-acceso": "access-date", "sitioweb": "website",
            "obra": "work", "publicación": "journal", "periódico": "newspaper",
            "editorial": "publisher", "idioma": "language", "urlarchivo": "archive-url",
            "fechaarchivo": "archive-date", "fecha": "date", "año": "year", "mes": "month",
            "apellido": "last", "apellidos": "last", "nombre": "first", "nombres": "first",
            "autor": "author", "enlaceautor": "author-link", "volumen": "volume",
            "número": "issue", "páginas": "pages", "página": "page", "ubicación": "location",
            "lugar": "location", "edición": "edition", "editor": "editor", "cita": "quote",
            "urlmuerta": "url-status", "formato": "format", "capítulo": "chapter"}
# Portuguese {{citar web}}/{{citar livro}}/{{citar periódico}} parameters.
_PORTUGUESE = {"título": "title", "titulo": "title", "acessodata": "access-date",
               "acesso-data": "access-date", "data": "date", "ano": "year", "obra": "work",
               "publicado": "publisher", "editora": "publisher", "jornal": "newspaper",
               "periódico": "journal", "língua": "language", "lingua": "language",
               "idioma": "language", "arquivourl": "archive-url", "arquivo-url": "archive-url",
               "arquivodata": "archive-date", "arquivo-data": "archive-date", "autor": "author",
               "último": "last", "ultimo": "last", "primeiro": "first", "volume": "volume",
               "número": "issue", "páginas": "pages", "página": "page", "local": "location",
               "edição": "edition", "editor": "editor", "citação": "quote", "capítulo": "chapter",
               "urlmorta": "url-status", "formato": "format", "website": "website",
               "sítio": "website"}
_LOCAL_NUMBERED = re.compile(r"^(auteur|nom|prénom|apellidos?|nombres?|autor|último|ultimo|"
                             r"primeiro)(\d+)$")
_LOCAL_BASE = {"auteur": "author", "nom": "last", "prénom": "first", "apellido": "last",
               "apellidos": "last", "nombre": "first", "nombres": "first", "autor": "author",
               "último": "last", "ultimo": "last", "primeiro": "first"}
_NUMBERED = re.compile(r"^(author|last|first|surname|given|editor|editor-last|editor-first)"
                       r"(\d+)$|^(author|editor)(\d+)-(last|first)$")
_YEAR = re.compile(r"\b(1\d{3}|20\d{2})[a-z]?\b")


def template_name(template: Template) -> str:
    """The normalised name of a template: "Cite_Web " -> "cite web"."""
    name = str(template.name).split("<!--")[0]
    return " ".join(name.replace("_", " ").split()).strip().lower()


def is_cite(template: Template) -> bool:
    return bool(CITE_NAMES.match(template_name(template)))


def _english(name: str, template: str = "") -> str:
    """A localised citation parameter's CS1 name ("consulté le", "abruf", "fechaacceso" ->
    "access-date"), by the language of ``template``."""
    if template in ("internetquelle", "literatur"):
        if name in ("hrsg", "herausgeber"):
            return _GERMAN_HRSG[template]
        return _GERMAN.get(name, name)
    if template.startswith("cita "):
        table = _SPANISH
    elif template.startswith("citar "):
        table = _PORTUGUESE
    else:
        table = _FRENCH
    if name in table:
        return table[name]
    found = _LOCAL_NUMBERED.match(name)
    return f"{_LOCAL_BASE[found.group(1)]}{found.group(2)}" if found else name


def normalize_params(pairs: Iterable[tuple[str, str]], template: str = "") -> dict[str, str]:
    """(name, rendered value) pairs as {CS1 name: value}: names lower-cased and translated by
    the template's language edition, empty values dropped, the first value of a name kept."""
    params: dict[str, str] = {}
    for raw_name, raw_value in pairs:
        name = _english(" ".join(raw_name.split()).lower(), template)
        value = raw_value.strip()
        if value and name not in params:
            params[name] = value
    return _complete_dates(params)


def template_params(template: Template, render: Render) -> dict[str, str]:
    """Parameters as {name: rendered text}, names lower-cased (localised ones translated to
    their CS1 names), empty values dropped."""
    return normalize_params(((str(p.name), render(p.value)) for p in template.params),
                            template_name(template))


def _complete_dates(params: dict[str, str]) -> dict[str, str]:
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
    return fields_from_params(template_name(template), template_params(template, render))


def _absolute(url: str | None) -> str | None:
    """A protocol-relative URL ("//host/path") as https."""
    return "https:" + url if url and url.startswith("//") else url


def _dated(text: str | None, extra: dict[str, str], key: str) -> date | None:
    """The date in ``text``; a precision coarser than a day is noted in ``extra[key]``."""
    value, precision = parse_date(text or "")
    if value is not None and precision and precision != "day":
        extra[key] = precision
    return value


def fields_from_params(name: str, params: dict[str, str]) -> ReferenceFields:
    """The fields of a citation template ``name`` called with ``params`` (CS1 names)."""
    authors, editors = _authors(params)
    if "editors" in params:
        editors = editors or [e.strip() for e in re.split(r";|\s+und\s+", params["editors"])
                              if e.strip()]
    extra: dict[str, str] = {"template": name}
    for key, field_name in _EXTRA.items():
        if key in params and field_name not in extra:
            extra[field_name] = params[key]
    if editors:
        extra["editors"] = "; ".join(editors)
    status = params.get("url-status") or params.get("urlstatus")
    if (status is None and "deadurl" in params) or "dead-url" in params:
        dead = params.get("deadurl") or params.get("dead-url") or ""
        status = "dead" if dead.lower() in ("yes", "true", "y") else "live"
    if status:
        extra["url_status"] = {"sí": "dead", "si": "dead", "sim": "dead", "yes": "dead",
                               "no": "live", "não": "live"}.get(status.lower(), status)
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
        url=_absolute(params.get("url") or params.get("chapter-url") or params.get("chapterurl")),
        access_date=_dated(params.get("access-date") or params.get("accessdate"), extra,
                           "access_date_precision"),
        archive_url=_absolute(params.get("archive-url") or params.get("archiveurl")),
        archive_date=_dated(params.get("archive-date") or params.get("archivedate"), extra,
                            "archive_date_precision"),
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
