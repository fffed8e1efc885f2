"""What the benchmark measures: each case in three variants answering the same rows.

Catalog reads are cached by default (config/read_cache.py), so every variant of the
uncached cases sends ``Cache-Control: no-cache``: the server then runs the view and the
queries as a cache miss does, and the ratios keep meaning the cost of the API's work
against the hand-written baseline's. The ``cached-page`` case measures the cache itself:
the same page cold (no-cache), warm (from the shared cache) and revalidated (304), in
both styles and in every GraphQL transport.
"""

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from urllib.parse import urlencode

BOOK_NODE = (
    "databaseId title subtitle isbn price stock publishedDate description createdAt updatedAt "
    "authors { databaseId name }"
)


@dataclass(frozen=True)
class Variant:
    name: str  # baseline | rest | graphql | rest-n+1 | graphql-n+1 | <style>-cold|warm|304
    method: str
    path: str
    body: dict | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # What the server must answer (checked before the variant is measured): the status, and
    # the X-Cache state of a catalog read ("miss", "hit", "revalidated"; None: not a catalog read).
    status: int = 200
    cache: str | None = None
    # A 304 variant: run.py fetches the ETag with the same request and sends it as If-None-Match.
    revalidate: bool = False
    # A persisted GET: the body run.py POSTs to /graphql/ first, to register the document.
    register: dict | None = None

    def body_bytes(self) -> bytes | None:
        return json.dumps(self.body).encode() if self.body is not None else None

    def with_headers(self, **headers: str) -> "Variant":
        return dataclasses.replace(self, headers={**self.headers, **headers})


@dataclass(frozen=True)
class Case:
    name: str
    title: str
    variants: tuple[Variant, ...]
    group: str = "main"


def graphql(query: str, variables: dict | None = None, **kwargs) -> Variant:
    return Variant("graphql", "POST", "/graphql/", {"query": query, "variables": variables or {}}, **kwargs)


NO_CACHE = {"Cache-Control": "no-cache"}


def uncached(case: Case) -> Case:
    """Every variant with ``Cache-Control: no-cache``: catalog reads run as a cache miss."""
    variants = []
    for variant in case.variants:
        variant = variant.with_headers(**NO_CACHE)
        if variant.name != "baseline" and "Authorization" not in variant.headers:
            variant = dataclasses.replace(variant, cache="miss")
        variants.append(variant)
    return dataclasses.replace(case, variants=tuple(variants))


CACHED_CASE = "cached-page"
CACHED_SIZE = 50
CACHED_QUERY = f"query CachedPage {{ books(first: {CACHED_SIZE}) {{ totalCount edges {{ node {{ {BOOK_NODE} }} }} }} }}"
STATES = {"cold": "miss", "warm": "hit", "304": "revalidated"}
FLOOR = "healthz"


def cached_page() -> Case:
    """One catalog page (50 books, authors, the count): cold, warm and 304, REST and GraphQL.

    cold sends ``Cache-Control: no-cache`` (the view runs, the answer is stored), warm is
    the plain request (answered from the shared cache), 304 sends the ETag of the warm
    answer as ``If-None-Match``. A GraphQL POST is never revalidated (HTTP caches only GETs).
    ``healthz`` is the floor no cached answer can beat.
    """
    json_only = {"Accept": "application/json"}
    query_get = "/graphql/?" + urlencode({"query": CACHED_QUERY})
    digest = hashlib.sha256(CACHED_QUERY.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    persisted_get = "/graphql/?" + urlencode({"extensions": json.dumps(extensions, separators=(",", ":"))})
    styles = {
        "rest": Variant("rest", "GET", f"/api/books/?page_size={CACHED_SIZE}"),
        "graphql-post": Variant("graphql-post", "POST", "/graphql/", {"query": CACHED_QUERY, "variables": {}}),
        "graphql-get": Variant("graphql-get", "GET", query_get),
        "persisted": Variant(
            "persisted", "GET", persisted_get, register={"query": CACHED_QUERY, "extensions": extensions}
        ),
    }
    variants = [
        Variant("baseline", "GET", f"/bench/baseline/books/?page_size={CACHED_SIZE}", headers=NO_CACHE),
        # The floor: the least a request costs on this stack (gunicorn, every middleware, a tiny JSON answer).
        Variant(FLOOR, "GET", "/healthz"),
    ]
    for style, variant in styles.items():
        for state, expected in STATES.items():
            if state == "304" and variant.method != "GET":
                continue
            headers = {**json_only, **(NO_CACHE if state == "cold" else {})}
            variants.append(
                dataclasses.replace(
                    variant,
                    name=f"{style}-{state}",
                    headers=headers,
                    status=304 if state == "304" else 200,
                    cache=expected,
                    revalidate=state == "304",
                )
            )
    return Case(
        CACHED_CASE,
        f"A page of {CACHED_SIZE} books with authors and the count: cold (no-cache), warm (shared cache), 304",
        tuple(variants),
        group="main",
    )


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
                    graphql(
                        f"query Books {{ books(first: {size}) {{ totalCount edges {{ node {{ {BOOK_NODE} }} }} }} }}"
                    ),
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
                    f"{{ totalCount edges {{ node {{ {BOOK_NODE} }} }} }} }}"
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
                    "query Cart { cart { databaseId copyCount total items { databaseId quantity unitPrice lineTotal "
                    "book { databaseId title isbn price } } } }",
                    headers=auth,
                ),
            ),
        ),
        Case(
            "isbn",
            "One book by ISBN: the exact filter, a list with its count",
            (
                Variant("baseline", "GET", f"/bench/baseline/books/?isbn={isbn}"),
                Variant("rest", "GET", f"/api/books/?isbn={isbn}"),
                graphql(
                    "query Isbn($isbn: String!) { books(isbn: $isbn) "
                    f"{{ totalCount edges {{ node {{ {BOOK_NODE} }} }} }} }}",
                    {"isbn": isbn},
                ),
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
                    f"{{ totalCount edges {{ node {{ {BOOK_NODE} }} }} }} }}",
                    {"after": deep.cursor},
                ),
                Variant("rest-offset", "GET", f"/api/books/?page_size=100&page={deep.number}"),
            ),
        ),
    ]
    off = {"X-Query-Optimization": "off"}
    books = f"query Books {{ books(first: 50) {{ totalCount edges {{ node {{ {BOOK_NODE} }} }} }} }}"
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
    return [uncached(case) for case in cases] + [cached_page()]
