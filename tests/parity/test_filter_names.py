"""Every filter comes from the shared FilterSet: the REST parameters, the GraphQL arguments and the
website's form name the same filters, with the FilterSet's help text and a type that fits it."""

from html.parser import HTMLParser
from pathlib import Path

import django_filters
import graphene
import pytest
import yaml
from graphene.utils.str_converters import to_camel_case

from api_graphql.filters import FilterArguments
from api_graphql.schema import schema
from api_rest.schema import filter_parameters
from catalog.filters import AuthorFilter, BookFilter, ObjectIdFilter, PlainDecimalFilter, TextFilter
from catalog.isbn import normalise_isbn
from catalog.models import Author, Book
from tests.factories import BookFactory

OPENAPI = yaml.safe_load((Path(__file__).parents[2] / "api_rest" / "openapi.yaml").read_text())
# What a list takes besides its filters: the page, and (REST) the sparse fieldset.
PAGE_PARAMETERS = {"page", "page_size", "cursor", "fields"}
PAGE_ARGUMENTS = {"first", "after", "last", "before"}
LISTS = [(BookFilter, "/api/books/", "books"), (AuthorFilter, "/api/authors/", "authors")]


def graphql_name(filter_name: str) -> str:
    """The rule: a filter's REST name in camelCase; the ordering is GraphQL's `orderBy`."""
    return "orderBy" if filter_name == "ordering" else to_camel_case(filter_name)


def rest_parameters(path: str) -> dict[str, dict]:
    parameters = OPENAPI["paths"][path]["get"]["parameters"]
    return {p["name"]: p for p in parameters if p["in"] == "query" and p["name"] not in PAGE_PARAMETERS}


def graphql_arguments(field: str) -> dict:
    arguments = schema.graphql_schema.query_type.fields[field].args
    return {name: argument for name, argument in arguments.items() if name not in PAGE_ARGUMENTS}


class _FormFields(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and "filters" in (attributes.get("class") or ""):
            self._in_form = True
        elif self._in_form and tag in ("input", "select", "textarea") and attributes.get("name"):
            self.names.append(attributes["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False


def website_form_fields(client) -> list[str]:
    parser = _FormFields()
    parser.feed(client.get("/").content.decode())
    return parser.names


@pytest.mark.parametrize(("filterset", "path", "field"), LISTS, ids=["books", "authors"])
def test_rest_and_graphql_name_the_filterset_filters(filterset, path, field):
    filters = set(filterset.base_filters)
    assert set(rest_parameters(path)) == filters
    assert set(graphql_arguments(field)) == {graphql_name(name) for name in filters}


def test_the_website_form_has_every_book_filter_once(client, db):
    names = website_form_fields(client)
    assert sorted(names) == sorted(BookFilter.base_filters)


@pytest.mark.parametrize(("filterset", "path", "field"), LISTS, ids=["books", "authors"])
def test_rest_and_graphql_describe_each_filter_with_its_help_text(filterset, path, field):
    parameters, arguments = rest_parameters(path), graphql_arguments(field)
    for name, filter_ in filterset.base_filters.items():
        help_text = str(filter_.field.help_text)
        assert help_text, f"{name} has no help text"
        assert help_text in parameters[name]["description"]
        assert help_text in arguments[graphql_name(name)].description


def test_the_author_filter_is_author_in_both_styles_and_takes_an_id():
    assert rest_parameters("/api/books/")["author"]["schema"]["type"] == "integer"
    assert str(graphql_arguments("books")["author"].type) == "ID"


def test_a_filter_added_to_the_filterset_reaches_both_apis_with_its_name_type_and_text():
    class WithSubtitle(BookFilter):
        subtitle = TextFilter(
            field_name="subtitle", max_length=40, label="Subtitle", help_text="Exactly this subtitle."
        )
        max_cost = PlainDecimalFilter(field_name="price", lookup_expr="lte", max_length=9, help_text="At most this.")
        co_author = ObjectIdFilter("author_links__author_id", target=Author, help_text="Also by this author.")

        class Meta(BookFilter.Meta):
            pass

    parameters = {p.name: p for p in filter_parameters(WithSubtitle)}
    assert parameters["subtitle"].type == {"type": "string", "pattern": TextFilter.pattern, "maxLength": 40}
    assert parameters["subtitle"].description == "Exactly this subtitle."
    assert parameters["max_cost"].type["maxLength"] == 9 and parameters["max_cost"].type["type"] == "string"
    assert parameters["co_author"].type["type"] == "integer"

    graphql = FilterArguments(WithSubtitle)
    arguments = graphql.arguments()
    assert arguments["subtitle"].type is graphene.String
    assert arguments["subtitle"].description == "Exactly this subtitle."
    assert arguments["co_author"].type is graphene.ID
    assert graphql.renames()["co_author"] == "coAuthor"
    # A global ID becomes the database id the FilterSet reads.
    assert graphql.data({"co_author": "QXV0aG9yOjQy", "subtitle": "Abc", "search": None}) == {
        "co_author": "42",
        "subtitle": "Abc",
    }


def test_a_filter_kind_the_adapters_cannot_translate_fails_loudly():
    class WithUnknownKind(BookFilter):
        title = django_filters.UUIDFilter(field_name="title", help_text="A UUID.")

        class Meta(BookFilter.Meta):
            pass

    with pytest.raises(TypeError, match="'title'"):
        filter_parameters(WithUnknownKind)
    with pytest.raises(TypeError, match="'title'"):
        FilterArguments(WithUnknownKind)


@pytest.mark.django_db
def test_the_website_lists_exactly_the_book_with_the_isbn_asked_for(client):
    books = BookFactory.create_batch(25)
    wanted = books[7]
    html = client.get("/", {"isbn": wanted.isbn}).content.decode()
    listed = [book.title for book in Book.objects.all() if f">{book.title}</a>" in html]
    assert listed == [wanted.title]
    assert "1 book ·" in html
    # ISBN-10 input finds the same book, as in both APIs.
    BookFactory(title="Dune", isbn=normalise_isbn("0441172717"))
    html = client.get("/", {"isbn": "0-441-17271-7"}).content.decode()
    assert ">Dune</a>" in html and f">{wanted.title}</a>" not in html


@pytest.mark.django_db
def test_the_website_filters_by_author_and_keeps_it_in_the_form(client, shelf):
    pratchett = shelf["authors"]["pratchett"]
    html = client.get("/", {"author": pratchett.pk}).content.decode()
    assert ">Mort</a>" in html and ">Good Omens</a>" in html and ">The Hobbit</a>" not in html
    assert f'name="author" value="{pratchett.pk}"' in html
