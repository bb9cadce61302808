"""What the wikitext parser knows of templates and tags: cleanup templates read as flags,
footnote templates, templates rendered as their first argument or a literal, French date
and ordinal templates, and the links and tags that are never prose.
"""

from __future__ import annotations

import re

__all__ = [
    "DATE_TEMPLATES", "EFN", "FLAG_TEMPLATES", "INFOBOX_SKIP", "INTERWIKI", "KEEP_FIRST",
    "LIST_TEMPLATES",
    "LITERAL", "MEDIA", "ORDINAL", "SKIP_TAGS", "french_date",
]

FLAG_TEMPLATES = {
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

EFN = {"efn": "lower-alpha", "efn-la": "lower-alpha", "efn-ua": "upper-alpha",
        "efn-lr": "lower-roman", "efn-ur": "upper-roman", "efn-lg": "lower-greek",
        "notetag": "lower-alpha", "refn": ""}

# Templates that list references ({{reflist|refs=…}}, {{notelist|notes=…}}): the group a
# reference defined in them takes when it names none ("" unless the template says otherwise).
LIST_TEMPLATES = {"reflist": "", "references": "", "refs": "", "notelist": "lower-alpha",
                  "notes": "lower-alpha", "notelist-la": "lower-alpha",
                  "notelist-ua": "upper-alpha", "notelist-lr": "lower-roman",
                  "notelist-ur": "upper-roman", "notelist-lg": "lower-greek"}

KEEP_FIRST = {"nowrap", "nobr", "small", "smaller", "big", "larger", "nobold", "noitalic",
               "abbr", "sic", "em", "strong", "visible anchor", "anchor", "keep together",
               "nowrap begin", "lang-en", "nihongo", "nihongo2", "korean", "zh", "ill",
               "interlanguage link", "proper name", "tooltip", "wikt-lang"}

LITERAL = {"ndash": "–", "mdash": "—", "nbsp": " ", "'": "'", "snd": " – ", "spaced ndash":
            " – ", "circa": "c.", "c.": "c.", "·": "·", "dot": "·", "bull": "•", "=": "=",
            "!": "|", "en dash": "–", "em dash": "—", "thinsp": " ", "-": "-"}

MEDIA = re.compile(r"^\s*:?\s*(?:file|image|media|category|datei|bild|fichier|archivo|"
                    r"catégorie|categoría|categoria|kategorie|kategoria)\s*:", re.IGNORECASE)

# French Wikipedia's date templates ({{date-|4 février 2023}}, {{date de naissance|17|11|1994}})
# and ordinals ({{3e|place}}), rendered as the page shows them.
DATE_TEMPLATES = {"date", "date-", "date de naissance", "date de décès", "date sport"}

ORDINAL = re.compile(r"^(\d+)(e|er|re|ère|nd|nde|ème)$")

_FRENCH_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                  "septembre", "octobre", "novembre", "décembre")

INTERWIKI = re.compile(r"^\s*[a-z]{2,3}(?:-[a-z]{2,8})?\s*:", re.IGNORECASE)

SKIP_TAGS = {"gallery", "math", "chem", "score", "timeline", "imagemap", "graph", "mapframe",
              "maplink", "templatestyles", "references", "syntaxhighlight", "source", "pre",
              "table", "templatedata", "hiero", "ce", "inputbox", "categorytree"}

INFOBOX_SKIP = re.compile(r"image|img|logo|map|width|size|alt$|signature|module|embed|caption|"
                           r"coordinates|pushpin|footnotes|upright", re.IGNORECASE)

def french_date(parts: list[str]) -> str:
    """"17 11 1994" or 17|11|1994 -> "17 novembre 1994"; text dates as written."""
    words = " ".join(parts).split()
    if len(words) >= 2 and words[-2].isdigit() and 1 <= int(words[-2]) <= 12:
        words[-2] = _FRENCH_MONTHS[int(words[-2]) - 1]
    return " ".join(words)
