import datetime
from decimal import Decimal

import pytest

from tests.factories import AuthorFactory, BookFactory
from tests.parity.clients import GraphqlApi, RestApi

APIS = [RestApi(), GraphqlApi()]


@pytest.fixture(params=APIS, ids=lambda api: api.name)
def api(request):
    return request.param


@pytest.fixture
def both():
    return APIS


@pytest.fixture
def shelf(db):
    tolkien = AuthorFactory(name="J. R. R. Tolkien", bio="Philologist.")
    pratchett = AuthorFactory(name="Terry Pratchett", bio="Discworld.")
    gaiman = AuthorFactory(name="Neil Gaiman", bio="Sandman.")
    books = {
        "hobbit": BookFactory(
            title="The Hobbit",
            authors=[tolkien],
            price=Decimal("8.00"),
            stock=3,
            published_date=datetime.date(1937, 9, 21),
            isbn="9780547928227",
        ),
        "omens": BookFactory(
            title="Good Omens",
            subtitle="The Nice and Accurate Prophecies",
            authors=[pratchett, gaiman],
            price=Decimal("12.00"),
            stock=0,
            published_date=datetime.date(1990, 5, 1),
        ),
        "mort": BookFactory(
            title="Mort",
            authors=[pratchett],
            price=Decimal("9.50"),
            stock=7,
            published_date=datetime.date(1987, 11, 12),
            isbn="9780552131063",
        ),
    }
    return {"books": books, "authors": {"tolkien": tolkien, "pratchett": pratchett, "gaiman": gaiman}}
