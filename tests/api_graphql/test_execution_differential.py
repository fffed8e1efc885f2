"""CatalogExecutionContext against graphql-core's own ExecutionContext: the same answers.

A corpus of documents runs through both executors on the same data, each run in a
savepoint that is rolled back (mutations included, with the clock and the id sequences
put back), and the results must be identical: data, and errors with their messages,
locations, paths, extensions and the exception behind them, in the same order.

The corpus is every document in the test files (tests/api_graphql/corpus.py), the
documents the parity clients build, the workshop scenarios, GraphiQL's introspection
query, and documents written here for null bubbling, errors in nested fields and lists,
fragments, aliases, ``node``, mutations and variables, each anonymous and signed in.
Synthetic schemas then reach the corners the catalog's schema has none of.
"""

import datetime
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import graphene
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import RequestFactory
from graphql import (
    ExecutionContext,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    ListTypeNode,
    ListValueNode,
    NonNullTypeNode,
    ObjectValueNode,
    OperationDefinitionNode,
    OperationType,
    VariableNode,
    build_schema,
    execute,
    get_introspection_query,
    get_operation_ast,
    parse,
    specified_rules,
    validate,
)
from graphql.pyutils import Undefined
from rest_framework.authtoken.models import Token

from api_graphql.execution import CatalogExecutionContext
from api_graphql.schema import schema as catalog_schema
from catalog import models as catalog_models
from catalog.models import Book, Cart
from catalog.services import cart_item_add, checkout
from tests.api_graphql.conftest import gid
from tests.api_graphql.corpus import documents
from tests.factories import AuthorFactory, BookFactory, StaffFactory, UserFactory
from tests.parity.clients import GraphqlApi
from workshop.registry import load_scenarios

pytestmark = pytest.mark.django_db

EXECUTORS = {"stock": ExecutionContext, "catalog": CatalogExecutionContext}
FROZEN_NOW = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
PASSWORD = "secret-pass-123"


# ---- Running one document both ways -------------------------------------------------------


def snapshot(result) -> dict[str, Any]:
    """What a client sees, plus the exception behind each error."""
    errors = [
        {**error.formatted, "raised": type(error.original_error).__name__ if error.original_error else None}
        for error in result.errors or []
    ]
    return {"data": result.data, "errors": errors}


def _never_awaitable(value: Any) -> bool:
    return False


def run_catalog(executor, document, variables, operation_name, user) -> dict[str, Any]:
    request = RequestFactory().post("/graphql/")
    request.user = user or AnonymousUser()
    with transaction.atomic():
        result = execute(
            catalog_schema.graphql_schema,
            document,
            context_value=request,
            variable_values=variables,
            operation_name=operation_name,
            is_awaitable=_never_awaitable,
            execution_context_class=executor,
        )
        transaction.set_rollback(True)
    _reset_sequences()
    return snapshot(result)


def _reset_sequences() -> None:
    """Rolled-back inserts leave PostgreSQL's sequences advanced: put them back, so both runs get the same ids."""
    statements = connection.ops.sequence_reset_sql(no_style(), _CATALOG_MODELS)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


_CATALOG_MODELS = [
    model
    for model in vars(catalog_models).values()
    if isinstance(model, type)
    and hasattr(model, "_meta")
    and model._meta.app_label == "catalog"
    and not model._meta.abstract
    and not model._meta.proxy
]


def assert_same(outcomes: dict[str, dict[str, Any]], case: str) -> None:
    stock, ours = outcomes["stock"], outcomes["catalog"]
    assert ours == stock, f"{case}\nstock:   {stock}\ncatalog: {ours}"
    # Same key order as well: a client may read the JSON text.
    assert json.dumps(ours, default=str) == json.dumps(stock, default=str), case


# ---- The catalog's data -----------------------------------------------------------------------


@dataclass
class Library:
    alice: Any
    bob: Any
    staff: Any
    values: dict[str, Any] = field(default_factory=dict)

    def users(self) -> dict[str, Any]:
        return {"anonymous": None, "alice": self.alice, "staff": self.staff}


@pytest.fixture
def library(db, monkeypatch) -> Library:
    monkeypatch.setattr("django.utils.timezone.now", lambda: FROZEN_NOW)
    tolkien = AuthorFactory(name="J. R. R. Tolkien", bio="Philologist.")
    pratchett = AuthorFactory(name="Terry Pratchett", bio="Discworld.")
    gaiman = AuthorFactory(name="Neil Gaiman", bio="Sandman.")
    hobbit = BookFactory(
        title="The Hobbit",
        authors=[tolkien],
        price=Decimal("8.50"),
        stock=3,
        published_date=datetime.date(1937, 9, 21),
        isbn="9780547928227",
    )
    omens = BookFactory(
        title="Good Omens",
        subtitle="The Nice and Accurate Prophecies",
        authors=[pratchett, gaiman],
        price=Decimal("12.50"),
        stock=0,
        published_date=datetime.date(1990, 5, 1),
    )
    mort = BookFactory(title="Mort", authors=[pratchett], price=Decimal("9.50"), stock=7, isbn="9780552131063")
    alice, bob, staff = UserFactory(username="alice"), UserFactory(username="bob"), StaffFactory(username="editor")
    for user in (alice, bob, staff):
        Token.objects.get_or_create(user=user)
    cart_item_add(user=alice, book_id=hobbit.pk, quantity=2)
    cart_item_add(user=alice, book_id=mort.pk, quantity=1)
    order = checkout(user=alice)
    cart_item_add(user=alice, book_id=mort.pk, quantity=3)
    item = Cart.objects.get(user=alice).items.get()
    library = Library(alice, bob, staff)
    library.values = {
        "Book": gid("Book", hobbit.pk),
        "Author": gid("Author", pratchett.pk),
        "Order": gid("Order", order.pk),
        "CartItem": gid("CartItem", item.pk),
        "OrderLine": gid("OrderLine", order.lines.first().pk),
        "User": gid("User", alice.pk),
        "Cart": gid("Cart", item.cart_id),
        "isbn": hobbit.isbn,
        "omens": gid("Book", omens.pk),
        "cursor": _cursor(),
    }
    return library


def _cursor() -> str:
    answer = run_catalog(ExecutionContext, parse("{ books(first: 1) { pageInfo { endCursor } } }"), {}, None, None)
    return answer["data"]["books"]["pageInfo"]["endCursor"]


# ---- Variables for a document that comes without them -------------------------------------


_ID_OWNER = {
    "book": "Book",
    "bookUpdate": "Book",
    "bookDelete": "Book",
    "author": "Author",
    "authorUpdate": "Author",
    "authorDelete": "Author",
    "order": "Order",
    "cartItemUpdate": "CartItem",
    "cartItemRemove": "CartItem",
    "node": "Book",
}


def _argument_value(field_name: str, argument: str, type_name: str, values: dict[str, Any]) -> Any:
    if argument == "id":
        return values[_ID_OWNER.get(field_name, "Book")]
    by_argument = {
        "bookId": values["Book"],
        "author": values["Author"],
        "authorIds": [values["Author"]],
        "isbn": values["isbn"],
        "search": "the",
        "name": "Terry Pratchett",
        "first": 2,
        "last": 2,
        "after": values["cursor"],
        "before": values["cursor"],
        "quantity": 2,
        "price": "10.00",
        "minPrice": "5",
        "maxPrice": "30",
        "stock": 4,
        "title": "A New Title",
        "subtitle": "",
        "description": "About it.",
        "bio": "A life.",
        "username": "alice",
        "password": PASSWORD,
        "publishedDate": "1999-12-31",
        "publishedAfter": "1950-01-01",
        "publishedBefore": "2000-01-01",
        "inStock": True,
        "orderBy": ["TITLE_DESC"] if field_name == "books" else ["NAME_DESC"],
    }
    if argument in by_argument:
        return by_argument[argument]
    return {"String": "x", "Int": 1, "Boolean": True, "ID": values["Book"], "Date": "2000-01-01"}.get(type_name)


def _usages(operation: OperationDefinitionNode, fragments: dict) -> dict[str, tuple[str, str]]:
    """Variable name -> (field, argument) where the operation first uses it."""
    found: dict[str, tuple[str, str]] = {}
    stack, seen = [operation.selection_set], set()
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FieldNode):
                for argument in selection.arguments:
                    for name in _variables_in(argument.value):
                        found.setdefault(name, (selection.name.value, argument.name.value))
                if selection.selection_set:
                    stack.append(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                stack.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
                seen.add(selection.name.value)
                if selection.name.value in fragments:
                    stack.append(fragments[selection.name.value].selection_set)
    return found


def _variables_in(value: Any) -> Iterator[str]:
    if isinstance(value, VariableNode):
        yield value.name.value
    elif isinstance(value, ListValueNode):
        for item in value.values:
            yield from _variables_in(item)
    elif isinstance(value, ObjectValueNode):
        for item in value.fields:
            yield from _variables_in(item.value)


def synthesize(document, operation: OperationDefinitionNode, values: dict[str, Any]) -> dict[str, Any]:
    fragments = {d.name.value: d for d in document.definitions if d.kind == "fragment_definition"}
    usages = _usages(operation, fragments)
    variables = {}
    for definition in operation.variable_definitions:
        name = definition.variable.name.value
        type_node, is_list = definition.type, False
        while isinstance(type_node, (NonNullTypeNode, ListTypeNode)):
            is_list = is_list or isinstance(type_node, ListTypeNode)
            type_node = type_node.type
        field_name, argument = usages.get(name, ("", name))
        value = _argument_value(field_name, argument, type_node.name.value, values)
        if is_list and not isinstance(value, list):
            value = [value]
        variables[name] = value
    return variables


# ---- The corpus --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    variables: dict[str, Any] | None = None  # None: synthesised from the document
    operation_name: str | None = None
    users: tuple[str, ...] = ("anonymous", "alice", "staff")


def _operations(text: str) -> list[str | None]:
    names = [d.name.value if d.name else None for d in parse(text).definitions if d.kind == "operation_definition"]
    return names if len(names) > 1 else [None]


def _valid(text: str) -> bool:
    try:
        return not validate(catalog_schema.graphql_schema, parse(text), specified_rules)
    except GraphQLError:
        return False


def cases_from_tests() -> list[Case]:
    return [
        Case(f"{found.module}:{found.line}:{operation or ''}", found.text, operation_name=operation)
        for found in documents(exclude=(__name__,))
        for operation in _operations(found.text)
    ]


def cases_from_scenarios() -> list[Case]:
    cases = []
    for scenario in load_scenarios().values():
        # A refused document (a lesson on errors) never reaches an executor.
        for step in (step for step in scenario.graphql if not step.refused):
            cases.append(Case(f"scenario {scenario.slug}: {step.name}", step.query, step.variables or {}))
    return cases


def _substitute(value: Any, values: dict[str, Any]) -> Any:
    """Workshop placeholders (``${cursor}``) filled from the library."""
    if isinstance(value, str):
        match = re.fullmatch(r"\$\{(\w+)\}", value)
        if match:
            return {"cursor": values["cursor"], "first_book": values["Book"], "second_book": values["omens"]}.get(
                match.group(1), values["Book"]
            )
        return value
    if isinstance(value, dict):
        return {k: _substitute(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, values) for v in value]
    return value


BOOK = "id databaseId title subtitle isbn price stock publishedDate description createdAt updatedAt"

WRITTEN = [
    Case("aliases and fragments", f"""
        query Shelf {{ first: books(first: 2, orderBy: [TITLE_ASC]) {{ ...Page }}
          last: books(last: 2) {{ ...Page }} total: books {{ totalCount }} }}
        fragment Page on BookConnection {{ totalCount pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
          edges {{ cursor node {{ ...BookFields writers: authors {{ ...AuthorFields }} }} }} }}
        fragment BookFields on Book {{ {BOOK} __typename }}
        fragment AuthorFields on Author {{ id name bio bookCount books(first: 1) {{ edges {{ node {{ title }} }} }} }}
    """),
    Case("the same field twice, merged", """{ books(first: 3) { edges { node { title authors { name } } } }
        books(first: 3) { edges { node { price authors { bio name } } } } }"""),
    Case("node of every type, inline fragments", """{ a: node(id: "QXV0aG9yOjE=") { id }
        book: node(id: "%(Book)s") { __typename id ... on Book { title authors { name } } ... on Author { name } }
        author: node(id: "%(Author)s") { __typename ... on Author { name books { totalCount } } }
        order: node(id: "%(Order)s") { __typename ... on Order { total lines { title book { title } } } }
        line: node(id: "%(OrderLine)s") { ... on OrderLine { title quantity lineTotal } }
        item: node(id: "%(CartItem)s") { ... on CartItem { quantity book { title } } }
        cart: node(id: "%(Cart)s") { ... on Cart { copyCount total items { quantity } } }
        user: node(id: "%(User)s") { ... on User { username cart { total } orders { totalCount } } }
        missing: node(id: "Qm9vazo5OTk5") { id } bad: node(id: "garbage") { id } }"""),
    Case("errors in nested fields inside lists bubble to the nearest nullable field",
         """{ books(first: 5) { totalCount edges { node { title authors { name books(after: "garbage") {
              totalCount } } } } } authors { totalCount } }"""),
    Case("an error in a nullable nested field stays there",
         """{ authors(first: 3) { edges { node { name } } } book(id: "garbage") { title } me { username }
              order(id: "garbage") { total } }"""),
    Case("an argument error and a good field side by side",
         """{ good: books(first: 1) { edges { node { title } } } bad: books(minPrice: "abc") { totalCount }
              worse: books(orderBy: [PRICE_ASC], search: "x", publishedAfter: "2000-01-01", first: 2, after: "x") {
              edges { node { title } } } }"""),
    Case("variables with defaults, skip and include",
         """query($first: Int = 2, $withAuthors: Boolean = true, $skipPrice: Boolean!, $search: String) {
              books(first: $first, search: $search) { edges { node { title authors @include(if: $withAuthors)
              { name } price @skip(if: $skipPrice) } } } }""", {"skipPrice": True}),
    Case("variables coerced", """query($first: Int, $order: [BookOrder!], $inStock: Boolean, $after: Date) {
              books(first: $first, orderBy: $order, inStock: $inStock, publishedAfter: $after) { totalCount
              edges { node { title publishedDate } } } }""",
         {"first": 2, "order": "PRICE_DESC", "inStock": False, "after": "1900-01-01"}),
    Case("a variable that does not coerce", "query($first: Int!) { books(first: $first) { totalCount } }",
         {"first": "two"}),
    Case("a missing operation name", "query A { me { username } } query B { cart { total } }", {}),
    Case("an unknown operation name", "query A { me { username } }", {}, "Missing"),
    Case("the signed-in user's things", """{ me { username databaseId cart { copyCount total items {
              quantity unitPrice lineTotal book { title authors { name } } } } orders(first: 5) { totalCount
              edges { node { total copyCount createdAt lines { title isbn quantity unitPrice lineTotal bookId
              book { title } } } } } } cart { total } orders { edges { node { total } } } }"""),
    Case("introspection", get_introspection_query(descriptions=True, input_value_deprecation=True)),
    Case("typename everywhere", """{ __typename books(first: 1) { __typename edges { __typename node {
              __typename authors { __typename } } } pageInfo { __typename } } }"""),
    Case("type meta fields", """{ __type(name: "Book") { name kind fields { name type { name kind ofType {
              name kind ofType { name } } } } } }"""),
    Case("several mutations run in order", """mutation($book: ID!, $mort: ID!) {
              first: cartItemAdd(bookId: $book, quantity: 1) { cartItem { quantity book { title } } errors { code } }
              again: cartItemAdd(bookId: $book, quantity: 2) { cartItem { quantity lineTotal } cart { total } errors {
              field code message } }
              tooMany: cartItemAdd(bookId: $mort, quantity: 100) { cartItem { quantity } errors { field code } }
              checkout { order { total copyCount lines { title quantity } } errors { code } }
              empty: checkout { order { total } errors { field code message } }
              cartClear { errors { code } } }""", {"book": "%(Book)s", "mort": "%(omens)s"},
         users=("anonymous", "alice")),
    Case("catalog writes", """mutation($author: ID!, $book: ID!) {
              created: authorCreate(name: "Le Guin", bio: "Earthsea") { author { name bio bookCount books {
              totalCount } } errors { field code message } }
              blank: authorCreate(name: "") { author { name } errors { field code message } }
              updated: bookUpdate(id: $book, title: "Hobbit", price: "9.99", authorIds: [$author]) { book {
              title price authors { name } updatedAt } errors { field code message } }
              bad: bookCreate(title: "T", isbn: "123", price: "-1") { book { title } errors { field code message } }
              gone: bookDelete(id: $book) { deletedId errors { code } }
              again: bookDelete(id: $book) { deletedId errors { field code message } } }""",
         {"author": "%(Author)s", "book": "%(Book)s"}),
    Case("tokens", """mutation { good: tokenCreate(username: "alice", password: "secret-pass-123") { token errors {
              code } } bad: tokenCreate(username: "alice", password: "wrong") {
              token errors { field code message } } }"""),
]  # fmt: skip


def _fill(value: Any, values: dict[str, Any]) -> Any:
    if isinstance(value, str) and "%(" in value:
        return value % values
    if isinstance(value, dict):
        return {k: _fill(v, values) for k, v in value.items()}
    return value


def parity_cases(library: Library) -> list[tuple[str, str, dict[str, Any], Any]]:
    """The documents the parity clients build, recorded as they are sent (and rolled back)."""
    recorded: list[tuple[str, str, dict[str, Any], Any]] = []

    class Recorder(GraphqlApi):
        def _execute(self, user, query, variables=None):
            recorded.append((f"parity {len(recorded)}", query, variables or {}, user))
            return super()._execute(user, query, variables)

    api = Recorder()
    book = Book.objects.get(isbn=library.values["isbn"])
    author = book.authors.first()
    item = Cart.objects.get(user=library.alice).items.get()
    order = library.alice.orders.first()
    calls = [
        lambda: api.book_list(),
        lambda: api.book_list(
            library.alice,
            search="the",
            author=author.pk,
            min_price="5",
            max_price="30",
            published_after="1900-01-01",
            published_before="2000-01-01",
            in_stock=True,
            ordering="-price,title",
            page_size=2,
        ),
        lambda: api.book_list(isbn=book.isbn),
        lambda: api.book_get(book.pk),
        lambda: api.book_create(library.staff, title="T", isbn="9780306406157", price="1.00", author_ids=[author.pk]),
        lambda: api.book_create(library.alice, title="T", isbn="9780306406157", price="1.00"),
        lambda: api.book_update(library.staff, book.pk, title="New", published_date="2001-02-03"),
        lambda: api.book_delete(library.staff, book.pk),
        lambda: api.author_list(search="Terry", ordering="-name"),
        lambda: api.author_create(library.staff, name="A", bio="B"),
        lambda: api.author_update(library.staff, author.pk, bio="C"),
        lambda: api.author_delete(library.staff, author.pk),
        lambda: api.cart_get(library.alice),
        lambda: api.cart_item_add(library.alice, book.pk, 1),
        lambda: api.cart_item_update(library.alice, item.pk, 2),
        lambda: api.cart_item_remove(library.alice, item.pk),
        lambda: api.cart_clear(library.alice),
        lambda: api.checkout(library.alice),
        lambda: api.order_list(library.alice),
        lambda: api.order_get(library.alice, order.pk),
        lambda: api.token_create("alice", PASSWORD),
    ]
    for call in calls:
        with transaction.atomic():
            call()
            transaction.set_rollback(True)
        _reset_sequences()
    return recorded


def test_the_corpus_reaches_every_source():
    tests, scenarios = cases_from_tests(), cases_from_scenarios()
    assert len(tests) >= 90
    assert {case.name.split(":")[0] for case in tests} >= {
        "tests.api_graphql.test_book_list",
        "tests.api_graphql.test_node",
        "tests.api_graphql.test_checkout",
        "tests.api_graphql.test_cart_item_update",
        "tests.api_graphql.test_token_create",
        "tests.parity.clients",
    }
    steps = [step for scenario in load_scenarios().values() for step in scenario.graphql]
    assert len(scenarios) == len([step for step in steps if not step.refused]) >= 8
    # Nearly all of them validate: a document refused before execution proves nothing here.
    assert sum(_valid(case.text) for case in tests) >= 70


def test_the_catalog_executor_answers_like_graphql_core(library):
    values = library.values
    users = library.users()
    runs = 0

    def compare(name, text, variables, operation_name, user_names):
        nonlocal runs
        document = parse(text)
        for user_name in user_names:
            outcomes = {
                label: run_catalog(executor, document, variables, operation_name, users[user_name])
                for label, executor in EXECUTORS.items()
            }
            assert_same(outcomes, f"{name} as {user_name}")
            runs += 1

    for case in [*cases_from_tests(), *WRITTEN]:
        text = _fill(case.text, values)
        document = parse(text)
        operation = get_operation_ast(document, case.operation_name)
        variables = _fill(case.variables, values) if case.variables is not None else None
        if variables is None:
            variables = synthesize(document, operation, values) if operation else {}
        compare(case.name, text, variables, case.operation_name, case.users)
        if case.variables is None and operation is not None and operation.variable_definitions:
            compare(case.name + " (no variables)", text, {}, case.operation_name, ("alice",))
    for case in cases_from_scenarios():
        compare(case.name, case.text, _substitute(case.variables, values), None, ("anonymous", "alice"))
    for name, text, variables, user in parity_cases(library):
        user_name = {None: "anonymous", library.alice.pk: "alice", library.staff.pk: "staff"}[getattr(user, "pk", None)]
        compare(name, text, variables, None, (user_name,))
    assert runs >= 400


# ---- Null bubbling on the catalog's own types ------------------------------------------------


class _Broken:
    """A model attribute that is None (or raises) for one book: the data a bug would give."""

    def __init__(self, name: str, isbn: str, failure: Any) -> None:
        self.name, self.isbn, self.failure = name, isbn, failure

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__.get(self.name)
        if obj.__dict__.get("isbn") != self.isbn:
            return value
        if isinstance(self.failure, Exception):
            raise self.failure
        return self.failure

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.name] = value


NESTED = """{ books(orderBy: [TITLE_ASC]) { totalCount edges { cursor node { title stock publishedDate price
    authors { name books { edges { node { title stock publishedDate } } } } } } }
    book(isbn: "9780547928227") { title stock publishedDate } node(id: "%(Book)s") { ... on Book { title } }
    authors { edges { node { name books { edges { node { title } } } } } } }"""


@pytest.mark.parametrize(
    ("attribute", "failure"),
    [
        ("title", None),  # a non-null field resolving to null
        ("stock", None),
        ("stock", RuntimeError("stock unreadable")),  # a non-null field raising
        ("published_date", ValueError("date unreadable")),  # a nullable field raising
        ("published_date", "not a date"),  # a value the scalar cannot serialise
        ("price", None),
        ("stock", "many"),
        ("stock", 2**40),
    ],
)
def test_broken_values_bubble_the_same_way(library, monkeypatch, attribute, failure):
    monkeypatch.setattr(Book, attribute, _Broken(attribute, library.values["isbn"], failure))
    text = NESTED % library.values
    outcomes = {
        label: run_catalog(executor, parse(text), {}, None, library.alice) for label, executor in EXECUTORS.items()
    }
    assert outcomes["stock"]["errors"], "the broken value must give an error"
    assert_same(outcomes, f"{attribute}={failure!r}")


# ---- Synthetic schemas: the corners the catalog does not reach --------------------------------


class Shape(graphene.Interface):
    name = graphene.String(required=True)

    @classmethod
    def resolve_type(cls, instance, info):
        return {"circle": Circle, "square": Square}.get(instance.get("kind")) if isinstance(instance, dict) else None


class Circle(graphene.ObjectType):
    class Meta:
        interfaces = (Shape,)

    radius = graphene.Float()


class Square(graphene.ObjectType):
    class Meta:
        interfaces = (Shape,)

    side = graphene.Int(required=True)


class Colour(graphene.Enum):
    RED = 1
    GREEN = 2


class Checked(graphene.ObjectType):
    """An object type whose check reads the resolve info."""

    label = graphene.String()

    @classmethod
    def is_type_of(cls, root, info):
        # In a list too, the info is the list field's: its path ends with the field's name.
        checks = isinstance(root, dict) and root.get("kind") == "checked"
        return checks and info.field_name != "refused" and isinstance(info.path.key, str)


class Odd(graphene.Scalar):
    """Serialises odd numbers only; None or Undefined for the rest."""

    @staticmethod
    def serialize(value):
        if value == 2:
            return Undefined
        return value if value % 2 else None

    parse_value = parse_literal = staticmethod(lambda value, *_: value)


class Item(graphene.ObjectType):
    name = graphene.String(required=True)
    maybe = graphene.String()
    count = graphene.Int()
    count_required = graphene.Int(required=True)
    ratio = graphene.Float()
    colour = Colour()
    odd = Odd()
    odd_required = Odd(required=True)
    tags = graphene.List(graphene.String)
    strict_tags = graphene.List(graphene.NonNull(graphene.String))
    required_tags = graphene.List(graphene.NonNull(graphene.String), required=True)
    grid = graphene.List(graphene.List(graphene.Int))
    children = graphene.List(lambda: Item)
    strict_children = graphene.List(graphene.NonNull(lambda: Item))
    child = graphene.Field(lambda: Item)
    child_required = graphene.Field(lambda: Item, required=True)
    shape = graphene.Field(Shape)
    shapes = graphene.List(Shape)
    shape_required = graphene.Field(Shape, required=True)
    checked = graphene.Field(Checked)
    refused = graphene.Field(Checked)
    checked_list = graphene.List(Checked)
    with_default = graphene.String(default_value="the default")
    echo = graphene.String(text=graphene.String(default_value="hi"))
    fails = graphene.String()
    fails_required = graphene.String(required=True)
    returns_error = graphene.String()
    returns_error_required = graphene.Int(required=True)

    def resolve_echo(root, info, text):
        return f"{text} at {'.'.join(map(str, info.path.as_list()))}"

    def resolve_fails(root, info):
        raise ValueError(f"fails at {info.path.as_list()}")

    def resolve_fails_required(root, info):
        raise GraphQLError("a GraphQL error", extensions={"code": "custom"})

    def resolve_returns_error(root, info):
        return RuntimeError("returned, not raised")

    def resolve_returns_error_required(root, info):
        return KeyError("returned")


class Thing:
    """An object source, with a property that raises."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    @property
    def maybe(self):
        if self.__dict__.get("explode"):
            raise LookupError("property failed")
        return self.__dict__.get("_maybe")


def item(**overrides: Any) -> dict[str, Any]:
    values = {
        "name": "plain",
        "count": 3,
        "count_required": 4,
        "ratio": 0.5,
        "colour": Colour.RED,
        "odd": 3,
        "odd_required": 5,
        "tags": ["a", None, "c"],
        "strict_tags": ["a", "b"],
        "required_tags": ["x"],
        "grid": [[1, 2], [None], []],
        "children": [],
        "strict_children": [],
        "child": None,
        "child_required": {"name": "leaf", "count_required": 1, "odd_required": 1, "required_tags": []},
        "shape": {"kind": "circle", "name": "c", "radius": 1.5},
        "shapes": [{"kind": "square", "name": "s", "side": 2}, {"kind": "circle", "name": "c"}],
        "shape_required": {"kind": "square", "name": "s", "side": 3},
        "checked": {"kind": "checked", "label": "ok"},
        "refused": {"kind": "checked", "label": "no"},
        "checked_list": [{"kind": "checked", "label": "first"}, {"kind": "other"}, None],
    }
    values.update(overrides)
    return values


SOURCES = {
    "plain": item(),
    "object": Thing(**item(), _maybe="from a property"),
    "exploding": Thing(**item(), explode=True),
    "nulls": item(name=None, count=None, count_required=None, odd_required=None, required_tags=None),
    "bad scalars": item(count="x", count_required=2**40, ratio="nan?", colour="PURPLE", odd=4, odd_required=2),
    "bad lists": item(tags=5, strict_tags=["a", None], required_tags=[None], grid=[[1, "x"], 7]),
    "bad children": item(
        children=[item(), None, item(name=None), item(strict_tags=[None])],
        strict_children=[item(), item(count_required=None)],
        child=item(child_required=None),
        child_required=item(name=None),
    ),
    "bad shapes": item(
        shape={"kind": "triangle", "name": "t"},
        shapes=[{"kind": "square", "name": "s", "side": None}, "not a dict", None],
        shape_required=None,
        checked={"kind": "other"},
    ),
    "errors as values": item(tags=[RuntimeError("in a list")], children=[ValueError("child")], child=KeyError("x")),
}


class SyntheticQuery(graphene.ObjectType):
    item = graphene.Field(Item, key=graphene.String(required=True))
    item_required = graphene.Field(Item, key=graphene.String(required=True), required=True)
    items = graphene.List(graphene.NonNull(Item), keys=graphene.List(graphene.String))
    loose_items = graphene.List(Item, keys=graphene.List(graphene.String))

    def resolve_item(root, info, key):
        return SOURCES.get(key)

    resolve_item_required = resolve_item

    def resolve_items(root, info, keys=None):
        return [SOURCES.get(key) for key in keys or SOURCES]

    resolve_loose_items = resolve_items


synthetic_schema = graphene.Schema(query=SyntheticQuery, types=[Circle, Square])

ALL_FIELDS = """name maybe count countRequired ratio colour odd oddRequired tags strictTags requiredTags grid
    withDefault echo e2: echo(text: "yo") fails returnsError
    child { name } childRequired { name countRequired } children { name maybe } strictChildren { name countRequired }
    shape { __typename name ... on Circle { radius } ... on Square { side } }
    shapes { name ... on Square { side } } shapeRequired { name }
    checked { label } refused { label } checkedList { label }"""
REQUIRED_FAILURES = "failsRequired returnsErrorRequired"


def synthetic_documents() -> Iterator[tuple[str, str]]:
    for key in SOURCES:
        yield key, f'{{ item(key: "{key}") {{ {ALL_FIELDS} }} }}'
        yield key + " (required)", f'{{ itemRequired(key: "{key}") {{ name {REQUIRED_FAILURES} }} }}'
        yield key + " (nullable parent)", f'{{ item(key: "{key}") {{ name {REQUIRED_FAILURES} }} }}'
    yield "every item", f"{{ items {{ {ALL_FIELDS} }} looseItems {{ {ALL_FIELDS} }} }}"
    yield (
        "fragments and aliases",
        """query Q($keys: [String]) { a: items(keys: $keys) { ...F }
        b: looseItems(keys: $keys) { ...F x: name } }
        fragment F on Item { name y: count ... on Item { tags } ...G }
        fragment G on Item { children { name ...H } child { ...H } shape { ... on Shape { name } } }
        fragment H on Item { maybe z: countRequired strictChildren { name } }""",
    )
    yield "a missing key", '{ item(key: "none") { name } itemRequired(key: "none") { name } }'


@pytest.mark.parametrize(("name", "text"), list(synthetic_documents()), ids=[n for n, _ in synthetic_documents()])
def test_synthetic_corners_answer_alike(name, text):
    document = parse(text)
    assert not validate(synthetic_schema.graphql_schema, document), name
    variables = {"keys": ["plain", "bad children", "nulls", "bad shapes"]}
    outcomes = {
        label: snapshot(
            execute(
                synthetic_schema.graphql_schema,
                document,
                variable_values=variables,
                is_awaitable=_never_awaitable,
                execution_context_class=executor,
            )
        )
        for label, executor in EXECUTORS.items()
    }
    assert_same(outcomes, name)


SDL_SCHEMA = build_schema("""
    type Query { shelf: Shelf! shelves: [Shelf] }
    type Shelf { name: String! books: [String!] size: Int nested: Shelf }
""")
SDL_ROOT = {
    "shelf": {"name": "top", "books": ["a", "b"], "size": 2, "nested": {"name": None}},
    "shelves": [{"name": "x", "books": [None]}, None, {"name": "y", "size": "big"}],
}


@pytest.mark.parametrize(
    "text",
    [
        "{ shelf { name books size nested { name } } }",
        "{ shelves { name books size } }",
        "{ shelf { nested { nested { name } } } }",
    ],
)
def test_a_schema_without_resolvers_answers_alike(text):
    """Fields with no resolve function of their own use the execution's field resolver."""
    outcomes = {
        label: snapshot(execute(SDL_SCHEMA, parse(text), root_value=SDL_ROOT, execution_context_class=executor))
        for label, executor in EXECUTORS.items()
    }
    assert_same(outcomes, text)


def test_a_custom_field_resolver_is_used_alike():
    def shout(source, info, **args):
        value = source.get(info.field_name) if isinstance(source, dict) else None
        return value.upper() if isinstance(value, str) else value

    outcomes = {
        label: snapshot(
            execute(
                SDL_SCHEMA,
                parse("{ shelf { name nested { name } } }"),
                root_value=SDL_ROOT,
                field_resolver=shout,
                execution_context_class=executor,
            )
        )
        for label, executor in EXECUTORS.items()
    }
    assert_same(outcomes, "field_resolver")


def test_mutation_payloads_are_completed_by_the_catalog_executor(library, monkeypatch):
    """Mutation fields run serially in graphql-core's code; their payloads go through ours."""
    document = parse("mutation { cartClear { cart { items { quantity } } errors { code } } }")
    operation = get_operation_ast(document)
    assert operation.operation == OperationType.MUTATION
    calls = []
    original = CatalogExecutionContext.execute_fields

    def spy(self, parent_type, *args, **kwargs):
        calls.append(parent_type.name)
        return original(self, parent_type, *args, **kwargs)

    monkeypatch.setattr(CatalogExecutionContext, "execute_fields", spy)
    run_catalog(CatalogExecutionContext, document, {}, None, library.alice)
    assert "CartClearPayload" in calls
