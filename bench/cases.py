"""What the benchmark measures: each case in three variants answering the same rows."""

import json
from dataclasses import dataclass, field

BOOK_NODE = (
    "databaseId title subtitle isbn price stock publishedDate description createdAt updatedAt "
    "authors { databaseId name }"
)


@dataclass(frozen=True)
class Variant:
    name: str  # baseline | rest | graphql | rest-n+1 | graphql-n+1
    method: str
    path: str
    body: dict | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def body_bytes(self) -> bytes | None:
        return json.dumps(self.body).encode() if self.body is not None else None


@dataclass(frozen=True)
class Case:
    name: str
    title: str
    variants: tuple[Variant, ...]
    group: str = "main"


def graphql(query: str, variables: dict | None = None, **kwargs) -> Variant:
    return Variant("graphql", "POST", "/graphql/", {"query": query, "variables": variables or {}}, **kwargs)


def build_cases(*, book_id: int, token: str) -> list[Case]:
    auth = {"Authorization": f"Token {token}"}
    cases = []
    for size in (10, 50, 100):
        cases.append(
            Case(
                f"books-{size}",
                f"Books page of {size} with authors",
                (
                    Variant("baseline", "GET", f"/bench/baseline/books/?page_size={size}"),
                    Variant("rest", "GET", f"/api/books/?page_size={size}"),
                    graphql(f"query Books {{ books(first: {size}) {{ edges {{ node {{ {BOOK_NODE} }} }} }} }}"),
                ),
            )
        )
    cases += [
        Case(
            "book-by-id",
            "One book by id",
            (
                Variant("baseline", "GET", f"/bench/baseline/books/{book_id}/"),
                Variant("rest", "GET", f"/api/books/{book_id}/"),
                graphql(f"query Book($id: ID!) {{ book(id: $id) {{ {BOOK_NODE} }} }}", {"id": str(book_id)}),
            ),
        ),
        Case(
            "search",
            "Filtered search, ordered by price",
            (
                Variant(
                    "baseline", "GET", "/bench/baseline/books/?search=river&in_stock=true&ordering=-price&page_size=20"
                ),
                Variant("rest", "GET", "/api/books/?search=river&in_stock=true&ordering=-price&page_size=20"),
                graphql(
                    'query Search { books(search: "river", inStock: true, orderBy: [PRICE_DESC], first: 20) '
                    f"{{ edges {{ node {{ {BOOK_NODE} }} }} }} }}"
                ),
            ),
        ),
        Case(
            "cart",
            "The signed-in cart with totals",
            (
                Variant("baseline", "GET", "/bench/baseline/cart/", headers=auth),
                Variant("rest", "GET", "/api/cart/", headers=auth),
                graphql(
                    "query Cart { cart { databaseId itemCount total items { databaseId quantity unitPrice lineTotal "
                    "book { databaseId title isbn price } } } }",
                    headers=auth,
                ),
            ),
        ),
        Case(
            "deep-page",
            "Page 1,000 of 100 books",
            (
                Variant("baseline", "GET", "/bench/baseline/books/?page_size=100&page=1000"),
                Variant("rest", "GET", "/api/books/?page_size=100&page=1000"),
                graphql(
                    "query Deep($after: String) { books(first: 100, after: $after) "
                    f"{{ edges {{ node {{ {BOOK_NODE} }} }} }} }}",
                    {"after": "DEEP_CURSOR"},
                ),
            ),
        ),
    ]
    return cases
