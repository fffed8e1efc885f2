"""Every argument of every mutation, given any value of its GraphQL type (null included), answers
the same catalogue codes in REST (JSON body) and GraphQL (variables), and never a server error.

Each example changes one argument of a request that is valid without it, so that REST's two
steps (shape, then domain) and GraphQL's one report the same field.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import CartItemFactory
from tests.property.clients import graphql, rest
from tests.property.strategies import GRAPHQL_INT, texts

pytestmark = pytest.mark.django_db

ISBN = "978-0-306-40615-7"
TEXT = st.one_of(st.none(), texts())
INT = st.one_of(st.none(), GRAPHQL_INT)
ID = st.one_of(st.none(), st.integers(min_value=-5, max_value=2**70))
IDS = st.one_of(st.none(), st.lists(st.integers(min_value=-5, max_value=2**70), max_size=3))
DATE = st.one_of(st.none(), st.dates().map(str), texts(max_size=12))

# name -> (GraphQL type, strategy)
BOOK_ARGUMENTS = {
    "title": ("String", TEXT),
    "subtitle": ("String", TEXT),
    "isbn": ("String", TEXT),
    "price": ("String", TEXT),
    "stock": ("Int", INT),
    "published_date": ("Date", DATE),
    "description": ("String", TEXT),
    "author_ids": ("[ID!]", IDS),
}
AUTHOR_ARGUMENTS = {"name": ("String", TEXT), "bio": ("String", TEXT)}


def camel(name: str) -> str:
    head, *rest_ = name.split("_")
    return head + "".join(part.title() for part in rest_)


def _graphql_value(name: str, value):
    if value is None:
        return None
    if name in ("author_ids",):
        return [str(v) for v in value]
    if name in ("book_id",):
        return str(value)
    return value


def mutate(user, mutation: str, types: dict[str, str], arguments: dict, selection: str = "__typename"):
    """``mutation`` with ``arguments`` (snake_case) as variables; ``types`` gives their GraphQL types."""
    names = {name: camel(name) for name in arguments}
    signature = ", ".join(f"${names[n]}: {types[n]}" for n in arguments)
    call = ", ".join(f"{names[n]}: ${names[n]}" for n in arguments)
    query = (
        f"mutation{f'({signature})' if arguments else ''} {{ {mutation}{f'({call})' if arguments else ''} "
        f"{{ {selection} errors {{ field code message }} }} }}"
    )
    variables = {names[n]: _graphql_value(n, v) for n, v in arguments.items()}
    return graphql(query, variables, user=user, payload=mutation)


def both(user, method, path, mutation, types, arguments, *, id_argument=None):
    rest_answer = rest(method, path, user=user, body=arguments)
    graphql_arguments = dict(arguments)
    graphql_types = dict(types)
    if id_argument is not None:
        graphql_arguments = {"id": id_argument, **graphql_arguments}
        graphql_types["id"] = "ID!"
    graphql_answer = mutate(user, mutation, graphql_types, graphql_arguments)
    assert graphql_answer.errors == rest_answer.errors, (arguments, rest_answer, graphql_answer)
    return rest_answer


def _one_of(arguments: dict) -> st.SearchStrategy[tuple[str, object]]:
    return st.sampled_from(sorted(arguments)).flatmap(lambda name: st.tuples(st.just(name), arguments[name][1]))


@given(change=_one_of(BOOK_ARGUMENTS))
def test_book_create(staff, author, change):
    name, value = change
    arguments = {"title": "Title", "isbn": ISBN, "price": "12.50", "author_ids": [author.pk], name: value}
    types = {key: BOOK_ARGUMENTS[key][0] for key in arguments}
    both(staff, "POST", "/api/books/", "bookCreate", types, arguments)


@given(change=_one_of(BOOK_ARGUMENTS))
def test_book_update(staff, book, change):
    name, value = change
    both(
        staff,
        "PATCH",
        f"/api/books/{book.pk}/",
        "bookUpdate",
        {name: BOOK_ARGUMENTS[name][0]},
        {name: value},
        id_argument=str(book.pk),
    )


@given(change=_one_of(AUTHOR_ARGUMENTS))
def test_author_create(staff, change):
    name, value = change
    arguments = {"name": "Name", name: value}
    both(staff, "POST", "/api/authors/", "authorCreate", {key: "String" for key in arguments}, arguments)


@given(change=_one_of(AUTHOR_ARGUMENTS))
def test_author_update(staff, author, change):
    name, value = change
    both(
        staff,
        "PATCH",
        f"/api/authors/{author.pk}/",
        "authorUpdate",
        {name: "String"},
        {name: value},
        id_argument=str(author.pk),
    )


@given(change=_one_of({"book_id": ("ID", ID), "quantity": ("Int", INT)}))
def test_cart_item_add(alice, book, change):
    name, value = change
    arguments = {"book_id": book.pk, "quantity": 1, name: value}
    both(alice, "POST", "/api/cart/items/", "cartItemAdd", {"book_id": "ID", "quantity": "Int"}, arguments)


@pytest.fixture
def cart_line(alice, book):
    return CartItemFactory(cart__user=alice, book=book, quantity=1)


@given(quantity=INT)
def test_cart_item_update(alice, cart_line, quantity):
    item = cart_line
    both(
        alice,
        "PATCH",
        f"/api/cart/items/{item.pk}/",
        "cartItemUpdate",
        {"quantity": "Int"},
        {"quantity": quantity},
        id_argument=str(item.pk),
    )


@given(username=TEXT, password=TEXT)
def test_token_create(alice, username, password):
    arguments = {"username": username, "password": password}
    answer = both(
        None, "POST", "/api/auth/token/", "tokenCreate", {"username": "String", "password": "String"}, arguments
    )
    assert answer.status in (200, 400)


@given(title=texts(), name=texts())
def test_hostile_text_is_refused_with_one_code_wherever_it_goes(staff, title, name):
    """A NUL or a lone surrogate anywhere gives invalid_characters on that field, in both APIs."""
    answer = both(
        staff,
        "POST",
        "/api/authors/",
        "authorCreate",
        {"name": "String", "bio": "String"},
        {"name": name, "bio": title},
    )
    for field, code in answer.errors:
        if code == "invalid_characters":
            assert any(c == "\x00" or "\ud800" <= c <= "\udfff" for c in {"name": name, "bio": title}[field])
