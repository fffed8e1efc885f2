"""The shared cache, the trusted-proxy rule and the abuse budget (imported by base.py).

Budgets, persisted GraphQL documents and the read cache live in Django's default cache,
so it must be shared by every worker process and every replica:

- ``REDIS_URL`` set: Redis through django-redis. Chosen over Django's built-in RedisCache
  because it can degrade: with ``DJANGO_REDIS_IGNORE_EXCEPTIONS`` a Redis outage turns
  every cache call into a miss (a log line each), so requests are still served, where the
  built-in backend raises and the request ends in a 500. Short socket timeouts bound the
  wait on a Redis that hangs.
- unset: the database cache table (``catalog_cache``, made by a migration), which every
  worker of one machine shares, with increments made atomic (config/cache.py). The
  local-memory cache is for the test suite only.
"""

import environ

env = environ.Env()

REDIS_URL = env.str("REDIS_URL", default="")
# A Redis that stops answering costs at most this much per cache call.
REDIS_SOCKET_TIMEOUT_MS = env.int("REDIS_SOCKET_TIMEOUT_MS", default=250)

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="hc"),
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": REDIS_SOCKET_TIMEOUT_MS / 1000,
                "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT_MS / 1000,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.AtomicDatabaseCache",
            "LOCATION": "catalog_cache",
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="hc"),
            "OPTIONS": {"MAX_ENTRIES": env.int("CACHE_MAX_ENTRIES", default=50_000)},
        }
    }
DJANGO_REDIS_IGNORE_EXCEPTIONS = True
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "config.cache"

# The addresses of the proxies in front (IPs or CIDR blocks, comma-separated). Only a request
# whose peer is one of them has its X-Forwarded-For believed: the client is then the right-most
# address in it that is not a trusted proxy. With none configured, X-Forwarded-For is ignored.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

_generous = env.bool("DEBUG", default=False) or env.bool("WORKSHOP_MODE", default=False)


def _rate(variable: str, default: str) -> str | None:
    """A rate such as "60/minute" from the environment; "off" (or empty, or 0) turns it off."""
    value = env.str(variable, default=default).strip()
    return None if value.lower() in ("", "off", "none", "0") else value


# One budget per client for both API styles, counted in the shared cache. A REST request costs
# one; a GraphQL document costs what its root fields and computed cost add up to (see
# api_graphql/cost.py). The production defaults (docs/operations.md argues them): a person using
# a client app makes a few requests a second at most, a signed-in user somewhat more; a login
# is a handful a minute per account and per address. `make run` and workshop mode, where a
# room shares one address, are generous.
THROTTLE_RATES = {
    "anon": _rate("THROTTLE_ANON_RATE", "3000/minute" if _generous else "120/minute"),
    "user": _rate("THROTTLE_USER_RATE", "6000/minute" if _generous else "600/minute"),
    "login": _rate("THROTTLE_LOGIN_RATE", "30/minute" if _generous else "5/minute"),
    "login_address": _rate("THROTTLE_LOGIN_ADDRESS_RATE", "300/minute" if _generous else "20/minute"),
}

# Catalog reads (catalog/read_cache.py): anonymous answers kept in the shared cache under the
# catalog version (a write makes them unreachable at once; this only bounds how long unused
# ones stay), answers larger than READ_CACHE_MAX_BYTES not kept, and the max-age anonymous
# answers carry for HTTP caches before they must revalidate with their ETag.
READ_CACHE = env.bool("READ_CACHE", default=True)
READ_CACHE_SECONDS = env.int("READ_CACHE_SECONDS", default=600)
READ_CACHE_MAX_BYTES = env.int("READ_CACHE_MAX_BYTES", default=512 * 1024)
READ_CACHE_MAX_AGE = env.int("READ_CACHE_MAX_AGE", default=5)
# Each process keeps the answers it served last in front of the shared cache, up to this many
# bytes (0: none); keyed by the catalog version like the shared ones, so never stale.
READ_CACHE_LOCAL_BYTES = env.int("READ_CACHE_LOCAL_BYTES", default=8 * 1024 * 1024)
# ... and answers each anonymous repeat of a cached read in front of Django, byte for byte
# (config/repeated_reads.py), up to this many bytes (0: none); also keyed by the version.
READ_CACHE_REPLAY_BYTES = env.int("READ_CACHE_REPLAY_BYTES", default=8 * 1024 * 1024)
