"""Inline templates rendered as the words the page shows: dates (French ``{{date}}``,
``{{date de naissance}}``…, German ``{{Datum}}``, Spanish ``{{fecha}}``, English ``{{birth
date}}``, ``{{death date and age}}``, ``{{start date}}``…), centuries (``{{s-|XX}}``,
``{{séc|XX}}``, ``{{siglo|XX}}``), numbers with their unit (``{{formatnum:}}``, ``{{unité}}``,
``{{fmtn}}``), ordinal suffixes (``{{e}}``, ``{{1er}}``), and short phrases (``{{incise}}``,
``{{citation}}``, ``{{lien}}``, ``{{Person}}``). Values in, text out: the parameters come
already rendered.
"""

from __future__ import annotations

import re
from datetime import date

from provenance.ingest.references.dates import MONTH_NAMES

__all__ = ["edition", "group_number", "is_inline", "render_inline"]

_FRENCH_DATES = {"date", "date-", "date de naissance", "date de naissance-", "date de décès",
                 "date de décès-", "date sport", "date-sport", "date républicaine"}
_ENGLISH_DATES = {"birth date", "birth-date", "dob", "birth date and age", "bda",
                  "death date", "death-date", "death date and age", "dda", "start date",
                  "end date", "start date and age", "film date", "release date"}
_SUFFIXES = {"e", "er", "re", "ère", "ème", "eme", "ers", "res", "es", "o", "a", "º", "ª"}
_ORDINAL = re.compile(r"^(\d+|[ivxlcdm]+)(e|er|re|ère|ème|nd|nde|es|ers|res)$")
# French typography: {{1ère}} and {{3ème}} are shown "1re", "3e".
_FRENCH_SUFFIX = {"ère": "re", "ème": "e"}
# Number grouping of each edition ({{formatnum:1933677}}: "1 933 677", "1.933.677").
_GROUPING = {"fr": " ", "pt": " ", "es": " ", "de": ".", "en": ","}
_INTEGER = re.compile(r"^-?\d{4,}$")


# The category namespace as each edition writes it: the page's own word for its edition.
_CATEGORY = re.compile(r"\[\[\s*(category|catégorie|kategorie|categoría|categoria)\s*:",
                       re.IGNORECASE)
_EDITIONS = {"category": "en", "catégorie": "fr", "kategorie": "de", "categoría": "es",
             "categoria": "pt"}


def edition(text: str, fallback: str) -> str:
    """The language edition a page was written for, by its commonest category namespace
    ("[[Categoria:…]]" is Portuguese); ``fallback`` when it has none."""
    counts: dict[str, int] = {}
    for found in _CATEGORY.finditer(text):
        language = _EDITIONS[found.group(1).lower()]
        counts[language] = counts.get(language, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else fallback


def _month(value: str, language: str) -> str:
    """A month given as a number ("4", "04") as its name; a name as written."""
    names = MONTH_NAMES.get(language, MONTH_NAMES["en"])
    if value.isdigit() and 1 <= int(value) <= 12:
        return names[int(value) - 1]
    return value


def group_number(value: str, language: str) -> str:
    """An integer of four digits or more grouped by thousands as the edition writes it."""
    value = value.strip()
    if not _INTEGER.match(value):
        return value
    sign, digits = ("-", value[1:]) if value.startswith("-") else ("", value)
    groups = [digits[max(i - 3, 0):i] for i in range(len(digits), 0, -3)][::-1]
    return sign + _GROUPING.get(language, ",").join(groups)


def _french_date(parts: list[str]) -> str:
    """{{date|12 avril 1975}}, {{date|2|octobre|1925}}, {{date|17|11|1994}},
    {{date|septembre 1939|guerre mondiale}} (a qualifier is not shown); a year written with a
    "-" after it is not shown ({{date|22 septembre 1925-}} reads "22 septembre"); day 1 is
    "1er"."""
    parts = [p.strip() for p in parts]
    if not parts:
        return ""
    if len(parts) < 2 or " " in parts[0] or not parts[1] or " " in parts[1]:
        words = parts[0].split()
    else:
        words = [p for p in (parts[0], _month(parts[1], "fr"), *parts[2:3]) if p]
    words = [w for w in words if not (w.endswith("-") and w[:-1].isdigit())]
    words = [w.rstrip("-") for w in words if w.rstrip("-")]
    if len(words) == 3 or (len(words) == 2 and len(words[1]) == 4 and words[1].isdigit()):
        words[-2] = _month(words[-2], "fr")  # "17 11 1994", "11 1994": the month by number
    if words and words[0] == "1" and len(words) > 1:
        words[0] = "1er"
    return " ".join(words)


def _day_month_year(parts: list[str], language: str) -> str:
    """{{Datum|3|6|1906}} / {{fecha|3|6|1906}}: day, month, year in the edition's words."""
    day, month, year = ([*parts, "", "", ""])[:3]
    month = _month(month.strip(), language)
    if language == "es":
        return " de ".join(p for p in (day.strip(), month, year.strip()) if p)
    if language == "de":
        return " ".join(p for p in (f"{day.strip()}." if day.strip() else "", month,
                                    year.strip()) if p)
    return " ".join(p for p in (day.strip(), month, year.strip()) if p)


def _english_date(name: str, parts: list[str], named: dict[str, str]) -> str:
    """{{birth date|1906|6|3}} -> "June 3, 1906" ("3 June 1906" with df=y);
    {{death date and age|1975|4|12|1906|6|3}} adds "(aged 68)"."""
    numbers = [p.strip() for p in parts if p.strip()]
    if not numbers or not numbers[0].isdigit():
        return numbers[0] if numbers else ""  # a date already written out
    year, month, day = ([*numbers, "", ""])[:3]
    day_first = named.get("df", "").lower() in ("y", "yes", "1")
    shown = _month(month, "en") if month else ""
    if shown and day:
        text = f"{day} {shown} {year}" if day_first else f"{shown} {day}, {year}"
    else:
        text = f"{shown} {year}".strip()
    if name in ("death date and age", "dda") and len(numbers) >= 6 and all(
            n.isdigit() for n in numbers[:6]):
        try:
            died = date(int(year), int(month), int(day))
            born = date(int(numbers[3]), int(numbers[4]), int(numbers[5]))
        except ValueError:
            return text
        age = died.year - born.year - ((died.month, died.day) < (born.month, born.day))
        text += f" (aged {age})"
    return text


# Century templates: what each shows around its Roman numeral (French adds "er" or "e").
_CENTURIES = {
    **dict.fromkeys(("séc", "sec", "século"), "século {numeral}"),
    "siglo": "siglo {numeral}",
    **dict.fromkeys(("s", "s-", "siècle", "s2", "s2-"), "{numeral}{suffix} siècle"),
    **dict.fromkeys(("-s", "-s-"), "{numeral}{suffix} siècle av. J.-C."),
}
# Day, month, year templates and the edition whose month names they show.
_DAY_MONTH_YEAR = {"datum": "de", "fecha": "es", "data": "pt"}
_NUMBERS = {"unité", "nombre", "fmtn", "nts", "num", "nb", "formatnum"}


def _century(name: str, numeral: str) -> str | None:
    shown = _CENTURIES.get(name)
    if shown is None:
        return None
    numeral = numeral.strip()
    return shown.format(numeral=numeral, suffix="er" if numeral.upper() == "I" else "e")


_PHRASES = {",", "incise", "citation", "lien", "person", "ill-wd", "ac", "a.c.", *_NUMBERS,
            *_DAY_MONTH_YEAR, *_CENTURIES}


def is_inline(name: str) -> bool:
    """Whether :func:`render_inline` renders the template ``name``."""
    return (name in _PHRASES or name in _FRENCH_DATES or name in _ENGLISH_DATES
            or name in _SUFFIXES or bool(_ORDINAL.match(name)) or name.startswith("formatnum:"))


def render_inline(name: str, positional: list[str], named: dict[str, str],
                  language: str) -> str | None:
    """The text an inline template shows, or None when it is not one of these families."""
    first = positional[0].strip() if positional else ""
    if name in _FRENCH_DATES:
        return _french_date(positional)
    if (dmy_language := _DAY_MONTH_YEAR.get(name)) is not None:
        if len(positional) >= 2:
            return _day_month_year(positional, dmy_language)
        return first
    if name in _ENGLISH_DATES:
        return _english_date(name, positional, named)
    if name in _SUFFIXES:
        return name
    ordinal = _ORDINAL.match(name)
    if ordinal:
        number, suffix = ordinal.group(1), _FRENCH_SUFFIX.get(ordinal.group(2), ordinal.group(2))
        shown = (number if number.isdigit() else number.upper()) + suffix
        return f"{shown} {first}" if first else shown
    if positional and (century := _century(name, first)) is not None:
        return century
    if name.startswith("formatnum:"):
        return group_number(name.split(":", 1)[1], language)
    if name in _NUMBERS:
        return " ".join(p for p in (group_number(first, language),
                                    *(v.strip() for v in positional[1:2])) if p)
    if name in ("ac", "a.c."):
        return f"{group_number(first, language)} a.C." if first else ""
    if name == ",":  # French: the comma between two note calls, shown only among the markers
        return ""
    if name == "incise" and first:
        return f"— {first} —"
    if name == "citation" and first and not named:  # French {{citation|…}}, not CS1's
        return f"« {first} »"
    if name == "lien":  # a page of another edition, its language shown after it: "X (en)"
        shown = named.get("texte") or first or named.get("trad", "")
        return f"{shown} ({named.get('langue') or named.get('lang') or 'en'})" if shown else ""
    if name in ("person", "ill-wd"):
        return named.get("text") or first
    return None
