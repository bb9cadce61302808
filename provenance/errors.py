"""The one error hierarchy of provenance, and the exit codes of the command line.

Exceptions are for the tool failing or being used wrongly; a dead link, an empty
reference or a soft-404 are *values*, never exceptions. Each error knows its exit code and
prints as one line; no message ever shows a password (``redact``).

    ProvenanceError                 exit code 2 (EXIT_USAGE) unless stated
    ├── UsageError                  bad flags or configuration
    ├── InputError                  a document that cannot be read or parsed (names the file/URL)
    │   └── UnsafeURLError          a URL the safety rule refuses (private address, bad scheme)
    ├── NotFoundError               a document, claim or reference that does not exist
    ├── StoreError                  the database cannot be opened or upgraded
    └── ArchiveServiceError         the Wayback Machine could not be asked (429, 5xx, network)
        └── ArchiveRateLimited      a 429: every lookup must stop, carries retry_after seconds

Any other exception is a bug or a broken environment: the command line prints it as one
line and exits with EXIT_INTERNAL (the traceback only with ``--debug``).
"""

from __future__ import annotations

import re

EXIT_OK = 0
"""Done; nothing new is wrong."""
EXIT_PROBLEMS = 1
"""check/worker: new problems or an inconclusive run; archive: a link became lost;
db status: an upgrade is needed."""
EXIT_USAGE = 2
"""A ProvenanceError: usage, configuration, unreadable input, unknown document, database."""
EXIT_INTERNAL = 70
"""An unexpected exception (EX_SOFTWARE of sysexits.h): a bug or a broken environment."""
EXIT_INTERRUPTED = 130
"""Interrupted (Ctrl-C)."""

EXIT_CODES: dict[int, str] = {
    EXIT_OK: "ok", EXIT_PROBLEMS: "problems", EXIT_USAGE: "usage",
    EXIT_INTERNAL: "internal", EXIT_INTERRUPTED: "interrupted",
}

# user:password@ in any URL (scheme://user:password@host), and key=value secrets in text.
_URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@'\"]*:)[^@\s'\"/]*(?=@)")
_KEY_VALUE = re.compile(r"(?P<head>\b(?:password|passwd|pwd|secret|secret_key|access_key)"
                        r"\s*=\s*)(?P<q>['\"]?)[^\s'\"&;,)]+", re.IGNORECASE)
MASK = "***"


def redact(text: str) -> str:
    """``text`` with the password of every URL and every ``password=...`` replaced by ***."""
    text = _URL_PASSWORD.sub(lambda m: m.group("head") + MASK, text)
    return _KEY_VALUE.sub(lambda m: m.group("head") + m.group("q") + MASK, text)


class ProvenanceError(Exception):
    """Base class: a message a user can read (secrets masked), and the exit code it ends with."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str) -> None:
        message = redact(message)
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(ProvenanceError):
    """Bad command-line flags, environment variables or settings."""


class InputError(ProvenanceError):
    """A document (file or URL) that cannot be read or parsed."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = redact(source)
        self.problem = redact(problem)


class UnsafeURLError(InputError):
    """A URL refused by the safety rule (scheme, private or internal address)."""


class NotFoundError(ProvenanceError):
    """A document, claim or reference named on the command line does not exist."""


class StoreError(ProvenanceError):
    """The database cannot be opened, migrated or written."""


class ArchiveServiceError(ProvenanceError):
    """The archive service could not answer (network down, 5xx, malformed answer)."""


class ArchiveRateLimited(ArchiveServiceError):
    """The archive service said 429: stop asking for ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after
