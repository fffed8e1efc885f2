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


@dataclass(frozen=True)
class DeepPage:
    """Where the deep page starts: page ``number`` of 100 books, and the cursor of the row before it."""

    number: int
    cursor: str


def build_cases(*, book_id: int, token: str, isbn: str, deep: DeepPage) -> list[Case]:
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
            "search-count",
            "Filtered search with its count (titles only in GraphQL)",
            (
                Variant("baseline", "GET", "/bench/baseline/books/?search=river"),
                Variant("rest", "GET", "/api/books/?search=river"),
                graphql(
                    'query SearchCount { books(search: "river") '
                    "{ totalCount totalCountIsExact edges { node { title } } } }"
                ),
            ),
            group="scale",
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
            "isbn",
            "One book by ISBN (REST: ?search=ISBN)",
            (
                Variant("baseline", "GET", f"/bench/baseline/books/?isbn={isbn}"),
                Variant("rest", "GET", f"/api/books/?search={isbn}"),
                graphql(f"query Isbn($isbn: String!) {{ book(isbn: $isbn) {{ {BOOK_NODE} }} }}", {"isbn": isbn}),
            ),
        ),
        Case(
            "deep-page",
            f"Page {deep.number:,} of 100 books (keyset cursor; rest-offset: ?page=)",
            (
                Variant("baseline", "GET", f"/bench/baseline/books/?page_size=100&cursor={deep.cursor}"),
                Variant("rest", "GET", f"/api/books/?page_size=100&cursor={deep.cursor}"),
                graphql(
                    "query Deep($after: String) { books(first: 100, after: $after) "
                    f"{{ edges {{ node {{ {BOOK_NODE} }} }} }} }}",
                    {"after": deep.cursor},
                ),
                Variant("rest-offset", "GET", f"/api/books/?page_size=100&page={deep.number}"),
            ),
        ),
    ]
    off = {"X-Query-Optimization": "off"}
    books = f"query Books {{ books(first: 50) {{ edges {{ node {{ {BOOK_NODE} }} }} }} }}"
    cases.append(
        Case(
            "n+1",
            "Books page of 50 with the query optimisations switched off (REQUEST_METRICS on)",
            (
                Variant("baseline", "GET", "/bench/baseline/books/?page_size=50"),
                Variant("rest", "GET", "/api/books/?page_size=50"),
                Variant("rest-n+1", "GET", "/api/books/?page_size=50", headers=off),
                graphql(books),
                Variant("graphql-n+1", "POST", "/graphql/", {"query": books, "variables": {}}, headers=off),
            ),
            group="n+1",
        )
    )
    return cases
