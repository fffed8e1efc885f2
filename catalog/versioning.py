"""The catalog version: one number that changes with every write that catalog reads can see.

Equal or not is all it says: each write gives it a value never used before (random, below).

Every save of a book, an author or a book's author link bumps it through a model signal
(the admin, the services and the shell alike). Deletes, bulk loads and checkout's stock
updates send no such signal (a delete receiver would also turn Django's fast bulk delete
into one query per row), so the services, the admin and the loaders that do them bump it
themselves. The bump is an UPDATE of one row inside
the writer's transaction: a reader sees the new version only together with the new rows,
which makes it a safe key for cached reads and for ETags.
"""

import secrets

from django.db import connections, router
from django.db.models.signals import post_save

from .models import Author, Book, BookAuthor, CatalogVersion


def catalog_version(using: str | None = None) -> int:
    """The current version (one indexed single-row read)."""
    alias = using or router.db_for_read(CatalogVersion)
    connection = connections[alias]
    table = connection.ops.quote_name(CatalogVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {table} WHERE id = 1")
        row = cursor.fetchone()
    # No row (a database emptied by a test): version 1, without writing; the next bump makes
    # the row, with a fresh version.
    return int(row[0]) if row is not None else 1


def _fresh_value() -> int:
    # 62 random bits, never the first row's 1: no value is ever used twice (see below).
    return secrets.randbits(62) + 2


def bump_catalog_version(using: str | None = None) -> None:
    """Make every cached catalog read stale; call it inside the transaction of the write.

    The new version is a fresh random number, not the old one plus one. A transaction that
    bumps the version and then rolls back returns the row to its old value; a counter would
    then hand the rolled-back version to the next write, and any answer read and cached inside
    the rolled-back transaction (the workshop's in-process runs do that, and so would any read
    that shares a write's transaction) would be served as that next write's. A random value
    is never handed out twice (one chance in 2**62).
    """
    alias = using or router.db_for_write(CatalogVersion)
    value = _fresh_value()
    if not CatalogVersion.objects.using(alias).filter(pk=1).update(value=value):
        CatalogVersion.objects.using(alias).get_or_create(pk=1, defaults={"value": value})


def _bump(sender, using: str = "default", **kwargs) -> None:
    if kwargs.get("raw"):  # loading fixtures
        return
    bump_catalog_version(using)


def connect_signals() -> None:
    for model in (Book, Author, BookAuthor):
        post_save.connect(_bump, sender=model, dispatch_uid=f"catalog-version-save-{model.__name__}")
