import pytest

from catalog.models import Book
from tests.api_graphql.conftest import gid, payload_codes

pytestmark = pytest.mark.django_db

MUTATION = """mutation($title: String, $subtitle: String, $isbn: String, $price: String, $stock: Int,
                       $publishedDate: Date, $description: String, $authorIds: [ID!]) {
  bookCreate(title: $title, subtitle: $subtitle, isbn: $isbn, price: $price, stock: $stock,
             publishedDate: $publishedDate, description: $description, authorIds: $authorIds) {
    book { id databaseId title subtitle isbn price stock publishedDate description authors { name } }
    errors { field code message }
  }
}"""

VALID = {"title": "Django for APIs", "isbn": "978-1-7354672-2-1", "price": "39.99", "stock": 3}


def create(gql, user, **variables):
    return gql(MUTATION, variables, user=user).payload("bookCreate")


def test_book_create(gql, staff, author):
    other = author.__class__.objects.create(name="Second")
    payload = create(
        gql,
        staff,
        **VALID,
        subtitle="Build web APIs",
        publishedDate="2022-01-01",
        description="A book.",
        authorIds=[str(other.pk), gid("Author", author.pk)],  # database id and global id, in cover order
    )
    assert payload["errors"] == []
    book = Book.objects.get()
    assert payload["book"] == {
        "id": gid("Book", book.pk),
        "databaseId": book.pk,
        "title": "Django for APIs",
        "subtitle": "Build web APIs",
        "isbn": "9781735467221",
        "price": "39.99",
        "stock": 3,
        "publishedDate": "2022-01-01",
        "description": "A book.",
        "authors": [{"name": "Second"}, {"name": "Ursula K. Le Guin"}],
    }


def test_book_create_converts_isbn_10_and_defaults_the_rest(gql, staff):
    payload = create(gql, staff, title="Minimal", isbn="0-306-40615-2", price="0")
    assert payload["errors"] == []
    assert payload["book"]["isbn"] == "9780306406157"
    assert (payload["book"]["price"], payload["book"]["stock"], payload["book"]["publishedDate"]) == ("0.00", 0, None)


def test_book_create_carries_broken_rules_in_the_payload_in_camel_case(gql, staff):
    # The rules themselves are tested in tests/catalog; here, how GraphQL carries them.
    answer = gql(MUTATION, {**VALID, "price": "-1", "authorIds": ["424242"]}, user=staff)
    assert answer.status == 200
    assert answer.errors == []
    assert answer.response["Content-Type"].startswith("application/graphql-response+json")
    payload = answer.payload("bookCreate")
    assert payload["book"] is None
    assert payload_codes(payload) == [("authorIds", "not_found"), ("price", "invalid_price")]
    assert all(e["message"] for e in payload["errors"])
    assert not Book.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        # Explicit nulls, a Date the scalar cannot parse and an ID that is neither kind reach the payload too.
        ({"price": None, "isbn": None}, [("isbn", "required"), ("price", "required")]),
        ({"publishedDate": "soon"}, [("publishedDate", "invalid")]),
        ({"publishedDate": "2022-02-30"}, [("publishedDate", "invalid")]),
        ({"authorIds": ["abc"]}, [("authorIds", "invalid")]),
    ],
)
def test_book_create_invalid_variables_reach_the_payload(gql, staff, overrides, errors):
    payload = create(gql, staff, **{**VALID, **overrides})
    assert payload["book"] is None
    assert payload_codes(payload) == errors
    assert not Book.objects.exists()


def test_book_create_duplicate_isbn(gql, staff, book):
    payload = create(gql, staff, **{**VALID, "isbn": book.isbn})
    assert payload_codes(payload) == [("isbn", "duplicate_isbn")]
    assert Book.objects.count() == 1


def test_book_create_needs_staff(gql, alice):
    assert payload_codes(create(gql, alice, **VALID)) == [(None, "permission_denied")]
    assert payload_codes(create(gql, None, **VALID)) == [(None, "not_authenticated")]
    # Permissions come before the shape of the input.
    assert payload_codes(create(gql, None, title=None)) == [(None, "not_authenticated")]
    assert not Book.objects.exists()


def test_a_failed_mutation_does_not_undo_an_earlier_one(gql, staff):
    document = """mutation {
      ok: bookCreate(title: "Kept", isbn: "9780306406157", price: "5") { book { title } errors { code } }
      bad: bookCreate(title: "Dropped", isbn: "9780306406157", price: "5") { book { title } errors { code } }
    }"""
    answer = gql(document, user=staff)
    assert answer.data == {
        "ok": {"book": {"title": "Kept"}, "errors": []},
        "bad": {"book": None, "errors": [{"code": "duplicate_isbn"}]},
    }
    assert list(Book.objects.values_list("title", flat=True)) == ["Kept"]


def test_book_create_wrong_argument_types_are_refused_before_execution(gql, staff):
    answer = gql(
        'mutation { bookCreate(title: "X", isbn: "9780306406157", price: "1", stock: "many") { errors { code } } }',
        user=staff,
    )
    assert answer.status == 400
    assert answer.codes == [(None, "invalid")]
    assert not Book.objects.exists()


def test_everything_a_failing_mutation_wrote_is_rolled_back(gql, staff, monkeypatch):
    from catalog import services
    from catalog.errors import ErrorCode, error

    def writes_then_fails(**kwargs):
        services.book_create(**kwargs)
        raise error("isbn", "Refused after writing.", ErrorCode.INVALID_ISBN)

    monkeypatch.setattr("api_graphql.mutations.book_create", writes_then_fails)
    payload = create(gql, staff, **VALID)
    assert payload_codes(payload) == [("isbn", "invalid_isbn")]
    assert not Book.objects.exists()
