"""The checker's tunables in one frozen object: retries, outages, 429s, buffers.

The user-facing knobs are settings (``retries``, ``outage_wait``, ``canary_names``...);
``CheckPolicy.from_settings`` folds them in. Everything else has a named default here, and
tests build a policy with shorter waits instead of patching module constants.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from provenance.check.outage import OutagePolicy
from provenance.domain import links as t
from provenance.settings import Settings


@dataclass(frozen=True)
class RetryPolicy:
    """Transient failures are checked again within the run before they count.

    ``transient`` more attempts after a reset, a refused connection or a 5xx, ``timeouts``
    more after a timeout (each costs a whole deadline), waiting ``backoff[n]`` seconds
    (the last value repeats) +-``jitter``, then first in the host's queue.
    """

    transient: int = 2
    timeouts: int = 1
    backoff: tuple[float, ...] = (0.5, 2.0)
    jitter: float = 0.25
    # The retry of a timeout needs to show the server answers now, not wait the whole
    # deadline again: it gets ``timeout_factor`` x the host's usual answer time, at least
    # ``min_timeout`` seconds (and never more than the ``timeout`` setting).
    timeout_factor: float = 10.0
    min_timeout: float = 1.0

    def attempts_after(self, outcome: str) -> int:
        """How many more attempts a first check that ended with ``outcome`` gets."""
        if outcome == t.TIMEOUT:
            return min(self.timeouts, self.transient)
        if outcome in (t.CONNECTION_ERROR, t.SERVER_ERROR):
            return self.transient
        return 0

    def may_retry(self, outcome: str, retries: int, timeouts: int) -> bool:
        """Whether a link whose last check ended with ``outcome`` is checked again, after
        ``retries`` retries of which ``timeouts`` followed a timeout."""
        if outcome == t.TIMEOUT:
            return retries < self.transient and timeouts < self.timeouts
        return outcome in (t.CONNECTION_ERROR, t.SERVER_ERROR) and retries < self.transient

    def retry_deadline(self, usual: float | None, timeout: float) -> float:
        """The deadline of a timeout's retry on a host that usually answers in ``usual``
        seconds (None: not known yet, the whole ``timeout``)."""
        if usual is None:
            return timeout
        return min(timeout, max(self.min_timeout, self.timeout_factor * usual))

    def delay(self, retry: int, rnd: random.Random | None = None) -> float:
        """Seconds to wait before retry number ``retry`` (0-based)."""
        base = self.backoff[min(retry, len(self.backoff) - 1)] if self.backoff else 0.0
        spread = (rnd or random).uniform(-self.jitter, self.jitter)
        return max(0.0, base * (1.0 + spread))


@dataclass(frozen=True)
class CheckPolicy:
    """Every tunable of the checker that is not a user setting."""

    retry: RetryPolicy = field(default_factory=RetryPolicy)
    outage: OutagePolicy = field(default_factory=OutagePolicy)
    # 429s: the host backs off and the link goes to the end of its queue, unless the wait
    # asked for is longer than this or it came back 429 this many times.
    retry_after_cap: float = 120.0
    default_backoff: float = 5.0
    max_rate_limit_retries: int = 3
    # Tasks taken from the feed and not finished at most (memory stays flat).
    min_buffer: int = 4096
    # Bytes of a redirect's or error page's body read so the connection can be reused.
    small_body: int = 16 * 1024

    @classmethod
    def from_settings(cls, settings: Settings) -> CheckPolicy:
        """The default policy with the user's settings folded in."""
        return cls().with_settings(settings)

    def with_settings(self, settings: Settings) -> CheckPolicy:
        return replace(self, retry=replace(self.retry, transient=settings.retries,
                                           timeouts=min(settings.retries, self.retry.timeouts)))

    def quick(self, factor: float = 0.05) -> CheckPolicy:
        """The same rules with every wait shortened by ``factor`` (tests, simulations)."""
        o = self.outage
        return replace(
            self,
            retry=replace(self.retry, backoff=tuple(b * factor for b in self.retry.backoff)),
            outage=replace(o, settle=o.settle * factor, probe_every=o.probe_every * factor,
                           probe_max=o.probe_max * factor, window=o.window * factor * 4,
                           cooldown=o.cooldown * factor),
            default_backoff=self.default_backoff * factor)
