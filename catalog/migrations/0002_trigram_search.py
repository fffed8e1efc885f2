"""Trigram indexes for substring search (``icontains``) on PostgreSQL.

Django writes ``title__icontains`` as ``UPPER(title::text) LIKE UPPER('%word%')`` (and
``isbn__contains`` as ``isbn::text LIKE '%digits%'``), which no
B-tree serves: without these indexes a search reads the whole table. The GIN trigram indexes
on the same expressions let PostgreSQL find the matching rows directly. Other databases get
nothing here and still answer correctly, by scanning.
"""

from django.db import migrations

INDEXES = (
    ("book_title_trgm", "catalog_book", "UPPER(title::text)"),
    ("book_subtitle_trgm", "catalog_book", "UPPER(subtitle::text)"),
    ("book_isbn_trgm", "catalog_book", "(isbn::text)"),  # ISBN digits: isbn__contains
    ("author_name_trgm", "catalog_author", "UPPER(name::text)"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, expression in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (({expression}) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _expression in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
