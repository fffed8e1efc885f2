"""Django REST Framework and OpenAPI settings (imported by base.py)."""

import environ

env = environ.Env()


REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so that a 401 carries "WWW-Authenticate: Token".
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "api_rest.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api_rest.negotiation.JSONFallbackNegotiation",
    "DEFAULT_PAGINATION_CLASS": "api_rest.pagination.PageNumberPagination",
    # One budget per client for REST and GraphQL together (config/settings/cache.py, THROTTLE_*).
    "DEFAULT_THROTTLE_CLASSES": ["api_rest.throttling.ApiBudgetThrottle"],
    "EXCEPTION_HANDLER": "api_rest.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "api_rest.schema.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Hybrid Catalog REST API",
    "DESCRIPTION": (
        "Books, authors, carts and orders. The same operations are offered at /graphql/.\n\n"
        "Sign in with `POST /api/auth/token/` and send `Authorization: Token <token>`. "
        'Every error answers `{"errors": [{"field", "code", "message"}]}` with a fitting status; '
        "`field` is null for errors of the whole request and `code` comes from one catalogue."
    ),
    "VERSION": "1.0.0",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api_rest.schema.postprocess"],
    # The error catalogue under the name GraphQL gives it too.
    "ENUM_NAME_OVERRIDES": {"ErrorCode": "api_rest.serializers.ERROR_CODES"},
    # The documented request bodies are JSON; forms are accepted too, for the browsable API.
    "PARSER_WHITELIST": ["api_rest.parsers.JSONParser"],
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No badge fetched from swagger.io: the docs work offline.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": True, "validatorUrl": None},
}
