"""A cart's primary key is its user: every cart line is pointed at its cart's user id, then the
cart's own id column goes and the user column becomes the key."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def point_lines_at_users(apps, schema_editor):
    Cart = apps.get_model("catalog", "Cart")
    CartItem = apps.get_model("catalog", "CartItem")
    owner = Cart.objects.filter(id=OuterRef("cart_id")).values("user_id")[:1]
    CartItem.objects.update(cart_id=Subquery(owner))


def give_lines_the_key_type(apps, schema_editor):
    """The lines' column takes the type of the user id it now holds (SQLite's types are affinities)."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    field = apps.get_model("catalog", "CartItem")._meta.get_field("cart")
    table, column = (connection.ops.quote_name(name) for name in (field.model._meta.db_table, field.column))
    schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE {field.db_type(connection)}")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_shared_cache_and_catalog_version"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The lines' foreign key loses its constraint while its values change from cart ids to user ids.
        migrations.AlterField(
            model_name="cartitem",
            name="cart",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="items",
                to="catalog.cart",
            ),
        ),
        migrations.RunPython(point_lines_at_users, elidable=False),
        migrations.RemoveField(model_name="cart", name="id"),
        migrations.AlterField(
            model_name="cart",
            name="user",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                primary_key=True,
                related_name="cart",
                serialize=False,
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(give_lines_the_key_type, elidable=False),
        migrations.AlterField(
            model_name="cartitem",
            name="cart",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="items", to="catalog.cart"
            ),
        ),
    ]
