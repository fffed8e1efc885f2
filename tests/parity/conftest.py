import pytest

from tests.parity.clients import GraphqlApi, RestApi

APIS = [RestApi(), GraphqlApi()]


@pytest.fixture(params=APIS, ids=lambda api: api.name)
def api(request):
    return request.param


@pytest.fixture
def both():
    return APIS
