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
