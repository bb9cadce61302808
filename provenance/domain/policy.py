"""The tunables the pure rules read, as a protocol: the settings object satisfies it.

Domain code depends on these names only, never on :mod:`provenance.settings`.
"""

from __future__ import annotations

from typing import Protocol


class LinkPolicy(Protocol):
    """When a failing link counts as dead and how often links are checked again."""

    @property
    def dead_after_failures(self) -> int: ...

    @property
    def dead_after_days(self) -> float: ...

    @property
    def recheck_alive_days(self) -> float: ...

    @property
    def recheck_failing_hours(self) -> float: ...
