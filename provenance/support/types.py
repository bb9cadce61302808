"""Value types of the support checker: facts, passages, results (`Verdict` lives in
`provenance.domain.support` and is re-exported here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from provenance.domain.support import Verdict

__all__ = ["DateValue", "Fact", "FactKind", "Passage", "SupportError", "SupportResult", "Verdict"]


class SupportError(Exception):
    """The support checker itself failed (e.g. an embedding model that cannot be loaded)."""


class FactKind(StrEnum):
    """The kinds of checkable facts looked for explicitly."""

    NUMBER = "number"
    DATE = "date"
    AGE = "age"
    NAME = "name"
    QUOTE = "quote"


@dataclass(frozen=True, slots=True)
class Fact:
    """One checkable fact of a claim, as written and in a comparable form.

    `value` is the comparable form: a float for numbers and ages, a `DateValue` for dates,
    the lower-cased token tuple for names and quotes. `context` holds the content words
    around the fact (used to tell a contradiction from an unrelated number).
    """

    kind: FactKind
    text: str
    value: object
    start: int = 0
    unit: tuple[str, ...] = ()
    context: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class DateValue:
    """A written date: any of year, month, days may be unknown (None / empty)."""

    year: int | None
    month: int | None
    days: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Passage:
    """A run of sentences of the source text, with its place in the text."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class SupportResult:
    """The verdict for one claim against one source text."""

    verdict: Verdict
    score: float
    evidence: str = ""
    found: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    language: str | None = None
    claim_language: str | None = None
    passage: int | None = None
    reason: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def cross_language(self) -> bool:
        """True when the source is in another language than the claim."""
        return bool(self.language and self.claim_language and self.language != self.claim_language)
