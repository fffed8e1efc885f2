import pytest
from django.urls import reverse

from catalog.services import cart_item_add, checkout
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

MODELS = ["author", "book", "bookauthor", "cart", "cartitem", "order", "orderline"]


@pytest.fixture
def admin_client(client):
    client.force_login(StaffFactory(username="root", is_superuser=True))
    return client


@pytest.fixture
def shop(alice, book):
    cart_item_add(user=alice, book_id=book.id, quantity=2)
    order = checkout(user=alice)
    cart_item_add(user=alice, book_id=book.id, quantity=1)
    return order


@pytest.mark.parametrize("model", MODELS)
def test_every_model_has_a_working_changelist_and_search(admin_client, shop, model):
    url = reverse(f"admin:catalog_{model}_changelist")
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].model._meta.model_name == model
    searched = admin_client.get(url, {"q": "Dispossessed"})
    assert searched.status_code == 200
    assert searched.context["cl"].query == "Dispossessed"


def test_book_change_page_has_the_author_inline(admin_client, book):
    html = admin_client.get(reverse("admin:catalog_book_change", args=[book.id])).content.decode()
    assert "author_links-TOTAL_FORMS" in html
    assert "Ursula K. Le Guin" in html


def test_cart_and_order_pages_show_their_lines(admin_client, shop, alice):
    cart_html = admin_client.get(reverse("admin:catalog_cart_change", args=[alice.cart.pk])).content.decode()
    assert "items-TOTAL_FORMS" in cart_html
    order_html = admin_client.get(reverse("admin:catalog_order_change", args=[shop.id])).content.decode()
    assert "The Dispossessed" in order_html and "20.00" in order_html


def test_author_autocomplete_for_the_book_inline(admin_client, author):
    response = admin_client.get(
        "/admin/autocomplete/",
        {"term": "guin", "app_label": "catalog", "model_name": "bookauthor", "field_name": "author"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Ursula K. Le Guin"]


def test_admin_needs_staff(client, alice):
    client.force_login(alice)
    response = client.get(reverse("admin:catalog_book_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
