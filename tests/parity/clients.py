"""Both APIs behind one interface: every operation answers ``Outcome(data, errors)``.

``data`` is normalised (snake_case keys, database ids) so a REST answer and a GraphQL
answer for the same operation compare equal; ``errors`` is a sorted list of
``(field, code)`` with snake_case field names.
"""

import json
import re
from dataclasses import dataclass
from typing import Any

from django.test import Client
from graphene.utils.str_converters import to_camel_case
from rest_framework.authtoken.models import Token

from api_graphql.schema import schema

BOOK_FIELDS = "databaseId title subtitle isbn price stock publishedDate description authors { databaseId name }"
AUTHOR_FIELDS = "databaseId name bio bookCount"
CART_FIELDS = (
    "databaseId copyCount itemCount total "
    "items { databaseId quantity unitPrice lineTotal book { databaseId title isbn price } }"
)
# What the GraphQL-over-HTTP draft recommends that a client sends.
GRAPHQL_ACCEPT = "application/graphql-response+json; charset=utf-8, application/json; charset=utf-8"
ORDER_FIELDS = "databaseId total copyCount itemCount lines { bookId title isbn quantity unitPrice lineTotal }"
COUNTED = "totalCount totalCountIsExact"


def graphql_book_filter(name: str) -> tuple[str, str]:
    """The GraphQL argument of the book filter ``name`` (REST's spelling) and its type."""
    argument = to_camel_case(name)
    return argument, str(schema.graphql_schema.query_type.fields["books"].args[argument].type)


@dataclass
class Outcome:
    data: Any
    errors: list[tuple[str | None, str]]


def snake(name: str | None) -> str | None:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower() if name else name


def normalise(value: Any) -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            key = "id" if key == "databaseId" else snake(key)
            if key == "edges":
                return [normalise(edge["node"]) for edge in item]
            out[key] = normalise(item)
        return out
    if isinstance(value, list):
        return [normalise(item) for item in value]
    return value


def _errors(items: list[dict]) -> list[tuple[str | None, str]]:
    return sorted(((snake(e.get("field")), e["code"]) for e in items), key=lambda pair: (pair[0] or "", pair[1]))


def _client(user) -> Client:
    client = Client()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    return client


def _book(data: dict) -> dict:
    keep = ("id", "title", "subtitle", "isbn", "price", "stock", "published_date", "description", "authors")
    return {k: data[k] for k in keep}


def _counted(data: dict) -> tuple[int, bool]:
    if "total_count" in data:
        return data["total_count"], data["total_count_is_exact"]
    return data["count"], data["count_exact"]


def _order(data: dict) -> dict:
    return {
        "id": data["id"],
        "total": data["total"],
        "copy_count": data["copy_count"],
        "item_count": data["item_count"],
        "lines": [
            {k: line[k] for k in ("book_id", "title", "isbn", "quantity", "unit_price", "line_total")}
            for line in data["lines"]
        ],
    }


class RestApi:
    name = "rest"

    def _call(self, user, method: str, path: str, body: dict | None = None, shape=None) -> Outcome:
        client = _client(user)
        response = client.generic(
            method, path, json.dumps(body) if body is not None else "", content_type="application/json"
        )
        if response.status_code == 204:
            return Outcome(None, [])
        payload = response.json()
        if response.status_code >= 400:
            return Outcome(None, _errors(payload["errors"]))
        return Outcome(shape(payload) if shape else payload, [])

    def book_list(self, user=None, **filters) -> Outcome:
        query = "&".join(f"{k}={v}" for k, v in filters.items())
        return self._call(user, "GET", f"/api/books/?{query}", shape=lambda p: [_book(b) for b in p["results"]])

    def book_get(self, book_id, user=None) -> Outcome:
        return self._call(user, "GET", f"/api/books/{book_id}/", shape=_book)

    def book_list_count(self, user=None, **filters) -> Outcome:
        """``(count, count_exact)`` of the book list, by page number and by cursor (the same or an error)."""
        query = "&".join(f"{k}={v}" for k, v in filters.items())
        by_page = self._call(user, "GET", f"/api/books/?{query}", shape=_counted)
        by_cursor = self._call(user, "GET", f"/api/books/?{query}&cursor=", shape=_counted)
        assert by_page == by_cursor, (by_page, by_cursor)
        return by_page

    def author_books_count(self, author_id, user=None) -> Outcome:
        return self._call(user, "GET", f"/api/books/?author={author_id}", shape=_counted)

    def author_list_count(self, user=None, **filters) -> Outcome:
        query = "&".join(f"{k}={v}" for k, v in filters.items())
        return self._call(user, "GET", f"/api/authors/?{query}", shape=_counted)

    def order_list_count(self, user) -> Outcome:
        return self._call(user, "GET", "/api/orders/", shape=_counted)

    def book_create(self, user, **fields) -> Outcome:
        return self._call(user, "POST", "/api/books/", fields, shape=_book)

    def book_update(self, user, book_id, **fields) -> Outcome:
        return self._call(user, "PATCH", f"/api/books/{book_id}/", fields, shape=_book)

    def book_delete(self, user, book_id) -> Outcome:
        return self._call(user, "DELETE", f"/api/books/{book_id}/")

    def author_list(self, user=None, **filters) -> Outcome:
        query = "&".join(f"{k}={v}" for k, v in filters.items())
        shape = lambda p: [{k: a[k] for k in ("id", "name", "bio", "book_count")} for a in p["results"]]  # noqa: E731
        return self._call(user, "GET", f"/api/authors/?{query}", shape=shape)

    def author_create(self, user, **fields) -> Outcome:
        return self._call(user, "POST", "/api/authors/", fields, shape=lambda a: {k: a[k] for k in ("name", "bio")})

    def author_update(self, user, author_id, **fields) -> Outcome:
        shape = lambda a: {k: a[k] for k in ("name", "bio")}  # noqa: E731
        return self._call(user, "PATCH", f"/api/authors/{author_id}/", fields, shape=shape)

    def author_delete(self, user, author_id) -> Outcome:
        return self._call(user, "DELETE", f"/api/authors/{author_id}/")

    def cart_get(self, user) -> Outcome:
        return self._call(user, "GET", "/api/cart/")

    def cart_item_add(self, user, book_id, quantity=1) -> Outcome:
        return self._call(user, "POST", "/api/cart/items/", {"book_id": book_id, "quantity": quantity})

    def cart_item_update(self, user, item_id, quantity) -> Outcome:
        return self._call(user, "PATCH", f"/api/cart/items/{item_id}/", {"quantity": quantity})

    def cart_item_remove(self, user, item_id) -> Outcome:
        return self._call(user, "DELETE", f"/api/cart/items/{item_id}/")

    def cart_clear(self, user) -> Outcome:
        return self._call(user, "DELETE", "/api/cart/")

    def checkout(self, user) -> Outcome:
        return self._call(user, "POST", "/api/cart/checkout/", shape=_order)

    def order_list(self, user) -> Outcome:
        return self._call(user, "GET", "/api/orders/", shape=lambda p: [_order(o) for o in p["results"]])

    def order_get(self, user, order_id) -> Outcome:
        return self._call(user, "GET", f"/api/orders/{order_id}/", shape=_order)

    def token_create(self, username, password) -> Outcome:
        return self._call(None, "POST", "/api/auth/token/", {"username": username, "password": password})


class GraphqlApi:
    name = "graphql"

    def _execute(self, user, query: str, variables: dict | None = None) -> dict:
        response = _client(user).post(
            "/graphql/",
            json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
            headers={"Accept": GRAPHQL_ACCEPT},
        )
        assert response["Content-Type"] == "application/graphql-response+json; charset=utf-8"
        payload = response.json()
        # GraphQL over HTTP: 200 once the operation ran, 400 when it was refused before running.
        assert response.status_code == (200 if "data" in payload else 400), (response.status_code, payload)
        return payload

    def _query(self, user, query: str, variables: dict, path: str, shape=None) -> Outcome:
        payload = self._execute(user, query, variables)
        if payload.get("errors"):
            errors = [
                {"field": e.get("extensions", {}).get("field"), "code": e.get("extensions", {}).get("code")}
                for e in payload["errors"]
            ]
            return Outcome(None, _errors(errors))
        data = normalise(payload["data"][path])
        return Outcome(shape(data) if shape else data, [])

    def _mutate(self, user, name: str, arguments: str, variables: dict, selection: str, result: str | None, shape=None):
        signature = ", ".join(f"${k}: {t}" for k, (t, _) in variables.items())
        call = ", ".join(f"{k}: ${k}" for k in variables)
        query = (
            f"mutation Op{'(' + signature + ')' if signature else ''} {{ {name}{'(' + call + ')' if call else ''} "
            f"{{ {selection} errors {{ field code message }} }} }}"
        )
        payload = self._execute(user, query, {k: v for k, (_, v) in variables.items()})
        assert "errors" not in payload, payload
        body = payload["data"][name]
        if body["errors"]:
            return Outcome(None, _errors(body["errors"]))
        data = normalise(body[result]) if result else None
        return Outcome(shape(data) if shape and data is not None else data, [])

    def _book_arguments(self, filters: dict) -> tuple[str, str, dict]:
        variables, declared, passed = {}, [], []
        for key, value in filters.items():
            if key == "in_stock":
                passed.append(f"inStock: {str(value).lower()}")
            elif key == "ordering":
                enum = ", ".join(
                    f"{part.lstrip('-').upper()}_{'DESC' if part.startswith('-') else 'ASC'}"
                    for part in value.split(",")
                )
                passed.append(f"orderBy: [{enum}]")
            elif key == "page_size":
                passed.append(f"first: {value}")
            else:
                argument, type_name = graphql_book_filter(key)
                declared.append(f"${argument}: {type_name}")
                passed.append(f"{argument}: ${argument}")
                variables[argument] = value
        signature = f"({', '.join(declared)})" if declared else ""
        args = f"({', '.join(passed)})" if passed else ""
        return signature, args, variables

    def book_list(self, user=None, **filters) -> Outcome:
        signature, args, variables = self._book_arguments(filters)
        query = f"query Books{signature} {{ books{args} {{ edges {{ node {{ {BOOK_FIELDS} }} }} }} }}"
        return self._query(user, query, variables, "books")

    def book_list_count(self, user=None, **filters) -> Outcome:
        signature, args, variables = self._book_arguments(filters)
        query = f"query Books{signature} {{ books{args} {{ {COUNTED} }} }}"
        return self._query(user, query, variables, "books", shape=_counted)

    def author_books_count(self, author_id, user=None) -> Outcome:
        query = f"query($id: ID!) {{ author(id: $id) {{ books {{ {COUNTED} }} }} }}"
        return self._query(user, query, {"id": str(author_id)}, "author", shape=lambda a: _counted(a["books"]))

    def author_list_count(self, user=None, **filters) -> Outcome:
        args = f"(search: {json.dumps(filters['search'])})" if "search" in filters else ""
        return self._query(user, f"{{ authors{args} {{ {COUNTED} }} }}", {}, "authors", shape=_counted)

    def order_list_count(self, user) -> Outcome:
        return self._query(user, f"{{ orders {{ {COUNTED} }} }}", {}, "orders", shape=_counted)

    def book_get(self, book_id, user=None) -> Outcome:
        return self._query(
            user, f"query($id: ID!) {{ book(id: $id) {{ {BOOK_FIELDS} }} }}", {"id": str(book_id)}, "book"
        )

    def _book_input(self, fields: dict) -> dict:
        types = {
            "title": "String",
            "subtitle": "String",
            "isbn": "String",
            "price": "String",
            "stock": "Int",
            "published_date": "Date",
            "description": "String",
            "author_ids": "[ID!]",
        }
        out = {}
        for key, value in fields.items():
            name = re.sub(r"_(\w)", lambda m: m.group(1).upper(), key)
            out[name] = (types[key], [str(v) for v in value] if key == "author_ids" else value)
        return out

    def book_create(self, user, **fields) -> Outcome:
        variables = self._book_input(fields)
        return self._mutate(user, "bookCreate", "", variables, f"book {{ {BOOK_FIELDS} }}", "book")

    def book_update(self, user, book_id, **fields) -> Outcome:
        variables = {"id": ("ID!", str(book_id)), **self._book_input(fields)}
        return self._mutate(user, "bookUpdate", "", variables, f"book {{ {BOOK_FIELDS} }}", "book")

    def book_delete(self, user, book_id) -> Outcome:
        return self._mutate(user, "bookDelete", "", {"id": ("ID!", str(book_id))}, "", None)

    def author_list(self, user=None, **filters) -> Outcome:
        passed = []
        if "search" in filters:
            passed.append(f"search: {json.dumps(filters['search'])}")
        if "ordering" in filters:
            value = filters["ordering"]
            passed.append(f"orderBy: [{value.lstrip('-').upper()}_{'DESC' if value.startswith('-') else 'ASC'}]")
        args = f"({', '.join(passed)})" if passed else ""
        return self._query(user, f"{{ authors{args} {{ edges {{ node {{ {AUTHOR_FIELDS} }} }} }} }}", {}, "authors")

    def author_create(self, user, **fields) -> Outcome:
        variables = {k: ("String", v) for k, v in fields.items()}
        return self._mutate(user, "authorCreate", "", variables, "author { name bio }", "author")

    def author_update(self, user, author_id, **fields) -> Outcome:
        variables = {"id": ("ID!", str(author_id)), **{k: ("String", v) for k, v in fields.items()}}
        return self._mutate(user, "authorUpdate", "", variables, "author { name bio }", "author")

    def author_delete(self, user, author_id) -> Outcome:
        return self._mutate(user, "authorDelete", "", {"id": ("ID!", str(author_id))}, "", None)

    def cart_get(self, user) -> Outcome:
        return self._query(user, f"{{ cart {{ {CART_FIELDS} }} }}", {}, "cart")

    def cart_item_add(self, user, book_id, quantity=1) -> Outcome:
        variables = {"bookId": ("ID!", str(book_id)), "quantity": ("Int", quantity)}
        selection = "cartItem { databaseId quantity unitPrice lineTotal book { databaseId title isbn price } }"
        return self._mutate(user, "cartItemAdd", "", variables, selection, "cartItem")

    def cart_item_update(self, user, item_id, quantity) -> Outcome:
        variables = {"id": ("ID!", str(item_id)), "quantity": ("Int!", quantity)}
        selection = "cartItem { databaseId quantity unitPrice lineTotal book { databaseId title isbn price } }"
        return self._mutate(user, "cartItemUpdate", "", variables, selection, "cartItem")

    def cart_item_remove(self, user, item_id) -> Outcome:
        return self._mutate(user, "cartItemRemove", "", {"id": ("ID!", str(item_id))}, "", None)

    def cart_clear(self, user) -> Outcome:
        return self._mutate(user, "cartClear", "", {}, "", None)

    def checkout(self, user) -> Outcome:
        return self._mutate(user, "checkout", "", {}, f"order {{ {ORDER_FIELDS} }}", "order", shape=_order)

    def order_list(self, user) -> Outcome:
        return self._query(
            user,
            f"{{ orders {{ edges {{ node {{ {ORDER_FIELDS} }} }} }} }}",
            {},
            "orders",
            shape=lambda orders: [_order(o) for o in orders],
        )

    def order_get(self, user, order_id) -> Outcome:
        query = f"query($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}"
        return self._query(user, query, {"id": str(order_id)}, "order", shape=_order)

    def token_create(self, username, password) -> Outcome:
        variables = {"username": ("String!", username), "password": ("String!", password)}
        return self._mutate(None, "tokenCreate", "", variables, "token", "token", shape=lambda t: {"token": t})
