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
    """Global options of the command line; builds Settings and the Database on demand."""

    db_url: str | None = None
    _database: Database | None = field(default=None, repr=False)

    def settings(self, **overrides: Any) -> Settings:
        """Defaults < PROVENANCE_* environment < global --db < the command's own flags."""
        if self.db_url:
            overrides.setdefault("db_url", self.db_url)
        return load_settings(os.environ, **overrides)

    def database(self, settings: Settings | None = None) -> Database:
        """The store for these settings, upgraded to the current schema on first use."""
        from provenance.store.database import Database

        if self._database is None:
            self._database = Database.open((settings or self.settings()).db_url)
        return self._database
