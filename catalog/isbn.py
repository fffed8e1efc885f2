"""ISBN input handling: hyphens and spaces allowed, ISBN-10 converted, checksum verified."""

import re

from .errors import ErrorCode, error
from .text import BLANKS, regex_escapes

# Hyphens and blanks, ASCII digits only (Python's \s and \d also match other scripts' spaces and digits).
_SEPARATORS = re.compile(f"[{re.escape(BLANKS)}-]")
_SEP = f"[{regex_escapes(BLANKS)}-]*"
# The OpenAPI document's pattern: ten digits (or X last) or 978/979 and ten more, separators anywhere.
ISBN_PATTERN = f"^{_SEP}(([0-9]{_SEP}){{9}}[0-9Xx]|9{_SEP}7{_SEP}[89]{_SEP}([0-9]{_SEP}){{9}}[0-9]){_SEP}$"


def isbn13_check_digit(first12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def _isbn10_is_valid(isbn10: str) -> bool:
    total = 0
    for position, char in enumerate(isbn10):
        value = 10 if char == "X" and position == 9 else int(char)
        total += value * (10 - position)
    return total % 11 == 0


def normalise_isbn(raw: str, *, field: str = "isbn") -> str:
    """Return the 13-digit form of an ISBN-10 or ISBN-13, or raise ``invalid_isbn``."""
    value = _SEPARATORS.sub("", str(raw or "")).replace("x", "X")
    if re.fullmatch(r"[0-9]{9}[0-9X]", value):
        if not _isbn10_is_valid(value):
            raise error(field, "This ISBN-10 has a wrong check digit.", ErrorCode.INVALID_ISBN)
        first12 = "978" + value[:9]
        return first12 + isbn13_check_digit(first12)
    if re.fullmatch(r"97[89][0-9]{10}", value):
        if isbn13_check_digit(value[:12]) != value[12]:
            raise error(field, "This ISBN-13 has a wrong check digit.", ErrorCode.INVALID_ISBN)
        return value
    raise error(
        field,
        "Enter an ISBN-10 or ISBN-13 (digits, optional hyphens or spaces).",
        ErrorCode.INVALID_ISBN,
    )
