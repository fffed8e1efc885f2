"""The media type of a GraphQL response, chosen from the request's Accept header.

Follows RFC 9110's proactive negotiation: each offered type takes the quality of the most
specific media range that matches it (``type/subtype`` over ``type/*`` over ``*/*``),
and ``q=0`` refuses it. A range that names a charset other than UTF-8 does not match,
since every response is UTF-8. Between equal qualities, a type the client named beats a
wildcard match; the client that names both GraphQL types gets the preferred one,
``application/graphql-response+json``, and one that only sends ``*/*`` (or no Accept at
all) gets ``application/json``, which every legacy client understands.
"""

import re
from dataclasses import dataclass

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
HTML = "text/html"
GRAPHQL_TYPES = (GRAPHQL_RESPONSE_JSON, JSON)

_EXACT, _SUBTYPE_WILDCARD, _WILDCARD = 2, 1, 0
_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_MEDIA_RANGE = re.compile(rf"^\s*({_TOKEN})\s*(?:/\s*({_TOKEN}))?\s*$")
_PARAMETER = re.compile(rf'^\s*({_TOKEN})\s*=\s*("(?:[^"\\]|\\.)*"|{_TOKEN})\s*$')
_UTF8 = frozenset({"utf-8", "utf8"})


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    charset: str | None
    quality: float

    def specificity(self, media_type: str) -> int | None:
        """How closely this range matches ``media_type``; None when it does not match."""
        if self.charset is not None and self.charset not in _UTF8:
            return None
        main, sub = media_type.split("/", 1)
        if self.type == "*":
            return _WILDCARD if self.subtype == "*" else None
        if self.type != main:
            return None
        if self.subtype == "*":
            return _SUBTYPE_WILDCARD
        return _EXACT if self.subtype == sub else None


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed members are left out."""
    ranges = []
    for member in _split(header, ","):
        parts = _split(member, ";")
        match = _MEDIA_RANGE.match(parts[0]) if parts else None
        if match is None:
            continue
        main, sub = match.group(1).lower(), (match.group(2) or "").lower()
        if not sub:
            if main != "*":
                continue
            sub = "*"  # a bare "*", as some old clients send, means "*/*"
        charset, quality = None, 1.0
        for parameter in parts[1:]:
            found = _PARAMETER.match(parameter)
            if found is None:
                break
            name, value = found.group(1).lower(), found.group(2).strip('"').lower()
            if name == "q":
                quality = _quality(value)
                break  # what follows q are accept-extensions, not media type parameters
            if name == "charset":
                charset = value
        if quality is None or (main == "*" and sub != "*"):
            continue
        ranges.append(MediaRange(main, sub, charset, quality))
    return ranges


def quality(ranges: list[MediaRange], media_type: str) -> tuple[float, int]:
    """(quality, specificity) of ``media_type`` under the given ranges; (0, -1) when none matches."""
    best: tuple[int, float] | None = None
    for media_range in ranges:
        specificity = media_range.specificity(media_type)
        if specificity is None:
            continue
        candidate = (specificity, media_range.quality)
        if best is None or candidate > best:
            best = candidate
    if best is None:
        return 0.0, -1
    return best[1], best[0]


def graphql_response_type(accept: str | None) -> str | None:
    """The media type to answer a GraphQL request with, or None when the client accepts neither.

    No Accept header (or an empty one) counts as ``Accept: application/json``.
    """
    if accept is None or not accept.strip():
        return JSON
    ranges = parse_accept(accept)
    best, best_key = None, None
    for media_type in GRAPHQL_TYPES:
        q, specificity = quality(ranges, media_type)
        if q <= 0:
            continue
        named = specificity == _EXACT
        preferred = media_type == (GRAPHQL_RESPONSE_JSON if named else JSON)
        key = (q, specificity, preferred)
        if best_key is None or key > best_key:
            best, best_key = media_type, key
    return best


def content_type(media_type: str) -> str:
    """The Content-Type header of a response of ``media_type``: every response is UTF-8."""
    return f"{media_type}; charset=utf-8"


def prefers_html(accept: str | None) -> bool:
    """Whether the client (a browser) asks for HTML before any GraphQL response type.

    HTML must be named (``text/html`` or ``text/*``): a bare ``*/*`` gets JSON.
    """
    if not accept:
        return False
    ranges = parse_accept(accept)
    html, specificity = quality(ranges, HTML)
    if html <= 0 or specificity < _SUBTYPE_WILDCARD:
        return False
    return html > max(quality(ranges, media_type)[0] for media_type in GRAPHQL_TYPES)


def _quality(value: str) -> float | None:
    try:
        q = float(value)
    except ValueError:
        return None
    return q if 0.0 <= q <= 1.0 else None


def _split(text: str, separator: str) -> list[str]:
    """Split on ``separator`` outside double-quoted strings."""
    parts, current, quoted, escaped = [], [], False, False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\" and quoted:
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return [part for part in parts if part.strip()]
