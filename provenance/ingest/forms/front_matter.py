"""Front matter of a Markdown post, YAML (``---``) or TOML (``+++``), read safely.

Only what a document's metadata needs is taken (title, authors, date), and only from a
bounded block: front matter longer than :data:`MAX_FRONT_MATTER` characters, YAML using
more than :data:`MAX_ALIASES` aliases (the "billion laughs" bomb expands a few aliases into
gigabytes), or a title/author that is not a short string is refused with a warning, never
expanded. TOML has no aliases; ``tomllib`` reads it.

Without a fenced block, metadata lines opening the text are read the same way: the run of
"(meta data) KEY: value" lines a Common Crawl text extraction writes (any key), or
MultiMarkdown's "Title:", "Author:", "Date:" lines (those keys only), up to the first other
line. Keys are lower-cased ("published datetime"). An empty "(meta data)" value (the page's
<title> began with a line break) runs on over the next lines, up to a blank line, a heading
or the next metadata line.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

import yaml

__all__ = ["MAX_ALIASES", "MAX_FIELD", "MAX_FRONT_MATTER", "FrontMatter", "opening_lines",
           "read_front_matter", "read_metadata_lines"]

MAX_FRONT_MATTER = 64 * 1024
MAX_ALIASES = 16
MAX_FIELD = 1_000

_BLOCK = re.compile(r"\A(?:\ufeff)?(?P<fence>---|\+\+\+)[ \t]*\r?\n(?P<body>.*?)\r?\n"
                    r"(?P=fence)[ \t]*(?:\r?\n|\Z)", re.DOTALL)


@dataclass
class FrontMatter:
    """The metadata block: its fields, where the body starts, and what was refused."""

    data: dict[str, Any] = field(default_factory=dict)
    end: int = 0  # offset of the first character after the block
    kind: str = ""  # "yaml", "toml" or "" (none)
    warnings: list[str] = field(default_factory=list)

    def text(self, key: str) -> str | None:
        """A short string field (``None`` when missing, not a string, or too long)."""
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.warnings.append(f"front matter {key!r} is not a plain value; ignored")
            return None
        value = str(value).strip()
        if len(value) > MAX_FIELD:
            self.warnings.append(f"front matter {key!r} is {len(value):,} characters long "
                                 f"(over {MAX_FIELD:,}); ignored")
            return None
        return value or None

    def names(self, *keys: str) -> tuple[str, ...]:
        """Author names from the first of ``keys`` present: a string, a list, or dicts."""
        value = next((self.data[k] for k in keys if k in self.data), None)
        items = value if isinstance(value, list) else [value] if value is not None else []
        names: list[str] = []
        for item in items[:100]:
            name = item.get("name") if isinstance(item, dict) else item
            if isinstance(name, str) and 0 < len(name.strip()) <= MAX_FIELD:
                names.extend(n.strip() for n in re.split(r";|\band\b", name) if n.strip())
        return tuple(names)


_METADATA_LINE = re.compile(
    r"[ \t]*(?:\(meta ?data\)[ \t]*(?P<key>[A-Za-z][A-Za-z _-]{0,40}?)|"
    r"(?P<mmd>title|authors?|date|published))[ \t]*:[ \t]*(?P<value>[^\n]*)(?:\n|\Z)",
    re.IGNORECASE,
)
_MAX_METADATA_LINES = 20
_MAX_VALUE_LINES = 3
_LEADING_BREAKS = re.compile(r"[\ufeff\r\n]*")
_LEADING_SPACE = re.compile(r"\s*")
_OPENING_SAMPLE = 4096  # characters read first for a text's opening lines


def opening_lines(text: str, count: int) -> list[str]:
    """``text.lstrip().splitlines()[:count]``, reading only as much of ``text`` as those
    lines take (not a copy and a split of the whole document)."""
    leading = _LEADING_SPACE.match(text)
    start = leading.end() if leading else 0
    size = _OPENING_SAMPLE
    while True:
        lines = text[start : start + size].splitlines()
        if len(lines) > count or start + size >= len(text):
            return lines[:count]  # a line past ``count`` began: the first ``count`` are whole
        size *= 4


def _runs_on(text: str, at: int) -> tuple[str, int]:
    """A value's lines from ``at`` up to a blank line, a metadata line or a heading."""
    parts: list[str] = []
    for _ in range(_MAX_VALUE_LINES):
        end = text.find("\n", at)
        line = text[at : len(text) if end < 0 else end]
        if not line.strip() or line.lstrip().startswith("#") or _METADATA_LINE.match(line):
            break
        parts.append(line.strip())
        at = len(text) if end < 0 else end + 1
    return " ".join(parts), at


def read_metadata_lines(text: str) -> FrontMatter:
    """The metadata lines opening ``text`` (see module doc); ``end`` is after the last one."""
    matter = FrontMatter()
    leading = _LEADING_BREAKS.match(text)
    at = leading.end() if leading else 0
    for _ in range(_MAX_METADATA_LINES):
        found = _METADATA_LINE.match(text, at)
        if not found:
            break
        key = (found["key"] or found["mmd"]).strip().lower()
        value = found["value"].strip()
        at = found.end()
        if not value and found["key"]:  # the value began with a line break: it runs on
            value, at = _runs_on(text, at)
        if value and key not in matter.data:
            matter.data[key] = value[: MAX_FIELD + 1]
    if matter.data:
        matter.end, matter.kind = at, "lines"
    return matter


def _yaml(body: str, matter: FrontMatter) -> None:
    aliases = 0
    try:
        for event in yaml.parse(body, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    matter.warnings.append(f"front matter uses more than {MAX_ALIASES} YAML "
                                           "aliases; ignored")
                    return
        data = yaml.safe_load(body)
    except yaml.YAMLError:
        matter.warnings.append("front matter is not valid YAML; ignored")
        return
    matter.data = data if isinstance(data, dict) else {}


def _toml(body: str, matter: FrontMatter) -> None:
    try:
        matter.data = tomllib.loads(body)
    except tomllib.TOMLDecodeError:
        matter.warnings.append("front matter is not valid TOML; ignored")


def read_front_matter(text: str) -> FrontMatter:
    """The front matter at the start of ``text`` (an empty one if there is none)."""
    found = _BLOCK.match(text[: MAX_FRONT_MATTER + 16])
    if found is None:
        if text.startswith(("---\n", "+++\n")) and len(text) > MAX_FRONT_MATTER:
            closing = text.find("\n" + text[:3], 4)
            if closing > MAX_FRONT_MATTER:
                end = text.find("\n", closing + 1)
                return FrontMatter(end=len(text) if end < 0 else end + 1, kind="too-long",
                                   warnings=[(f"front matter is over {MAX_FRONT_MATTER:,} "
                                              "characters; ignored")])
        return FrontMatter()
    matter = FrontMatter(end=found.end(), kind="yaml" if found["fence"] == "---" else "toml")
    (_yaml if matter.kind == "yaml" else _toml)(found["body"], matter)
    return matter
