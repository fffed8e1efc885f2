import datetime
from decimal import Decimal

import pytest
from django.db import connection

from tests.factories import AuthorFactory, BookFactory, StaffFactory, UserFactory


def pytest_collection_modifyitems(config, items):
    on_postgres = connection.vendor == "postgresql"
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob")


@pytest.fixture
def staff(db):
    return StaffFactory(username="editor")


@pytest.fixture
def author(db):
    return AuthorFactory(name="Ursula K. Le Guin")


@pytest.fixture
def book(db, author):
    return BookFactory(title="The Dispossessed", authors=[author], stock=5)


@pytest.fixture
def shelf(db):
    """Three books by three authors: one with two authors, one out of stock, one undated."""
    tolkien = AuthorFactory(name="J. R. R. Tolkien", bio="Philologist.")
    pratchett = AuthorFactory(name="Terry Pratchett", bio="Discworld.")
    gaiman = AuthorFactory(name="Neil Gaiman", bio="Sandman.")
    return {
        "hobbit": BookFactory(
            title="The Hobbit",
            authors=[tolkien],
            price=Decimal("8.50"),
            stock=3,
            published_date=datetime.date(1937, 9, 21),
            isbn="9780547928227",
        ),
        "omens": BookFactory(
            title="Good Omens",
            subtitle="The Nice and Accurate Prophecies",
            authors=[pratchett, gaiman],
            price=Decimal("12.50"),
            stock=0,
            published_date=datetime.date(1990, 5, 1),
        ),
        "mort": BookFactory(title="Mort", authors=[pratchett], price=Decimal("9.50"), stock=7, isbn="9780552131063"),
        "authors": {"tolkien": tolkien, "pratchett": pratchett, "gaiman": gaiman},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Budgets, persisted documents and cached reads never leak from one test into another."""
    from django.core.cache import cache

    from catalog.read_cache import recent_answers

    cache.clear()
    recent_answers.clear()  # each process's own copies, kept under version numbers a new test reuses
    yield


@pytest.fixture
def read_cache_off(settings):
    """Catalog reads go to the view every time: no stored answers, no ETags, no version read."""
    settings.READ_CACHE = False
