"""Settings read from the environment; see .env.example for every variable."""

from pathlib import Path

import environ
from corsheaders.defaults import default_headers as default_cors_headers
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

_DEV_SECRET_KEY = "django-insecure-development-only-key-change-me"
SECRET_KEY = env("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "config.csrf.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "catalog",
    "api_rest",
    # Before graphene_django so that our offline GraphiQL template wins.
    "api_graphql",
    "graphene_django",
    "workshop",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "workshop.metrics.RequestMetricsMiddleware",
    # The client address (trusted-proxy rule) for budgets and logs; a spent login budget is a 429.
    "catalog.clients.ClientAddressMiddleware",
    # Outside the session middleware so that a failed session save is a 503 too.
    "config.middleware.DatabaseUnavailableMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # Catalog reads: the catalog version, ETags and 304s, the shared answer cache (both styles).
    "config.read_cache.ReadCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a client-side deadline on every round trip (docs/deadlines.md).
    _db["ENGINE"] = "config.db.postgresql"
    # DB_POOLER=pgbouncer: PgBouncer in transaction mode in between (docs/operations.md). A server
    # connection then serves other clients between transactions, so nothing may outlive one: no
    # connection kept by the app, no server-side cursor, and no session option at connect time
    # (PgBouncer refuses the `options` startup parameter; set statement_timeout on the role).
    DB_POOLER = env.str("DB_POOLER", default="").strip().lower()
    if DB_POOLER not in ("", "pgbouncer"):
        raise ImproperlyConfigured(f"DB_POOLER must be empty or 'pgbouncer', not {DB_POOLER!r}.")
    _pooled = DB_POOLER == "pgbouncer"
    _db["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if _pooled else 60)
    _db["CONN_HEALTH_CHECKS"] = True
    _db["DISABLE_SERVER_SIDE_CURSORS"] = env.bool("DB_DISABLE_SERVER_SIDE_CURSORS", default=_pooled)
    # Seconds; libpq waits at least 2 whatever is asked.
    _db.setdefault("OPTIONS", {})["connect_timeout"] = env.int("DB_CONNECT_TIMEOUT", default=2)
    _statement_timeout = env.int("DB_STATEMENT_TIMEOUT_MS", default=15000)
    if not _pooled:
        _db["OPTIONS"]["options"] = f"-c statement_timeout={_statement_timeout}"
elif _db["ENGINE"] == "django.db.backends.sqlite3":
    _db.setdefault("OPTIONS", {}).update(
        {
            # Writers queue up instead of failing with "database is locked".
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

# Client-side deadlines (PostgreSQL; docs/deadlines.md), in milliseconds, 0 = none. Inside a
# request each round trip waits at most DB_WAIT_TIMEOUT_MS, then its connection is shut down and
# the request answers 503; management commands have no such deadline. Django's check of a reused
# connection and /readyz's own queries have shorter ones.
DB_WAIT_TIMEOUT_MS = env.int("DB_WAIT_TIMEOUT_MS", default=3000)
DB_HEALTH_CHECK_TIMEOUT_MS = env.int("DB_HEALTH_CHECK_TIMEOUT_MS", default=1000)
READYZ_DB_TIMEOUT_MS = env.int("READYZ_DB_TIMEOUT_MS", default=1000)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The model backend, charging the login budgets (per account, per address) before any password is checked.
AUTHENTICATION_BACKENDS = ["catalog.login.LoginBudgetBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

LOGIN_URL = "/admin/login/"

# Lists (REST `count`, GraphQL `totalCount`) are counted exactly up to this many rows; a longer
# one reports this number with `count_exact`/`totalCountIsExact` false. Counting reads at most
# this many rows + 1, so a search matching a million books costs what one matching this many
# does (docs/performance.md measures the default).
COUNT_EXACT_UP_TO = env.int("COUNT_EXACT_UP_TO", default=100)
if COUNT_EXACT_UP_TO < 1:
    raise ImproperlyConfigured("COUNT_EXACT_UP_TO must be at least 1.")

# Request bodies: DRF and graphene read them whole, so cap them.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)

CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/(api|graphql)/.*$"
# Browser clients on other origins may read the cost figures and ask for the N+1 switch.
CORS_EXPOSE_HEADERS = [
    "Server-Timing",
    "X-DB-Queries",
    "X-DB-Cache-Queries",
    "X-Query-Optimization",
    # Caching and budgets: clients revalidate with the ETag and wait as Retry-After says.
    "ETag",
    "X-Cache",
    "Retry-After",
]
CORS_ALLOW_HEADERS = (*default_cors_headers, "x-query-optimization", "if-none-match", "cache-control")

# HTTPS. The service speaks plain HTTP; TLS ends at a proxy in front (BEHIND_TLS_PROXY=1), and
# only then can a redirect to HTTPS land anywhere. HSTS is only ever sent on HTTPS responses.
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=BEHIND_TLS_PROXY)
# Probes call the container directly over HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

SILENCED_SYSTEM_CHECKS = []
if not SECURE_HSTS_PRELOAD:
    # The preload list is a commitment for a whole domain that its owner makes on purpose
    # (SECURE_HSTS_PRELOAD=1 and a submission); it is not a default a service can pick.
    SILENCED_SYSTEM_CHECKS.append("security.W021")
if BEHIND_TLS_PROXY and not SECURE_SSL_REDIRECT:
    # The TLS proxy in front answers plain HTTP with its own redirect to HTTPS.
    SILENCED_SYSTEM_CHECKS.append("security.W008")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"cache_outage": {"()": "config.logging.CacheOutage"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "cache_console": {"class": "logging.StreamHandler", "filters": ["cache_outage"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO", "propagate": True},
        # django-redis reports each cache call it could not make (config/settings/cache.py).
        "config.cache": {"handlers": ["cache_console"], "level": "WARNING", "propagate": False},
    },
}

from .cache import *  # noqa: E402, F403
from .graphql import *  # noqa: E402, F403
from .rest import *  # noqa: E402, F403
from .workshop import *  # noqa: E402, F403
