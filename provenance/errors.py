"""The one error hierarchy of provenance.

Exceptions are for the tool failing or being used wrongly; a dead link, an empty
reference or a soft-404 are *values*, never exceptions.

    ProvenanceError                 exit code 2 unless stated
    ├── UsageError                  bad flags or configuration
    ├── InputError                  a document that cannot be read or parsed (names the file/URL)
    │   └── UnsafeURLError          a URL the safety rule refuses (private address, bad scheme)
    ├── NotFoundError               a document, claim or reference that does not exist
    ├── StoreError                  the database cannot be opened or upgraded
    └── ArchiveServiceError         the Wayback Machine could not be asked (429, 5xx, network)
        └── ArchiveRateLimited      a 429: every lookup must stop, carries retry_after seconds

Anything else that escapes a command (a bug, a damaged database file) is unexpected: the
command line prints one line and exits with ``UNEXPECTED_EXIT_CODE`` (3), never 1, which
``check`` and ``archive`` use for "new problems found".
"""

from __future__ import annotations

UNEXPECTED_EXIT_CODE = 3


class ProvenanceError(Exception):
    """Base class: a message a user can read, and the exit code it should end with."""

    exit_code = 2

    def __init__(self, message: str) -> None:
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
        self.source = source
        self.problem = problem


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
