"""All configuration in one place: each setting declared once (name, default, help).

Settings are built once at the edge (the CLI) from defaults, then ``PROVENANCE_<NAME>``
environment variables, then command-line flags, and passed down. Nothing reads the
environment at import time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from provenance.errors import UsageError

DEFAULT_DB_FILE = "provenance.db"


@dataclass(frozen=True)
class Settings:
    """Every tunable of provenance. Field metadata holds the help text shown in docs."""

    db_url: str = f"sqlite:///{DEFAULT_DB_FILE}"
    max_document_bytes: int = 20 * 1024 * 1024
    # link checker
    concurrency: int = 64
    per_host: int = 2
    min_delay: float = 1.0
    timeout: float = 20.0
    connect_timeout: float = 10.0
    max_redirects: int = 10
    max_body_bytes: int = 512 * 1024
    dead_after_failures: int = 3
    dead_after_days: float = 3.0
    allow_private_addresses: bool = False
    verify_tls: bool = True
    user_agent: str = "provenance-linkcheck/0.1 (+https://github.com/provenance-tracker/provenance)"
    canary_url: str = ""
    canary_names: str = "example.com,iana.org,wikipedia.org"
    retries: int = 2
    outage_wait: float = 900.0
    recheck_alive_days: float = 7.0
    recheck_failing_hours: float = 24.0
    lease_seconds: float = 300.0
    processes: int = 1
    # archives
    wayback_url: str = "https://web.archive.org"
    wayback_rate: float = 20.0
    wayback_save_rate: float = 3.0
    wayback_timeout: float = 30.0
    wayback_access_key: str = ""
    wayback_secret_key: str = ""
    archive_recheck_days: float = 30.0

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with the given (non-None) values replaced."""
        clean = {k: v for k, v in overrides.items() if v is not None}
        return replace(self, **clean) if clean else self


SETTING_HELP: dict[str, str] = {
    "db_url": "Database URL: sqlite:///file.db (default provenance.db in the working directory) "
    "or postgresql+psycopg://user@host/db.",
    "max_document_bytes": "Largest document (file or fetched page) ingest accepts, in bytes.",
    "concurrency": "Checks in flight at once, over all hosts.",
    "per_host": "Requests in flight at once to one host.",
    "min_delay": "Least time in seconds between two requests to one host (0 allowed).",
    "timeout": "Overall deadline in seconds for one URL, redirects and body included.",
    "connect_timeout": "Deadline in seconds to open one connection.",
    "max_redirects": "Longest redirect chain followed before the outcome is too-many-redirects.",
    "max_body_bytes": "Bytes of a page body read (after decompression) for title and soft-404.",
    "dead_after_failures": "Failed checks in a row before a link is dead (until then: failing).",
    "dead_after_days": "Days the failures must span before a link is dead.",
    "allow_private_addresses": "Allow loopback, private and link-local targets (tests, intranets).",
    "verify_tls": "Verify TLS certificates (a bad certificate is the outcome tls-error).",
    "user_agent": "User-Agent sent with every request; keep a contact URL in it.",
    "canary_url": "A URL that must answer for a run to count (empty: use the run's own results).",
    "canary_names": "Host names that always resolve, comma-separated: when names fail to "
    "resolve, these tell a broken resolver from a missing host (empty: judge by the pattern).",
    "retries": "Checks again within the run after a reset, refused connection or 5xx (a "
    "timeout: at most once) before a failure counts; 0 turns retries off.",
    "outage_wait": "Seconds a run waits for the network to come back after an outage before "
    "it stops and records the rest as inconclusive.",
    "recheck_alive_days": "Days before a healthy link is checked again (doubles up to 4x).",
    "recheck_failing_hours": "Hours before a failing link is checked again.",
    "lease_seconds": "How long a worker's lease on a batch of links lasts before others may "
    "take it.",
    "processes": "Processes one `provenance check` runs (each takes hosts through the leases).",
    "wayback_url": "Base URL of the Wayback Machine (availability, CDX, snapshots and Save Page "
    "Now).",
    "wayback_rate": "Wayback lookups per minute, shared by every worker on the database.",
    "wayback_save_rate": "Save Page Now captures per minute, shared by every worker.",
    "wayback_timeout": "Deadline in seconds for one Wayback request.",
    "wayback_access_key": "Internet Archive S3 access key for Save Page Now (optional).",
    "wayback_secret_key": "Internet Archive S3 secret key for Save Page Now (optional).",
    "archive_recheck_days": "Days before a link with a known snapshot is looked up again.",
}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_name(setting: str) -> str:
    """The environment variable of a setting: ``PROVENANCE_<NAME>``."""
    return f"PROVENANCE_{setting.upper()}"


def _coerce(name: str, kind: Any, raw: str) -> Any:
    try:
        if kind in (bool, "bool"):
            low = raw.strip().lower()
            if low in _TRUE:
                return True
            if low in _FALSE:
                return False
            raise ValueError(raw)
        if kind in (int, "int"):
            return int(raw)
        if kind in (float, "float"):
            return float(raw)
    except ValueError:
        raise UsageError(f"{env_name(name)}={raw!r} is not a valid {kind}") from None
    return raw


def load_settings(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Defaults, then ``PROVENANCE_*`` variables from ``environ``, then explicit overrides."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for f in fields(Settings):
        raw = environ.get(env_name(f.name))
        if raw is not None:
            values[f.name] = _coerce(f.name, f.type, raw)
    settings = Settings(**values).with_overrides(**overrides)
    validate(settings)
    return settings


def validate(settings: Settings) -> None:
    """Refuse settings no run can use."""
    positive = ("concurrency", "per_host", "max_redirects", "max_body_bytes",
                "dead_after_failures", "max_document_bytes", "processes")
    for name in positive:
        if getattr(settings, name) < 1:
            raise UsageError(f"{name.replace('_', '-')} must be at least 1")
    for name in ("min_delay", "dead_after_days", "retries", "outage_wait"):
        if getattr(settings, name) < 0:
            raise UsageError(f"{name.replace('_', '-')} must not be negative")
    for name in ("timeout", "connect_timeout", "wayback_rate", "wayback_save_rate",
                 "wayback_timeout", "lease_seconds"):
        if getattr(settings, name) <= 0:
            raise UsageError(f"{name.replace('_', '-')} must be greater than 0")


def sqlite_path(db_url: str) -> Path | None:
    """The file behind a sqlite URL, or None for other databases and in-memory SQLite."""
    if not db_url.startswith("sqlite"):
        return None
    _, _, rest = db_url.partition(":///")
    return Path(rest) if rest and rest != ":memory:" else None
