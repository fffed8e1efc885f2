"""The production settings plus the hand-written baseline views (benchmark only)."""

from config.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
