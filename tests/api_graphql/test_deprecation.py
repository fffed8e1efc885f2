"""A renamed field in GraphQL: `@deprecated(reason: ...)` in the SDL and in introspection, and still served."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from catalog.services import cart_item_add
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db

SDL = Path(__file__).resolve().parents[2] / "api_graphql" / "schema.graphql"
REASON = (
    "Renamed to `copyCount`: the count is of copies (the lines' quantities added up), not of lines as the old "
    "name suggested. Served until 2027-06-01."
)
FIELDS = """query Fields($type: String!, $all: Boolean!) {
  __type(name: $type) { fields(includeDeprecated: $all) { name isDeprecated deprecationReason } }
}"""


def type_block(sdl: str, name: str) -> str:
    return re.search(rf"^type {name} implements Node \{{\n(.*?)^\}}", sdl, re.S | re.M).group(1)


@pytest.mark.parametrize("type_name", ["Cart", "Order"])
def test_the_committed_sdl_marks_the_old_name_deprecated(type_name):
    block = type_block(SDL.read_text(), type_name)
    assert f'  itemCount: Int! @deprecated(reason: "{REASON}")' in block
    assert re.search(r"^  copyCount: Int!$", block, re.M)


@pytest.mark.parametrize("type_name", ["Cart", "Order"])
def test_introspection_hides_the_old_name_unless_asked_and_then_says_why(gql, type_name):
    current = gql(FIELDS, {"type": type_name, "all": False}).data["__type"]["fields"]
    everything = gql(FIELDS, {"type": type_name, "all": True}).data["__type"]["fields"]
    assert "itemCount" not in [f["name"] for f in current] and "copyCount" in [f["name"] for f in current]
    assert [f for f in everything if f["isDeprecated"]] == [
        {"name": "itemCount", "isDeprecated": True, "deprecationReason": REASON}
    ]
    assert len(everything) == len(current) + 1


def test_asking_for_the_old_name_still_works_with_the_new_names_value(gql, alice):
    cart_item_add(user=alice, book_id=BookFactory(price=Decimal("4.00"), stock=9).id, quantity=3)
    cart_item_add(user=alice, book_id=BookFactory(price=Decimal("6.00"), stock=9).id, quantity=1)
    answer = gql("{ cart { itemCount copyCount items { quantity } } }", user=alice)
    assert answer.status == 200 and "errors" not in answer.body
    assert answer.data["cart"] == {"itemCount": 4, "copyCount": 4, "items": [{"quantity": 3}, {"quantity": 1}]}
    order = gql("mutation { checkout { order { itemCount copyCount } errors { code } } }", user=alice)
    assert order.payload("checkout") == {"order": {"itemCount": 4, "copyCount": 4}, "errors": []}
    # GraphQL says it in its schema only: the response carries no header about it.
    assert not {"Deprecation", "Sunset"} & set(answer.response.headers)
