"""What the wikitext parser knows of templates and tags: cleanup templates read as flags,
footnote templates, templates rendered as their first argument or a literal, and the links
and tags that are never prose (dates, numbers and centuries: :mod:`.inline`).
"""

from __future__ import annotations

import re

__all__ = [
    "EDITION_NOTES", "EFN", "FLAG_TEMPLATES", "FLAG_WITH_TEXT", "INFOBOX_SKIP", "INTERWIKI",
    "KEEP_FIRST",
    "LIST_TEMPLATES", "LITERAL", "MEDIA", "SKIP_TAGS",
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
    "refnec": "citation needed", "référence nécessaire": "citation needed",
    "ref nécessaire": "citation needed", "réf nec": "citation needed",
    "quoi": "which", "lesquels": "which", "qui": "who", "quand": "when",
    "belege fehlen": "citation needed", "cita requerida": "citation needed",
    "citação necessária": "citation needed", "carece de fontes": "citation needed",
}

# Cleanup templates wrapped round the words they flag ({{refnec|text}}, {{Quoi|text}}):
# the words are shown, the flag follows them.
FLAG_WITH_TEXT = {"refnec", "référence nécessaire", "réf nec", "quoi", "lesquels", "qui",
                  "quand"}

EFN = {"efn": "lower-alpha", "efn-la": "lower-alpha", "efn-ua": "upper-alpha",
        "efn-lr": "lower-roman", "efn-ur": "upper-roman", "efn-lg": "lower-greek",
        "notetag": "lower-alpha", "refn": ""}

# Note templates of other editions: French {{Note|texte|groupe=…}} is a <ref> of the group
# "alpha", Portuguese {{nre|…}} one of "lower-alpha" (English {{note}} is an old anchor
# template, so these hold for their edition only).
EDITION_NOTES = {"fr": {"note": "alpha"}, "pt": {"nre": "lower-alpha"}}

# Templates that list references ({{reflist|refs=…}}, {{notelist|notes=…}}): the group a
# reference defined in them takes when it names none ("" unless the template says otherwise).
LIST_TEMPLATES = {"reflist": "", "references": "", "refs": "", "notelist": "lower-alpha",
                  "notes": "lower-alpha", "notelist-la": "lower-alpha",
                  "notelist-ua": "upper-alpha", "notelist-lr": "lower-roman",
                  "notelist-ur": "upper-roman", "notelist-lg": "lower-greek"}

KEEP_FIRST = {"nowrap", "nobr", "small", "smaller", "big", "larger", "nobold", "noitalic",
               "abbr", "sic", "em", "strong", "pas de retour", "visible anchor", "anchor",
               "keep together",
               "nowrap begin", "lang-en", "nihongo", "nihongo2", "korean", "zh", "ill",
               "interlanguage link", "proper name", "tooltip", "wikt-lang"}

LITERAL = {"ndash": "–", "mdash": "—", "nbsp": " ", "'": "'", "snd": " – ", "spaced ndash":
            " – ", "circa": "c.", "c.": "c.", "·": "·", "dot": "·", "bull": "•", "=": "=",
            "!": "|", "en dash": "–", "em dash": "—", "thinsp": " ", "-": "-"}

MEDIA = re.compile(r"^\s*:?\s*(?:file|image|media|category|datei|bild|fichier|archivo|imagem|"
                    r"ficheiro|arquivo|imagen|"
                    r"catégorie|categoría|categoria|kategorie|kategoria)\s*:", re.IGNORECASE)

INTERWIKI = re.compile(r"^\s*[a-z]{2,3}(?:-[a-z]{2,8})?\s*:", re.IGNORECASE)

SKIP_TAGS = {"gallery", "math", "chem", "score", "timeline", "imagemap", "graph", "mapframe",
              "maplink", "templatestyles", "references", "syntaxhighlight", "source", "pre",
              "table", "templatedata", "hiero", "ce", "inputbox", "categorytree"}

INFOBOX_SKIP = re.compile(r"image|img|logo|map|width|size|alt$|signature|module|embed|caption|"
                           r"coordinates|pushpin|footnotes|upright", re.IGNORECASE)
