"""Text input, as both APIs and the website receive it: the one sanitiser, and strict parsers.

Every string an adapter receives goes through ``check_text`` before anything else reads it:
a NUL character (which PostgreSQL cannot store) or a lone UTF-16 surrogate (which UTF-8
cannot encode) is refused with ``invalid_characters``, whatever the field.

Numbers and dates given as text are read by the parsers below, which take only the plain
forms the API documents. Python's own are looser: ``int("1_0")`` is 10, ``Decimal(" 1_000 ")``
is 1000, and ``int("٣")`` is 3.
"""

import datetime
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from .errors import ErrorCode, error

INVALID_CHARACTERS_MESSAGE = "Text may not contain NUL characters or unpaired surrogates."
# What a leading or trailing blank is, stated once so that the OpenAPI patterns say the same:
# ASCII whitespace and the no-break space. (Python's str.strip() and each regex engine differ.)
BLANKS = " \t\n\v\f\r\u00a0"

_INVALID = re.compile("[\x00\ud800-\udfff]")
_INTEGER = re.compile(r"-?[0-9]+")
_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def regex_escapes(chars: str) -> str:
    """``chars`` as \\uXXXX escapes, which ECMA 262, Python and Rust regular expressions all read."""
    return "".join(f"\\u{ord(char):04x}" for char in chars)


# JSON Schema patterns (ECMA 262, read alike by Python's re and Rust's regex) for the OpenAPI document.
TEXT_PATTERN = "^[^\\u0000]*$"
NON_EMPTY_TEXT_PATTERN = "^[^\\u0000]+$"
NON_BLANK_TEXT_PATTERN = f"^[^\\u0000]*[^\\u0000{regex_escapes(BLANKS)}][^\\u0000]*$"
INTEGER_PATTERN = f"^{_INTEGER.pattern}$"
DECIMAL_PATTERN = f"^{_DECIMAL.pattern}$"
# A price as the domain takes it: a plain decimal of 0.00 to 999999.99 (zeros may pad either end).
PRICE_PATTERN = "^0*[0-9]{1,6}(\\.[0-9]{1,2}0*)?$"


def has_invalid_characters(value: str) -> bool:
    return _INVALID.search(value) is not None


def check_text(value: Any, *, field: str | None) -> Any:
    """``value`` unchanged, after refusing a string (or a list's strings) with invalid characters."""
    if isinstance(value, str):
        if has_invalid_characters(value):
            raise error(field, INVALID_CHARACTERS_MESSAGE, ErrorCode.INVALID_CHARACTERS)
    elif isinstance(value, list | tuple):
        for item in value:
            check_text(item, field=field)
    return value


def check_texts(values: Iterable[tuple[str, Any]]) -> None:
    """Refuse every named value with invalid characters, all at once (one error per field)."""
    errors: dict[str, list[ValidationError]] = {}
    for field, value in values:
        try:
            check_text(value, field=field)
        except ValidationError as exc:
            errors.setdefault(field, exc.error_dict[field])
    if errors:
        raise ValidationError(errors)


def strip_blanks(value: str) -> str:
    return value.strip(BLANKS)


def parse_int(text: str) -> int | None:
    """An integer written as plain ASCII digits with an optional minus sign, else None."""
    if not isinstance(text, str) or not _INTEGER.fullmatch(text):
        return None
    return int(text)


def parse_decimal(text: str) -> Decimal | None:
    """A decimal written as digits with an optional fraction and minus sign ("12.50"), else None."""
    if not isinstance(text, str) or not _DECIMAL.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only what Decimal reads
        return None


def parse_date(text: str) -> datetime.date | None:
    """A calendar date written YYYY-MM-DD, else None."""
    if not isinstance(text, str) or not _DATE.fullmatch(text):
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None
