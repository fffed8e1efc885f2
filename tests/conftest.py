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
