"""All configuration in one place: each setting declared once (name, type, default, help).

Settings are built once at the edge (the CLI) from defaults, then ``PROVENANCE_<NAME>``
environment variables, then command-line flags, and passed down. Nothing reads the
environment at import time. The command line's flags are generated from these declarations
(``provenance.cli.options``), so a flag's help, default and environment variable are the ones
written here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import Field, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from provenance.errors import UsageError

DEFAULT_DB_FILE = "provenance.db"


def setting(default: Any, help: str) -> Any:
    """Declare one setting: its default and the help shown by ``--help`` and in the README."""
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    """Every tunable of provenance; each field is one setting (see ``setting``)."""

    db_url: str = setting(
        f"sqlite:///{DEFAULT_DB_FILE}",
        "Database URL: sqlite:///file.db (default provenance.db in the working directory), "
        "a plain file path (a SQLite file), or postgresql+psycopg://user@host/db.")
    max_document_bytes: int = setting(
        20 * 1024 * 1024, "Largest document (file or fetched page) ingest accepts, in bytes.")
    # link checker
    concurrency: int = setting(64, "Checks in flight at once, over all hosts.")
    per_host: int = setting(2, "Requests in flight at once to one host.")
    min_delay: float = setting(
        1.0, "Least time in seconds between two requests to one host (0 allowed).")
    timeout: float = setting(
        20.0, "Overall deadline in seconds for one URL, redirects and body included.")
    connect_timeout: float = setting(10.0, "Deadline in seconds to open one connection.")
    max_redirects: int = setting(
        10, "Longest redirect chain followed before the outcome is too-many-redirects.")
    max_body_bytes: int = setting(
        512 * 1024, "Bytes of a page body read (after decompression) for title and soft-404.")
    dead_after_failures: int = setting(
        3, "Failed checks in a row before a link is dead (until then: failing).")
    dead_after_days: float = setting(3.0, "Days the failures must span before a link is dead.")
    allow_private_addresses: bool = setting(
        False, "Allow loopback, private and link-local targets (tests, intranets).")
    verify_tls: bool = setting(
        True, "Verify TLS certificates (a bad certificate is the outcome tls-error).")
    user_agent: str = setting(
        "provenance-linkcheck/0.1 (+https://github.com/provenance-tracker/provenance)",
        "User-Agent sent with every request; keep a contact URL in it.")
    canary_url: str = setting(
        "", "A URL that must answer for a run to count (empty: use the run's own results).")
    canary_names: str = setting(
        "example.com,iana.org,wikipedia.org",
        "Host names that always resolve, comma-separated: when names fail to resolve, these "
        "tell a broken resolver from a missing host (empty: judge by the pattern).")
    retries: int = setting(
        2, "Checks again within the run after a reset, refused connection or 5xx (a timeout: at "
        "most once) before a failure counts; 0 turns retries off.")
    outage_wait: float = setting(
        900.0, "Seconds a run waits for the network to come back after an outage before it "
        "stops and records the rest as inconclusive.")
    recheck_alive_days: float = setting(
        7.0, "Days before a healthy link is checked again (doubles up to 4x).")
    recheck_failing_hours: float = setting(24.0, "Hours before a failing link is checked again.")
    lease_seconds: float = setting(
        300.0, "How long a worker's lease on a batch of links lasts before others may take it.")
    processes: int = setting(
        1, "Processes one `provenance check` runs (each takes hosts through the leases).")
    # review app
    serve_token: str = setting(
        "", "Write token of `provenance serve`: required for changes when given; made up and "
        "printed when listening on anything but loopback.")
    # archives
    wayback_url: str = setting(
        "https://web.archive.org",
        "Base URL of the Wayback Machine (availability, CDX, snapshots and Save Page Now).")
    wayback_rate: float = setting(
        20.0, "Wayback lookups per minute, shared by every worker on the database.")
    wayback_save_rate: float = setting(
        3.0, "Save Page Now captures per minute, shared by every worker.")
    wayback_timeout: float = setting(30.0, "Deadline in seconds for one Wayback request.")
    wayback_access_key: str = setting(
        "", "Internet Archive S3 access key for Save Page Now (optional).")
    wayback_secret_key: str = setting(
        "", "Internet Archive S3 secret key for Save Page Now (optional).")
    archive_recheck_days: float = setting(
        30.0, "Days before a link with a known snapshot is looked up again.")

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with the given (non-None) values replaced."""
        clean = {k: v for k, v in overrides.items() if v is not None}
        return replace(self, **clean) if clean else self


def declaration(name: str) -> Field[Any]:
    """The declaration of one setting (name, type, default, help in ``metadata``)."""
    for f in fields(Settings):
        if f.name == name:
            return f
    raise KeyError(name)


def setting_type(name: str) -> type:
    """The Python type of a setting: bool, int, float or str."""
    kind = declaration(name).type  # a string: this module uses postponed annotations
    return {"bool": bool, "int": int, "float": float}.get(str(kind), str)


SETTING_HELP: dict[str, str] = {f.name: f.metadata["help"] for f in fields(Settings)}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_name(name: str) -> str:
    """The environment variable of a setting: ``PROVENANCE_<NAME>``."""
    return f"PROVENANCE_{name.upper()}"


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
    settings = replace(settings, db_url=database_url(settings.db_url))
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


def database_url(value: str) -> str:
    """A database URL as given, or a plain file path as the URL of a SQLite file there."""
    if "://" in value or not value.strip():
        return value
    return f"sqlite:///{Path(value).expanduser()}"


def sqlite_path(db_url: str) -> Path | None:
    """The file behind a sqlite URL, or None for other databases and in-memory SQLite."""
    if not db_url.startswith("sqlite"):
        return None
    _, _, rest = db_url.partition(":///")
    return Path(rest) if rest and rest != ":memory:" else None
