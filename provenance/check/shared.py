"""Per-host politeness shared by the processes of one ``check --processes N`` command.

Leases give each host to one process at a time, but a redirect (or a soft-404 probe) may
lead a process to a host another process holds. So that ``per_host`` and ``min_delay``
hold over all the processes, each request to a host also takes one of ``per_host`` slot
files of that host with a non-blocking ``flock`` (released when the file is closed, also
if the process dies), and, with a ``min_delay``, reads and moves the host's next allowed
start (``CLOCK_MONOTONIC``, the same for every process of the machine) in a small file.
A few system calls per request; a slot held elsewhere is retried every ``RETRY`` seconds,
in turn (see ``acquire``).
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import os
import time
from pathlib import Path

RETRY = 0.005


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


class SharedSlots:
    """``per_host`` request slots per host, shared through lock files in ``directory``."""

    def __init__(self, directory: Path, per_host: int, min_delay: float) -> None:
        self.directory = directory
        self.per_host = per_host
        self.min_delay = min_delay

    def _path(self, host: str, suffix: str) -> str:
        key = hashlib.sha1(host.encode("utf-8", "replace")).hexdigest()[:20]
        return os.path.join(self.directory, f"{key}.{suffix}")

    async def acquire(self, host: str, held: set[int]) -> tuple[int, int]:
        """(file descriptor, slot number) of a free slot of ``host`` (``held``: the slots
        this process holds already, updated); waits while every slot is held elsewhere.

        Fair: a request first takes the host's turnstile and keeps it until it has a slot,
        so a process whose requests keep a host busy cannot starve another's waiting one
        (a redirect into that host) by taking each freed slot again at once."""
        turn = os.open(self._path(host, "turn"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            while not _try_lock(turn):
                await asyncio.sleep(RETRY)
            while True:
                for slot in range(self.per_host):
                    if slot in held:
                        continue
                    fd = os.open(self._path(host, str(slot)), os.O_RDWR | os.O_CREAT, 0o600)
                    if _try_lock(fd):
                        held.add(slot)
                        return fd, slot
                    os.close(fd)
                await asyncio.sleep(RETRY)
        finally:
            os.close(turn)  # closing the file releases the turnstile

    @staticmethod
    def release(token: tuple[int, int], held: set[int]) -> None:
        """Give back a slot taken by ``acquire``."""
        fd, slot = token
        held.discard(slot)
        os.close(fd)  # closing the file releases its lock

    async def wait_turn(self, host: str) -> None:
        """With a ``min_delay``: wait for this host's next allowed start over all processes,
        and move it ``min_delay`` on."""
        if self.min_delay <= 0:
            return
        while True:
            fd = os.open(self._path(host, "next"), os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                try:
                    next_start = float(os.pread(fd, 32, 0) or b"0")
                except ValueError:
                    next_start = 0.0
                now = time.monotonic()
                if next_start <= now:
                    stamp = f"{now + self.min_delay:.6f}".ljust(32).encode()
                    os.pwrite(fd, stamp, 0)
                    return
            finally:
                os.close(fd)
            await asyncio.sleep(next_start - now)
