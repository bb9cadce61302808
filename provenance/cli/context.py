"""What every command receives: the settings built once at the edge and the open store."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from provenance.settings import Settings, load_settings

if TYPE_CHECKING:
    from provenance.store.database import Database


@dataclass
class AppContext:
    """The options given on the command line (global and the command's own setting flags);
    builds Settings and the Database on demand."""

    overrides: dict[str, Any] = field(default_factory=dict)
    debug: bool = False
    _database: Database | None = field(default=None, repr=False)

    def settings(self, **overrides: Any) -> Settings:
        """Defaults < PROVENANCE_* environment < flags (``overrides`` given here win last)."""
        given = {k: v for k, v in overrides.items() if v is not None}
        return load_settings(os.environ, **{**self.overrides, **given})

    def database(self, settings: Settings | None = None) -> Database:
        """The store for these settings, upgraded to the current schema on first use."""
        from provenance.store.database import Database

        if self._database is None:
            self._database = Database.open((settings or self.settings()).db_url)
        return self._database

    def close(self) -> None:
        """Close the store's connections, if it was opened (the command has ended)."""
        if self._database is not None:
            self._database.dispose()
            self._database = None
