"""ISBN input handling: hyphens and spaces allowed, ISBN-10 converted, checksum verified."""

import re

from .errors import ErrorCode, error

_SEPARATORS = re.compile(r"[\s-]")


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
    value = _SEPARATORS.sub("", str(raw or "")).upper()
    if re.fullmatch(r"\d{9}[\dX]", value):
        if not _isbn10_is_valid(value):
            raise error(field, "This ISBN-10 has a wrong check digit.", ErrorCode.INVALID_ISBN)
        first12 = "978" + value[:9]
        return first12 + isbn13_check_digit(first12)
    if re.fullmatch(r"97[89]\d{10}", value):
        if isbn13_check_digit(value[:12]) != value[12]:
            raise error(field, "This ISBN-13 has a wrong check digit.", ErrorCode.INVALID_ISBN)
        return value
    raise error(
        field,
        "Enter an ISBN-10 or ISBN-13 (digits, optional hyphens or spaces).",
        ErrorCode.INVALID_ISBN,
    )
