"""Migration 0004 keys carts by their users: every line stays in its owner's cart.

Run in a database of its own (a temporary SQLite file, and on PostgreSQL a scratch database),
since the test database is already migrated to the end.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

# Carts whose ids are not their users' (swapped, and one far off), each with a line.
BEFORE = """
from django.contrib.auth.models import User
from django.db import connection
from catalog.models import Book
users = [User.objects.create(username=f"u{n}") for n in range(3)]
isbns = ["9780306406157", "9780441478125"]
books = [Book.objects.create(title=f"B{n}", isbn=isbn, price=1) for n, isbn in enumerate(isbns)]
carts = [(users[1].pk, users[0].pk), (users[0].pk, users[1].pk), (999, users[2].pk)]
lines = [(users[1].pk, books[0].pk, 2), (999, books[1].pk, 3)]
with connection.cursor() as cursor:
    for cart_id, user_id in carts:
        cursor.execute("INSERT INTO catalog_cart (id, user_id, created_at, updated_at) "
                       "VALUES (%s, %s, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)", [cart_id, user_id])
    for cart_id, book_id, quantity in lines:
        cursor.execute("INSERT INTO catalog_cartitem (cart_id, book_id, quantity, created_at) "
                       "VALUES (%s, %s, %s, CURRENT_TIMESTAMP)", [cart_id, book_id, quantity])
"""
AFTER = """
from django.db import IntegrityError, transaction
from catalog.models import Cart, CartItem
for cart in Cart.objects.order_by("user__username"):
    print(cart.user.username, cart.pk == cart.user_id, [(i.book.title, i.quantity) for i in cart.items.all()])
try:
    with transaction.atomic():
        CartItem.objects.create(cart_id=123456, book_id=CartItem.objects.first().book_id, quantity=1)
    print("no constraint")
except IntegrityError:
    print("constraint")
"""


def _manage(database_url: str, *arguments: str) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _migrate_with_carts(database_url: str) -> list[str]:
    _manage(database_url, "migrate", "-v", "0", "auth")
    _manage(database_url, "migrate", "-v", "0", "catalog", "0003")
    _manage(database_url, "shell", "-c", BEFORE)
    _manage(database_url, "migrate", "-v", "0")
    return [
        line for line in _manage(database_url, "shell", "-c", AFTER).splitlines() if line and "imported" not in line
    ]


EXPECTED = ["u0 True [('B0', 2)]", "u1 True []", "u2 True [('B1', 3)]", "constraint"]


def test_the_cart_migration_keeps_every_line_in_its_owners_cart_on_sqlite(tmp_path):
    assert _migrate_with_carts(f"sqlite:///{tmp_path / 'db.sqlite3'}") == EXPECTED


@pytest.mark.postgres
def test_the_cart_migration_keeps_every_line_in_its_owners_cart_on_postgresql():
    database = settings.DATABASES["default"]
    name = f"cart_migration_{uuid.uuid4().hex[:8]}"
    server = {key.lower(): database[key] for key in ("USER", "PASSWORD", "HOST", "PORT")}
    admin = psycopg2.connect(dbname=connection.settings_dict["NAME"], **server)
    admin.autocommit = True
    try:
        admin.cursor().execute(f'CREATE DATABASE "{name}"')
        url = f"postgres://{server['user']}:{server['password']}@{server['host']}:{server['port']}/{name}"
        assert _migrate_with_carts(url) == EXPECTED
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()
