"""Hypothesis profiles: a few examples per property by default, more in CI (HYPOTHESIS_PROFILE=ci)."""

import os

from hypothesis import HealthCheck, settings

_COMMON = {
    "deadline": None,
    # The database is shared by a test's examples; each example rolls back what it wrote.
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    "database": None,
}
settings.register_profile("default", max_examples=12, **_COMMON)
settings.register_profile("ci", max_examples=40, derandomize=True, **_COMMON)
# A long hunt, by hand: HYPOTHESIS_PROFILE=deep pytest tests/property
settings.register_profile("deep", max_examples=600, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
