"""Read a document file safely: regular files only, size checked while reading.

``read_document_file`` refuses what is not a regular file (a directory, a FIFO that would
block forever, ``/dev/zero`` that never ends, a socket) before opening it, opens without
blocking, checks the opened file again, and reads at most one byte more than the limit, so
a file that grows while it is read is refused too. Every problem is one
:class:`~provenance.errors.InputError` line naming the file (a very long or odd path is
shortened and made printable), never a traceback.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from provenance.errors import InputError

__all__ = ["read_document_file", "shown_path"]

_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
_REASONS = {errno.ENOENT: "no such file", errno.ENAMETOOLONG: "path is too long",
            errno.EACCES: "permission denied", errno.ELOOP: "too many symbolic links",
            errno.ENOTDIR: "a part of the path is not a directory", errno.EISDIR:
            "is a directory, not a document"}
_SHOWN = 160


def shown_path(name: str) -> str:
    """``name`` fit for one line: control characters replaced, a long path shortened."""
    printable = "".join(ch if ch.isprintable() else "?" for ch in name)
    if len(printable) <= _SHOWN:
        return printable
    return f"{printable[:100]}…{printable[-40:]} ({len(name):,} characters)"


def _reason(err: OSError) -> str:
    return _REASONS.get(err.errno or 0) or f"cannot be read ({err.strerror or err})"


def _check_kind(mode: int, name: str) -> None:
    if stat.S_ISDIR(mode):
        raise InputError(name, "is a directory, not a document")
    for test, kind in _KINDS:
        if test(mode):
            raise InputError(name, f"is {kind}, not a regular file")
    if not stat.S_ISREG(mode):
        raise InputError(name, "is not a regular file")


def _too_big(name: str, size: int, limit: int) -> InputError:
    return InputError(name, f"file is {size:,} bytes, over the limit of {limit:,} "
                      "(--max-size / PROVENANCE_MAX_DOCUMENT_BYTES)")


def read_document_file(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or one InputError line."""
    name = shown_path(str(path))
    try:
        info = os.stat(path)
    except (OSError, ValueError) as err:
        raise InputError(name, _reason(err) if isinstance(err, OSError)
                         else "path is not valid") from None
    _check_kind(info.st_mode, name)
    if info.st_size > limit:
        raise _too_big(name, info.st_size, limit)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as err:
        raise InputError(name, _reason(err)) from None
    with os.fdopen(fd, "rb") as handle:
        try:
            _check_kind(os.fstat(handle.fileno()).st_mode, name)  # swapped since the stat
            data = handle.read(limit + 1)
        except OSError as err:
            raise InputError(name, _reason(err)) from None
    if len(data) > limit:
        raise _too_big(name, len(data), limit)
    if not data.strip():
        raise InputError(name, "file is empty")
    return data
