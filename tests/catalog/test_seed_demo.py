import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from catalog.demo import DEMO_BOOKS_FILE, DEMO_USERS, SYNTHETIC_ISBN_PREFIX
from catalog.isbn import normalise_isbn
from catalog.models import Author, Book, CartItem

pytestmark = pytest.mark.django_db


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def snapshot():
    return (
        sorted(Book.objects.values_list("isbn", "title", "price", "stock")),
        sorted(Author.objects.values_list("name", flat=True)),
        sorted(CartItem.objects.values_list("cart__user__username", "book__isbn", "quantity")),
        sorted(Token.objects.values_list("user__username", "key")),
    )


def test_demo_file_has_over_100_real_books_with_valid_unique_isbns():
    data = json.loads(DEMO_BOOKS_FILE.read_text())
    isbns = [book["isbn"] for book in data["books"]]
    assert len(isbns) >= 100
    assert len(set(isbns)) == len(isbns)
    assert all(normalise_isbn(isbn) == isbn for isbn in isbns)
    author_names = {author["name"] for author in data["authors"]}
    assert all(set(book["authors"]) <= author_names for book in data["books"])


def test_seed_demo_loads_books_users_tokens_and_carts():
    output = seed()
    assert Book.objects.count() >= 100
    assert Book.objects.filter(
        isbn="9781735467221", title="Django for APIs", authors__name="William S. Vincent"
    ).exists()
    users = get_user_model().objects.in_bulk(field_name="username")
    assert users["admin"].is_staff and not users["alice"].is_staff and not users["bob"].is_staff
    for demo in DEMO_USERS:
        assert users[demo.username].check_password(demo.password)
        assert Token.objects.get(user=users[demo.username]).key == demo.token
        assert demo.password in output and demo.token in output
    assert CartItem.objects.filter(cart__user__username="alice").count() == 2
    assert CartItem.objects.filter(cart__user__username="bob").count() == 1


def test_seed_demo_is_deterministic_and_idempotent():
    seed()
    first = snapshot()
    seed()
    assert snapshot() == first


def test_seed_demo_keeps_what_users_changed_until_reset():
    seed()
    CartItem.objects.filter(cart__user__username="alice").delete()
    Book.objects.filter(isbn="9781735467221").update(stock=0)
    seed()
    assert not CartItem.objects.filter(cart__user__username="alice").exists()
    seed("--reset")
    assert CartItem.objects.filter(cart__user__username="alice").count() == 2
    assert Book.objects.get(isbn="9781735467221").stock > 0


def test_seed_demo_books_adds_synthetic_books_with_valid_isbns_and_authors():
    seed()
    demo_count = Book.objects.count()
    output = seed("--books", "250", "--batch-size", "100")
    synthetic = Book.objects.filter(isbn__startswith=SYNTHETIC_ISBN_PREFIX)
    assert synthetic.count() == 250
    assert Book.objects.count() == demo_count + 250
    assert all(normalise_isbn(isbn) == isbn for isbn in synthetic.values_list("isbn", flat=True))
    assert not synthetic.filter(author_links__isnull=True).exists()
    assert "250 / 250 books (100.0%)" in output
    seed("--books", "50")
    assert synthetic.count() == 300  # continues after the existing ones, no ISBN clash


@pytest.mark.parametrize("args", [("--books", "-1"), ("--batch-size", "0")])
def test_seed_demo_rejects_bad_arguments(args):
    with pytest.raises(CommandError):
        seed(*args)
