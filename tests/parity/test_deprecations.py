"""Each deprecation is declared once (catalog.deprecations) and both APIs derive theirs from it."""

import datetime
from decimal import Decimal

import pytest
from graphene.utils.str_converters import to_camel_case

from api_graphql.schema import schema as graphql_schema
from catalog.deprecations import DEPRECATIONS, FieldDeprecation, field_deprecation
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def openapi():
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]


@pytest.mark.parametrize("deprecation", DEPRECATIONS, ids=lambda d: f"{d.type_name}.{d.field}")
def test_both_apis_announce_each_declared_deprecation(deprecation, openapi):
    fields = graphql_schema.graphql_schema.type_map[deprecation.type_name].fields
    old, new = fields[to_camel_case(deprecation.field)], fields[to_camel_case(deprecation.replacement)]
    assert old.deprecation_reason == deprecation.reason(to_camel_case) and new.deprecation_reason is None
    assert str(old.type) == str(new.type)
    properties = openapi[deprecation.type_name]["properties"]
    assert properties[deprecation.field]["deprecated"] is True
    assert properties[deprecation.field]["description"] == deprecation.reason()
    assert not properties[deprecation.replacement].get("deprecated")


def test_the_old_and_the_new_name_carry_the_same_value_in_both_apis(both, alice):
    books = [BookFactory(price=Decimal("3.00"), stock=20), BookFactory(price=Decimal("4.00"), stock=20)]
    seen = []
    for api in both:
        api.cart_item_add(alice, books[0].id, 2)
        api.cart_item_add(alice, books[1].id, 5)
        cart = api.cart_get(alice).data
        order = api.checkout(alice).data
        seen.append(
            (len(cart["items"]), cart["copy_count"], cart["item_count"], order["copy_count"], order["item_count"])
        )
    assert seen == [(2, 7, 7, 7, 7)] * 2


def test_a_declaration_states_its_dates_in_order_and_with_a_time_zone():
    utc = datetime.UTC
    with pytest.raises(ValueError, match="the sunset comes before the deprecation"):
        FieldDeprecation(
            "Cart",
            "a",
            "b",
            "why",
            datetime.datetime(2027, 1, 1, tzinfo=utc),
            datetime.datetime(2026, 1, 1, tzinfo=utc),
        )
    with pytest.raises(ValueError, match="give both dates a time zone"):
        FieldDeprecation(
            "Cart", "a", "b", "why", datetime.datetime(2026, 1, 1), datetime.datetime(2027, 1, 1, tzinfo=utc)
        )
    with pytest.raises(KeyError):
        field_deprecation("Cart", "total")
