"""Workshop mode: the /compare/ page and per-request cost figures (imported by base.py)."""

import environ

env = environ.Env()

# /compare/ and `manage.py compare` (in-process runs roll back, so data stays as it was).
WORKSHOP_MODE = env.bool("WORKSHOP_MODE", default=env.bool("DEBUG", default=False))
# X-DB-Queries and Server-Timing headers, GraphQL extensions.metrics. Off costs nothing.
REQUEST_METRICS = env.bool("REQUEST_METRICS", default=WORKSHOP_MODE)
