import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.api_rest.helpers import client_for


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    # Throttle counts live in the cache; each test starts from zero.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def anon(db) -> APIClient:
    return client_for()


@pytest.fixture
def alice_api(alice) -> APIClient:
    return client_for(alice)


@pytest.fixture
def bob_api(bob) -> APIClient:
    return client_for(bob)


@pytest.fixture
def staff_api(staff) -> APIClient:
    return client_for(staff)
