"""The catalog's rule tables: each bad input and the (field, code) pairs the domain answers.

They are tested once at the domain (tests/catalog/); the parity tests run the same rows
through both APIs. Adapter tests keep only a representative row or two, to show how their
envelope carries a rule's error.
"""

import pytest

# A book that passes every rule; each row below changes only what it names.
VALID_BOOK = {"title": "Django for APIs", "isbn": "978-1-7354672-2-1", "price": "39.00", "stock": 3}

BOOK_CREATE_INVALID = [
    pytest.param({"isbn": "9781735467222"}, [("isbn", "invalid_isbn")], id="isbn-check-digit"),
    pytest.param({"isbn": "12345"}, [("isbn", "invalid_isbn")], id="isbn-too-short"),
    pytest.param({"isbn": ""}, [("isbn", "invalid_isbn")], id="isbn-empty"),
    pytest.param({"isbn": None}, [("isbn", "required")], id="isbn-missing"),
    pytest.param({"price": "-1"}, [("price", "invalid_price")], id="price-negative"),
    pytest.param({"price": "12.345"}, [("price", "invalid_price")], id="price-three-decimals"),
    pytest.param({"price": "1000000"}, [("price", "invalid_price")], id="price-too-large"),
    pytest.param({"price": "NaN"}, [("price", "invalid_price")], id="price-nan"),
    pytest.param({"price": "Infinity"}, [("price", "invalid_price")], id="price-infinity"),
    pytest.param({"price": "1e400"}, [("price", "invalid_price")], id="price-huge-exponent"),
    pytest.param({"price": "cheap"}, [("price", "invalid_price")], id="price-a-word"),
    pytest.param({"price": 1e300}, [("price", "invalid_price")], id="price-huge-float"),
    pytest.param({"price": None}, [("price", "required")], id="price-missing"),
    pytest.param({"stock": -1}, [("stock", "invalid_stock")], id="stock-negative"),
    pytest.param({"stock": 10**12}, [("stock", "invalid_stock")], id="stock-too-large"),
    pytest.param({"title": ""}, [("title", "required")], id="title-empty"),
    pytest.param({"title": "   "}, [("title", "required")], id="title-blank"),
    pytest.param({"title": None}, [("title", "required")], id="title-missing"),
    pytest.param({"title": "x" * 256}, [("title", "max_length")], id="title-too-long"),
    pytest.param({"title": ["a list"]}, [("title", "invalid")], id="title-a-list"),
    pytest.param({"title": "nul\x00byte"}, [("title", "invalid_characters")], id="title-nul-byte"),
    pytest.param({"published_date": "1969-02-30"}, [("published_date", "invalid")], id="date-no-such-day"),
    pytest.param({"published_date": "soon"}, [("published_date", "invalid")], id="date-a-word"),
    pytest.param({"author_ids": [999999]}, [("author_ids", "not_found")], id="author-unknown"),
    pytest.param({"author_ids": ["abc"]}, [("author_ids", "invalid")], id="author-id-a-word"),
    pytest.param({"author_ids": [0]}, [("author_ids", "invalid")], id="author-id-zero"),
    pytest.param({"author_ids": "1,2"}, [("author_ids", "invalid")], id="author-ids-a-string"),
    pytest.param(
        {"title": "", "price": "-1"}, [("price", "invalid_price"), ("title", "required")], id="two-fields-at-once"
    ),
]

# (the book's stock, the quantity asked for, the errors): a cart line holds 1 to 99 copies,
# never more than the book's stock.
CART_ITEM_ADD_INVALID = [
    pytest.param(3, 0, [("quantity", "invalid_quantity")], id="zero"),
    pytest.param(3, -1, [("quantity", "invalid_quantity")], id="negative"),
    pytest.param(300, 100, [("quantity", "invalid_quantity")], id="above-99"),
    pytest.param(3, 10**20, [("quantity", "invalid_quantity")], id="huge"),
    pytest.param(3, True, [("quantity", "invalid_quantity")], id="a-boolean"),
    pytest.param(3, "2", [("quantity", "invalid_quantity")], id="a-string"),
    pytest.param(3, 1.5, [("quantity", "invalid_quantity")], id="a-fraction"),
    pytest.param(3, None, [("quantity", "required")], id="missing"),
    pytest.param(3, 4, [("quantity", "insufficient_stock")], id="more-than-stock"),
    pytest.param(0, 1, [("quantity", "insufficient_stock")], id="sold-out"),
]

# (the quantity a line of 2 copies of a book with 5 in stock is set to, the code).
CART_ITEM_UPDATE_INVALID = [
    pytest.param(0, "invalid_quantity", id="zero"),
    pytest.param(100, "invalid_quantity", id="above-99"),
    pytest.param(6, "insufficient_stock", id="more-than-stock"),
]

# Book-list filters in REST's spelling (the FilterSet's names, query-string values) and the
# titles they leave of the ``shelf`` fixture (tests/conftest.py): Good Omens (1990, 12.50,
# none in stock), Mort (undated, 9.50) and The Hobbit (1937, 8.50).
BOOK_LIST_FILTERS = [
    pytest.param({"search": "hobbit"}, ["The Hobbit"], id="search-title"),
    pytest.param({"search": "PRATCHETT"}, ["Good Omens", "Mort"], id="search-any-case"),
    pytest.param({"search": "prophecies"}, ["Good Omens"], id="search-subtitle"),
    pytest.param({"search": "gaiman"}, ["Good Omens"], id="search-author"),
    pytest.param({"search": "978-0-552-13106-3"}, ["Mort"], id="search-isbn-with-hyphens"),
    pytest.param({"search": "  "}, ["Good Omens", "Mort", "The Hobbit"], id="search-blank"),
    pytest.param({"search": "nothing-like-this"}, [], id="search-no-match"),
    pytest.param({"isbn": "9780552131063"}, ["Mort"], id="isbn-13"),
    pytest.param({"isbn": "0-552-13106-7"}, ["Mort"], id="isbn-10-of-the-same-edition"),
    pytest.param({"isbn": "9780306406157"}, [], id="isbn-of-no-book"),
    pytest.param({"min_price": "9"}, ["Good Omens", "Mort"], id="min-price"),
    pytest.param({"max_price": "9.50"}, ["Mort", "The Hobbit"], id="max-price"),
    pytest.param({"min_price": "9", "max_price": "12"}, ["Mort"], id="price-range"),
    pytest.param({"in_stock": "true"}, ["Mort", "The Hobbit"], id="in-stock"),
    pytest.param({"in_stock": "false"}, ["Good Omens"], id="out-of-stock"),
    pytest.param({"published_after": "1980-01-01"}, ["Good Omens"], id="published-after"),
    pytest.param({"published_before": "1987-11-12"}, ["The Hobbit"], id="published-before"),
    pytest.param(
        {"published_after": "1930-01-01", "published_before": "1995-12-31"},
        ["Good Omens", "The Hobbit"],
        id="published-between",
    ),
    pytest.param({"ordering": "price"}, ["The Hobbit", "Mort", "Good Omens"], id="order-price"),
    pytest.param({"ordering": "-price"}, ["Good Omens", "Mort", "The Hobbit"], id="order-price-descending"),
    pytest.param({"ordering": "published_date"}, ["The Hobbit", "Good Omens", "Mort"], id="order-date-undated-last"),
    pytest.param(
        {"ordering": "-published_date"}, ["Good Omens", "The Hobbit", "Mort"], id="order-date-descending-undated-last"
    ),
    pytest.param({"ordering": "-title"}, ["The Hobbit", "Mort", "Good Omens"], id="order-title-descending"),
]

BOOK_LIST_INVALID_FILTERS = [
    pytest.param({"ordering": "stock"}, [("ordering", "invalid_ordering")], id="order-by-a-hidden-field"),
    pytest.param({"ordering": "-password"}, [("ordering", "invalid_ordering")], id="order-by-no-field"),
    pytest.param({"ordering": "id"}, [("ordering", "invalid_ordering")], id="order-by-id"),
    pytest.param({"min_price": "cheap"}, [("min_price", "invalid")], id="min-price-a-word"),
    pytest.param({"min_price": "1e999"}, [("min_price", "invalid")], id="min-price-huge"),
    pytest.param({"max_price": "NaN"}, [("max_price", "invalid")], id="max-price-nan"),
    pytest.param({"published_after": "yesterday"}, [("published_after", "invalid")], id="date-a-word"),
    pytest.param({"published_after": "2020-13-45"}, [("published_after", "invalid")], id="date-no-such-day"),
    pytest.param({"published_before": "yesterday"}, [("published_before", "invalid")], id="date-before-a-word"),
    pytest.param({"in_stock": "maybe"}, [("in_stock", "invalid")], id="in-stock-not-a-boolean"),
    pytest.param({"author": "x"}, [("author", "invalid")], id="author-a-word"),
    pytest.param({"author": "0"}, [("author", "invalid")], id="author-zero"),
    pytest.param({"author": "1.5"}, [("author", "invalid")], id="author-a-fraction"),
    pytest.param({"author": "99999999999999999999"}, [("author", "invalid")], id="author-beyond-any-id"),
    pytest.param({"search": "x" * 201}, [("search", "max_length")], id="search-too-long"),
    pytest.param({"search": "a\x00b"}, [("search", "invalid_characters")], id="search-nul-byte"),
    pytest.param({"isbn": "12345"}, [("isbn", "invalid_isbn")], id="isbn-too-short"),
    pytest.param({"isbn": "978-0-552-13106-4"}, [("isbn", "invalid_isbn")], id="isbn-check-digit"),
    pytest.param(
        {"ordering": "nope", "min_price": "x"},
        [("min_price", "invalid"), ("ordering", "invalid_ordering")],
        id="two-filters-at-once",
    ),
]

# author_create's arguments and the errors.
AUTHOR_CREATE_INVALID = [
    pytest.param({"name": ""}, [("name", "required")], id="name-empty"),
    pytest.param({"name": "  "}, [("name", "required")], id="name-blank"),
    pytest.param({"name": None}, [("name", "required")], id="name-null"),
    pytest.param({"name": "n" * 201}, [("name", "max_length")], id="name-too-long"),
    pytest.param({"name": {"first": "Octavia"}}, [("name", "invalid")], id="name-an-object"),
    pytest.param({"name": "Octavia\x00"}, [("name", "invalid_characters")], id="name-nul-byte"),
    pytest.param({"name": "Octavia", "bio": ["a", "list"]}, [("bio", "invalid")], id="bio-a-list"),
]

# token_create's username and password (alice's is "secret-pass-123") and the errors.
TOKEN_CREATE_INVALID = [
    pytest.param("alice", "wrong", [(None, "invalid_credentials")], id="wrong-password"),
    pytest.param("nobody", "secret-pass-123", [(None, "invalid_credentials")], id="unknown-user"),
    pytest.param("alice", " secret-pass-123 ", [(None, "invalid_credentials")], id="password-with-spaces"),
    pytest.param("alice", "  ", [(None, "invalid_credentials")], id="blank-password"),
    pytest.param(" alice", "wrong", [(None, "invalid_credentials")], id="username-with-a-space"),
    pytest.param("", "", [("password", "required"), ("username", "required")], id="both-empty"),
    pytest.param(" \t", "secret-pass-123", [("username", "required")], id="username-blank"),
    pytest.param("alice", "", [("password", "required")], id="password-empty"),
    pytest.param(None, None, [("password", "required"), ("username", "required")], id="both-null"),
    pytest.param("al\x00ice", "secret-pass-123", [("username", "invalid_characters")], id="username-nul-byte"),
    pytest.param("alice", "pa\ud800ss", [("password", "invalid_characters")], id="password-lone-surrogate"),
]
