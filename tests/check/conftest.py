"""Fixtures of the checker tests: a loopback link farm (bench/linkfarm.py) in a thread."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from linkfarm import LinkFarm, farm_in_thread

from provenance.settings import Settings


@pytest.fixture(scope="session")
def farm() -> Iterator[LinkFarm]:
    """Four loopback hosts (127.0.0.1-4; 4 answers unknown paths with "Oops", 3 redirects
    them home), no latency."""
    with farm_in_thread(hosts=4, latency=0.0) as running:
        yield running


@pytest.fixture
def farm_settings() -> Settings:
    """Fast, loopback-allowed settings for the real-server tests."""
    return Settings(allow_private_addresses=True, timeout=1.0, connect_timeout=1.0,
                    min_delay=0.0, per_host=2, concurrency=16)
