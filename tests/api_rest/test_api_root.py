import pytest

pytestmark = pytest.mark.django_db


def test_api_root_lists_every_endpoint_and_each_answers(anon, alice_api):
    response = anon.get("/api/")
    assert response.status_code == 200
    links = response.json()
    assert set(links) == {"books", "authors", "cart", "orders", "token", "schema", "docs", "redoc"}
    for name, url in links.items():
        assert url.startswith("http://testserver/api/"), name
        client = alice_api if name in ("cart", "orders") else anon
        answer = client.get(url)
        expected = 405 if name == "token" else 200
        assert answer.status_code == expected, (name, answer.status_code)
