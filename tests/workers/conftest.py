"""Fixtures for the multi-worker tests: the loopback link farm and worker processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from linkfarm import KINDS, farm_in_thread  # noqa: E402 (bench/ is put on sys.path above)

# Fast kinds only (no hangs, trickles, big bodies): the tests are about the queue.
TEST_KINDS = ("page", "page", "page", "page", "r301", "r302", "404", "410", "500", "403",
              "loop", "r404")


@pytest.fixture(scope="module")
def farm() -> Iterator[Any]:
    with farm_in_thread(hosts=12, latency=0.004) as running:
        yield running


def farm_urls(farm: Any, count: int, hosts: int = 10) -> dict[str, str]:
    """``count`` URLs over the farm's first ``hosts`` hosts: url -> expected outcome."""
    out = {}
    for n in range(count):
        kind = TEST_KINDS[n % len(TEST_KINDS)]
        host = 1 + (n * 7) % hosts
        path = f"/loop/{n}" if kind == "loop" else f"/{kind}/{n}"
        out[farm.url(host, path)] = KINDS[kind][1]
    return out


def reset_farm(farm: Any) -> None:
    farm.stats.clear()


def peaks(farm: Any) -> dict[str, int]:
    return {host: s["peak"] for host, s in farm.snapshot().items()}


class Workers:
    """Worker processes: ``provenance --db URL worker ...`` with the test's options."""

    def __init__(self, db_url: str, logs: Path) -> None:
        self.db_url = db_url
        self.logs = logs
        self.procs: list[subprocess.Popen[str]] = []
        self.files: list[tuple[Path, Path]] = []

    def start(self, *args: str, command: str = "worker") -> subprocess.Popen[str]:
        cmd = [sys.executable, "-m", "provenance", "--db", self.db_url, command,
               "--allow-private-addresses", "--min-delay", "0", "--timeout", "5",
               "--format", "json", *args]
        env = {**os.environ, "PYTHONWARNINGS": "ignore"}
        # Output goes to files: a pipe nobody reads would fill and freeze the worker.
        n = len(self.procs)
        out, err = self.logs / f"worker{n}.out", self.logs / f"worker{n}.err"
        with out.open("w") as stdout, err.open("w") as stderr:
            proc = subprocess.Popen(cmd, stdout=stdout, stderr=stderr, text=True, env=env,
                                    cwd=ROOT)
        self.procs.append(proc)
        self.files.append((out, err))
        return proc

    def wait(self, timeout: float = 60) -> list[tuple[int, str, str]]:
        deadline = time.monotonic() + timeout
        done = []
        for proc, (out, err) in zip(self.procs, self.files, strict=True):
            proc.wait(timeout=max(1, deadline - time.monotonic()))
            done.append((proc.returncode, out.read_text(), err.read_text()))
        return done

    def output(self, proc: subprocess.Popen[str]) -> tuple[str, str]:
        out, err = self.files[self.procs.index(proc)]
        return out.read_text(), err.read_text()

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                proc.wait()


@pytest.fixture
def workers_factory(tmp_path: Path) -> Iterator[Any]:
    made: list[Workers] = []

    def make(db_url: str) -> Workers:
        logs = tmp_path / f"workers{len(made)}"
        logs.mkdir()
        made.append(Workers(db_url, logs))
        return made[-1]

    yield make
    for w in made:
        w.stop_all()
