"""Print TOML dictionaries of the seeded data (ids, global IDs, ISBNs, cursors) for .ci/schemathesis.

With them the fuzzers reach real rows often enough to exercise what lies behind a lookup:
nested lists, their cursors, cart lines. Run with `manage.py shell -v 0 -c`.
"""

import json

from django.contrib.auth import get_user_model
from graphql_relay import to_global_id

from catalog.demo import DEMO_USERS
from catalog.models import Author, Book, CartItem, Order
from catalog.pagination import keyset_page
from catalog.selectors import author_list, book_list
from catalog.services import cart_item_add, checkout

# The fuzzers sign in as the staff user: give them an order and a cart line to find.
staff = get_user_model().objects.get(username=next(u.username for u in DEMO_USERS if u.is_staff))
in_stock = Book.objects.filter(stock__gt=2).order_by("id")
if not Order.objects.filter(user=staff).exists():
    cart_item_add(user=staff, book_id=in_stock[0].pk, quantity=1)
    checkout(user=staff)
if not CartItem.objects.filter(cart__user=staff).exists():
    cart_item_add(user=staff, book_id=in_stock[1].pk, quantity=1)

books = list(Book.objects.order_by("id")[:10])
authors = list(Author.objects.order_by("id")[:10])
items = list(CartItem.objects.filter(cart__user=staff).order_by("id")[:5])
orders = list(Order.objects.filter(user=staff).order_by("id")[:5])
cursors = [keyset_page(book_list(), first=3).end_cursor, keyset_page(author_list(), first=3).end_cursor]
cursors += [keyset_page(book_list(filters={"ordering": "-price"}), first=2).end_cursor]

ids = [str(row.pk) for row in [*books, *authors, *items, *orders]]
global_ids = [to_global_id(type(row).__name__, row.pk) for row in [*books, *authors, *items, *orders]]


made = set()


def dictionary(name, values):
    values = [value for value in values if value is not None]
    if values:  # a dictionary needs at least one value
        made.add(name)
        print(f"[dictionaries.{name}]\nvalues = {json.dumps(values)}\n")


dictionary("rest_book_ids", [b.pk for b in books])
dictionary("rest_author_ids", [a.pk for a in authors])
dictionary("rest_item_ids", [i.pk for i in items])
dictionary("rest_order_ids", [o.pk for o in orders])
dictionary("ids", ids + global_ids)
dictionary("isbns", [b.isbn for b in books])
dictionary("cursors", [*cursors, "cm93OjI="])  # and a nested list's row cursor (row 2)

bindings = {
    "path.book_id": "rest_book_ids",
    "path.author_id": "rest_author_ids",
    "path.item_id": "rest_item_ids",
    "path.order_id": "rest_order_ids",
    "query.author": "rest_author_ids",
    "query.cursor": "cursors",
    "query.isbn": "isbns",
    "body.isbn": "isbns",
    "body.book_id": "rest_book_ids",
    "*.*.id": "ids",
    "*.*.bookId": "ids",
    "*.*.author": "ids",
    "*.*.isbn": "isbns",
    "*.*.after": "cursors",
    "*.*.before": "cursors",
}
print("[parameters]")
for key, name in bindings.items():
    if name in made:
        print(f'"{key}" = {{ dictionary = "{name}", probability = 0.5 }}')
