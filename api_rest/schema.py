"""Pieces of the OpenAPI document that several operations share."""

from drf_spectacular import openapi
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.permissions import SAFE_METHODS

from catalog.filters import AUTHOR_ORDERING_FIELDS, BOOK_ORDERING_FIELDS, MAX_SEARCH_LENGTH

from .permissions import CatalogEditorOrReadOnly
from .serializers import ErrorOutput


class AutoSchema(openapi.AutoSchema):
    def get_auth(self):
        auths = super().get_auth()
        public_read = any(isinstance(p, CatalogEditorOrReadOnly) for p in self.view.get_permissions())
        if public_read and self.method in SAFE_METHODS and {} not in auths:
            auths.append({})  # no sign-in needed
        return auths


_ERRORS = {
    400: "The request is invalid",
    401: "Not signed in, or an unknown token (`not_authenticated`); `WWW-Authenticate: Token` says how to sign in.",
    403: "Signed in, but not allowed (`permission_denied`).",
    404: "No such object (`not_found`).",
    409: "Not enough copies in stock (`insufficient_stock`).",
    413: "The request body is larger than the server accepts (`request_too_large`).",
    415: "The body is not JSON or form data (`unsupported_media_type`).",
    429: "Too many requests (`throttled`); `Retry-After` says how many seconds to wait.",
    503: "The database is unavailable (`service_unavailable`); `Retry-After` says when to try again.",
}
_BODY_ERRORS = (413, 415)
_ALWAYS = (429, 503)


def errors(*statuses: int, codes: str = "", body: bool = False) -> dict[int, OpenApiResponse]:
    """Error responses of an operation; ``codes`` lists its 400 codes, ``body`` adds 413/415."""
    wanted = sorted({*statuses, *_ALWAYS, *(_BODY_ERRORS if body else ())})
    responses = {}
    for status in wanted:
        description = _ERRORS[status]
        if status == 400:
            description += f" (`parse_error`, or per field: {codes})." if codes else " (`parse_error`)."
        responses[status] = OpenApiResponse(ErrorOutput, description=description)
    return responses


def _ordering(fields: tuple[str, ...]) -> OpenApiParameter:
    names = ", ".join(f"`{name}`" for name in fields)
    return OpenApiParameter(
        "ordering",
        str,
        description=f"Sort by {names}; `-` in front for descending, commas for several. Unknown: `invalid_ordering`.",
    )


def _search(what: str) -> OpenApiParameter:
    return OpenApiParameter("search", str, description=f"{what} (at most {MAX_SEARCH_LENGTH} characters).")


BOOK_FILTERS = [
    _search("Words in the title, subtitle or an author's name, or ISBN digits"),
    OpenApiParameter("author", int, description="Only books by this author id."),
    OpenApiParameter(
        "isbn", str, description="Exactly this ISBN: ISBN-13 or ISBN-10, hyphens allowed (else `invalid_isbn`)."
    ),
    OpenApiParameter("min_price", OpenApiTypes.DECIMAL, description="Lowest price, inclusive."),
    OpenApiParameter("max_price", OpenApiTypes.DECIMAL, description="Highest price, inclusive."),
    OpenApiParameter(
        "in_stock",
        str,
        enum=["true", "false", "1", "0", "yes", "no"],
        description="Only books in stock (true) or sold out (false).",
    ),
    OpenApiParameter("published_after", OpenApiTypes.DATE, description="Published on or after this date."),
    OpenApiParameter("published_before", OpenApiTypes.DATE, description="Published on or before this date."),
    _ordering(BOOK_ORDERING_FIELDS),
]

AUTHOR_FILTERS = [_search("Words in the author's name"), _ordering(AUTHOR_ORDERING_FIELDS)]

BOOK_CODES = (
    "`required`, `invalid`, `max_length`, `invalid_isbn`, `duplicate_isbn`, `invalid_price`, `invalid_stock`, "
    "`not_found` (author_ids)"
)
AUTHOR_CODES = "`required`, `invalid`, `max_length`"
FILTER_CODES = "`invalid`, `max_length`, `invalid_ordering`"
BOOK_FILTER_CODES = f"{FILTER_CODES}, `invalid_isbn`"
