"""Request rates per client address (anonymous) or per user, from REST_FRAMEWORK's THROTTLE_RATES.

DRF's own throttles keep one timestamp per request in the cache and rewrite the whole list
on every request, which grows costly at generous rates. These count requests per fixed
window instead: one small cache counter per client, whatever the rate.
"""

import math

from rest_framework import throttling
from rest_framework.settings import api_settings


class FixedWindowRateThrottle(throttling.SimpleRateThrottle):
    def get_rate(self) -> str | None:
        # Read on each request (not at import), so a settings change applies at once.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = math.floor(self.now / self.duration)
        self.window_end = (window + 1) * self.duration
        key = f"{self.key}_{window}"
        try:
            count = self.cache.incr(key)
        except ValueError:  # the first request of this window
            if self.cache.add(key, 1, self.duration + 1):
                return True
            count = self.cache.incr(key)  # another process added it first
        return count <= self.num_requests

    def wait(self) -> float:
        return max(0.0, self.window_end - self.now)


class AnonRateThrottle(FixedWindowRateThrottle, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(FixedWindowRateThrottle, throttling.UserRateThrottle):
    pass
