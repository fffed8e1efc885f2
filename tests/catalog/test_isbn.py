import pytest
from django.core.exceptions import ValidationError

from catalog.isbn import normalise_isbn
from tests.catalog.helpers import error_pairs


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("9781735467221", "9781735467221"),
        ("978-1-7354672-2-1", "9781735467221"),
        ("978 1 7354672 2 1", "9781735467221"),
        ("0-441-47812-3", "9780441478125"),  # ISBN-10 converted
        ("080442957X", "9780804429573"),  # check digit X
        ("080442957x", "9780804429573"),
    ],
)
def test_normalise_isbn_accepts_isbn10_and_isbn13(raw, expected):
    assert normalise_isbn(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "9781735467222",  # wrong ISBN-13 check digit
        "0441478124",  # wrong ISBN-10 check digit
        "978173546722",  # 12 digits
        "97817354672211",  # 14 digits
        "1234567890123",  # not 978/979
        "abcdefghij",
        "",
        None,
        "978-1-7354672-2-1\x00",
    ],
)
def test_normalise_isbn_rejects_bad_input_with_invalid_isbn(raw):
    with pytest.raises(ValidationError) as exc:
        normalise_isbn(raw)
    assert error_pairs(exc.value) == [("isbn", "invalid_isbn")]
