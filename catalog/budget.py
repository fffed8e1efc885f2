"""Rate budgets in the shared cache: one per client, whatever API style it speaks.

A budget is a fixed window (a minute, say) with a limit; each request charges it with a
cost (1 for a REST request, the computed cost for a GraphQL document, 1 per login attempt)
by one atomic increment of a cache counter, so every worker and every replica counts
against the same number. A cache that is down counts nothing: requests are served.
"""

import logging
import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

_PERIODS = {
    **dict.fromkeys(("s", "sec", "second"), 1),
    **dict.fromkeys(("m", "min", "minute"), 60),
    **dict.fromkeys(("h", "hour"), 3600),
    **dict.fromkeys(("d", "day"), 86400),
}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]+?)s?\s*$")


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds

    def __str__(self) -> str:
        return f"{self.limit}/{self.period}s"


def parse_rate(text: str | None) -> Rate | None:
    """``"60/minute"``, ``"5/10m"`` or ``"1000/hour"`` as a Rate; None (no limit) for None."""
    if text is None:
        return None
    match = _RATE.match(text.lower())
    if not match or match.group(3) not in _PERIODS:
        raise ValueError(f"Not a rate: {text!r} (use e.g. 60/minute)")
    multiple = int(match.group(2) or 1)
    return Rate(int(match.group(1)), multiple * _PERIODS[match.group(3)])


def rate_for(scope: str) -> Rate | None:
    return parse_rate(settings.THROTTLE_RATES.get(scope))


@dataclass(frozen=True)
class Charge:
    """The outcome of charging a budget."""

    allowed: bool
    cost: int
    limit: int | None  # None: no limit applies
    used: int
    retry_after: int  # seconds until the window ends (0 when allowed)

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(self.limit - self.used, 0)


def _increment(key: str, amount: int, ttl: int) -> int | None:
    """Add ``amount`` to a counter that expires with its window; None when the cache is down."""
    try:
        if cache.add(key, amount, ttl):
            return amount
        return cache.incr(key, amount)
    except ValueError:  # expired between add and incr
        cache.add(key, amount, ttl)
        return amount
    except Exception:  # a cache outage must not refuse or fail requests
        logger.warning("Budget cache unavailable; %s not counted", key, exc_info=True)
        return None


def charge(scope: str, identity: str, cost: int = 1, *, rate: Rate | None = None) -> Charge:
    """Charge ``identity``'s budget in ``scope`` with ``cost`` and say whether it stays within the rate."""
    rate = rate if rate is not None else rate_for(scope)
    if rate is None:
        return Charge(allowed=True, cost=cost, limit=None, used=0, retry_after=0)
    now = time.time()
    window = math.floor(now / rate.period)
    key = f"budget:{scope}:{identity}:{rate.period}:{window}"
    used = _increment(key, cost, rate.period + 1)
    if used is None:
        return Charge(allowed=True, cost=cost, limit=rate.limit, used=0, retry_after=0)
    allowed = used <= rate.limit
    retry_after = 0 if allowed else max(1, math.ceil((window + 1) * rate.period - now))
    return Charge(allowed=allowed, cost=cost, limit=rate.limit, used=int(used), retry_after=retry_after)


def peek(scope: str, identity: str, *, rate: Rate | None = None) -> Charge:
    """What ``identity`` has used of its budget in ``scope``, without charging it."""
    return charge(scope, identity, 0, rate=rate)


def request_identity(user, address: str) -> tuple[str, str]:
    """(scope, identity) of the API budget: the user when signed in, else the client address."""
    if user is not None and getattr(user, "is_authenticated", False):
        return "user", f"user:{user.pk}"
    return "anon", f"addr:{address}"
