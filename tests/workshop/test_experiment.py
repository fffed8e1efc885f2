"""The experiment's tasks, its crossover plan and the grading of answers."""

import datetime
from collections import Counter

import pytest

from workshop.experiment import (
    TaskFileError,
    TaskUnavailable,
    expected_rows,
    grade,
    graphql_params,
    load_tasks,
    parameter_group,
    parse_tasks,
    plan,
    rest_target,
    rows_in,
)
from workshop.experiment import _Refused as Refused

TASK = {
    "slug": "one",
    "prompt": "The titles of the books by Ursula K. Le Guin.",
    "fields": ["title"],
    "filters": {"author": "Ursula K. Le Guin"},
    "solutions": {"rest": "/api/books/", "graphql": "{ books { edges { node { title } } } }"},
}


def grade_demo(slug, style, answer, variables=""):
    return grade(load_tasks()[slug], style, answer, variables, host="testserver", client_address="127.0.0.1")


def test_the_task_file_grades_eight_tasks_from_one_to_four_and_more_parameters():
    tasks = load_tasks()
    assert len(tasks) == 8
    groups = Counter(parameter_group(task.parameters) for task in tasks.values())
    assert groups == {"1": 2, "2": 2, "3": 2, "4+": 2}
    assert max(task.parameters for task in tasks.values()) == 5
    assert tasks["orwell-cheapest"].sorted_by == ("price",)
    assert tasks["orwell-cheapest"].field_names("graphql") == "title, price"
    assert tasks["asimov-later"].field_names("graphql") == "title, publishedDate"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"slug": "Not A Slug"}, "malformed"),
        ({"fields": ["title", "colour"]}, "must list some of"),
        ({"filters": {}}, "at least one parameter"),
        ({"filters": {"publisher": "Tor"}}, "not a parameter of the book list"),
        ({"filters": {"published_after": datetime.date(2000, 1, 1)}}, "quoted text"),
        ({"filters": {"ordering": "price"}}, "it sorts by price, so `fields` must show it"),
        ({"solutions": {"rest": "/api/books/"}}, "one request per style"),
        ({"hint": "try search"}, "unknown key"),
    ],
)
def test_a_malformed_task_is_refused_with_its_reason(change, message):
    with pytest.raises(TaskFileError, match=message):
        parse_tasks({"tasks": [dict(TASK, **change), dict(TASK, slug="two")]})


def test_an_odd_number_of_tasks_cannot_be_split_between_the_styles():
    with pytest.raises(TaskFileError, match="even number"):
        parse_tasks({"tasks": [TASK]})


SLUGS = [f"t{i}" for i in range(8)]


def test_each_participant_gets_every_task_once_half_in_each_style():
    for ordinal in range(6):
        tasks = plan(tasks=SLUGS, run_seed=7, ordinal=ordinal, participant_seed=100 + ordinal)
        assert sorted(slug for slug, _ in tasks) == SLUGS
        assert Counter(style for _, style in tasks) == {"rest": 4, "graphql": 4}


def test_the_two_of_a_pair_get_mirror_styles_so_each_task_is_done_both_ways():
    first = dict(plan(tasks=SLUGS, run_seed=7, ordinal=4, participant_seed=1))
    second = dict(plan(tasks=SLUGS, run_seed=7, ordinal=5, participant_seed=2))
    assert all(first[slug] != second[slug] for slug in SLUGS)


def test_the_plan_is_the_same_for_the_same_seeds_and_differs_between_participants():
    once = plan(tasks=SLUGS, run_seed=7, ordinal=0, participant_seed=42)
    assert plan(tasks=SLUGS, run_seed=7, ordinal=0, participant_seed=42) == once
    orders = {tuple(s for s, _ in plan(tasks=SLUGS, run_seed=7, ordinal=0, participant_seed=n)) for n in range(20)}
    assert len(orders) > 10  # the order is drawn per participant
    pairs = {tuple(plan(tasks=SLUGS, run_seed=7, ordinal=2 * n, participant_seed=0)) for n in range(20)}
    assert len(pairs) > 5  # and each pair's styles are drawn afresh


def test_rows_are_the_objects_that_have_all_the_fields_in_document_order():
    book = {"id": 1, "title": "A", "published_date": "2001-01-01", "authors": [{"name": "X"}]}
    rest = {"count": 1, "results": [book]}
    assert rows_in(rest, ["title", "published_date"]) == [{"title": "A", "published_date": "2001-01-01"}]
    graphql = {
        "authors": {
            "edges": [
                {"node": {"name": "X", "books": {"edges": [{"node": {"title": "B", "publishedDate": None}}]}}},
                {"node": {"name": "Y", "books": {"edges": [{"node": {"title": "C", "publishedDate": "1999-09-09"}}]}}},
            ]
        }
    }
    assert rows_in(graphql, ["title", "published_date"]) == [
        {"title": "B", "published_date": None},
        {"title": "C", "published_date": "1999-09-09"},
    ]
    assert rows_in(graphql, ["name"]) == [{"name": "X"}, {"name": "Y"}]  # not the books inside them
    assert rows_in(graphql, ["price"]) == []


@pytest.mark.parametrize(
    ("pasted", "target"),
    [
        ("/api/books/?search=dune", "/api/books/?search=dune"),
        ("  GET /api/books/?search=dune  ", "/api/books/?search=dune"),
        ("http://127.0.0.1:8000/api/books/?in_stock=true&format=api", "/api/books/?in_stock=true"),
        ("127.0.0.1:8000/api/authors/?search=Le%20Guin", "/api/authors/?search=Le+Guin"),
        ("api/books/12/", "api/books/12/"),
        ("/api/books/?format=json", "/api/books/"),
    ],
)
def test_a_pasted_rest_request_becomes_the_path_and_query_to_run(pasted, target):
    assert rest_target(pasted).lstrip("/") == target.lstrip("/")


@pytest.mark.parametrize(
    ("pasted", "code", "says"),
    [
        ("", "required", "Paste the URL"),
        ("POST /api/books/", "method_not_allowed", "A POST is not a read"),
        ("delete /api/books/3/", "method_not_allowed", "A DELETE is not a read"),
        ("/api/cart/", "permission_denied", "/api/cart/ is not a catalog read"),
        ("/api/orders/", "permission_denied", "not a catalog read"),
        ("/api/auth/token/", "permission_denied", "not a catalog read"),
        ("/admin/", "permission_denied", "not a catalog read"),
        ("/api/books", "permission_denied", "Paths end with /"),
        ("/graphql/?query={books{totalCount}}", "permission_denied", "not a catalog read"),
        ("/api/books/?search=le guin", "invalid", "without spaces"),
        ("ftp://example.org/api/books/", "invalid", "ftp: is not a web address"),
        ("javascript:alert(1)", "permission_denied", "not a catalog read"),
    ],
)
def test_a_rest_answer_that_is_not_a_catalog_get_is_refused(pasted, code, says):
    with pytest.raises(Refused) as refused:
        rest_target(pasted)
    assert refused.value.verdict.code == code
    assert says in refused.value.verdict.message


@pytest.mark.parametrize(
    ("query", "variables", "code", "says"),
    [
        ("", "", "required", "Paste your GraphQL query"),
        ("{ books { edges { node { title } }", "", "parse_error", "does not parse"),
        ("mutation { checkout { errors { code } } }", "", "method_not_allowed", "a mutation"),
        ("query A { me { username } } mutation B { cartClear { errors { code } } }", "", "method_not_allowed", ""),
        ("subscription { books }", "", "method_not_allowed", "subscription"),
        ("query A { me { username } } query B { me { username } }", "", "invalid", "exactly one query"),
        ("fragment F on Book { title }", "", "invalid", "the document has 0"),
        ("query Q($n: Int) { books(first: $n) { totalCount } }", "{first: 1}", "parse_error", "JSON object"),
        ("query Q($n: Int) { books(first: $n) { totalCount } }", "[1]", "parse_error", "JSON object"),
        ("query Q($n: Int) { books(first: $n) { totalCount } }", "[" * 4_000, "parse_error", "JSON object"),
    ],
)
def test_a_graphql_answer_that_is_not_one_query_is_refused(query, variables, code, says):
    with pytest.raises(Refused) as refused:
        graphql_params(query, variables)
    assert refused.value.verdict.code == code
    assert says in refused.value.verdict.message


@pytest.mark.django_db
def test_every_task_has_an_answer_in_the_demo_data(demo):
    for task in load_tasks().values():
        assert 1 <= len(expected_rows(task)) <= 20, task.slug  # one default page holds it in both styles


@pytest.mark.django_db
@pytest.mark.parametrize("style", ["rest", "graphql"])
@pytest.mark.parametrize("slug", list(load_tasks()))
def test_the_answer_key_solves_each_task_in_both_styles(demo, slug, style):
    verdict = grade_demo(slug, style, load_tasks()[slug].solutions[style])
    assert verdict.correct, verdict.message
    assert verdict.message.startswith("Correct: the ")


@pytest.mark.django_db
def test_a_correct_answer_with_other_fields_and_variables_is_still_correct(demo):
    query = "query Q($isbn: String!) { book(isbn: $isbn) { databaseId title price stock authors { name } } }"
    assert grade_demo("isbn-10", "graphql", query, '{"isbn": "0441172717"}').correct
    assert grade_demo("isbn-10", "rest", "/api/books/?isbn=9780441172719").correct


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("style", "answer", "code", "says"),
    [
        ("rest", "/api/books/?search=George%20Orwell&max_price=14.00", "invalid_ordering", "not in the order"),
        ("rest", "/api/books/?search=George%20Orwell&ordering=price", "invalid", "returned 4 rows; the answer has 3"),
        ("rest", "/api/authors/?search=Orwell", "invalid", "No object in the answer has all the fields title, price"),
        ("rest", "/api/books/?ordering=stock", "invalid_ordering", "The API answered with an error (HTTP 400)"),
        ("rest", "/api/books/?max_price=abc", "invalid", "HTTP 400"),
        ("rest", "/api/books/999999/", "not_found", "HTTP 404"),
        ("graphql", '{ books(search: "George Orwell") { edges { node { title } } } }', "invalid", "title, price"),
        ("graphql", "{ books { edges { node { titel } } } }", "invalid", "Cannot query field 'titel'"),
        ("graphql", "{ cart { total } }", "not_authenticated", "HTTP 200"),
    ],
)
def test_a_wrong_answer_says_what_is_wrong(demo, style, answer, code, says):
    verdict = grade_demo("orwell-cheapest", style, answer)
    assert not verdict.correct
    assert verdict.code == code
    assert says in verdict.message


@pytest.mark.django_db
def test_books_that_tie_on_the_ordering_may_come_in_any_order(demo):
    # Guards! Guards!, Mort and The Colour of Magic all cost 8.99: sorted by price, then by title reversed.
    task = parse_tasks(
        {
            "tasks": [
                dict(TASK, fields=["title", "price"], filters={"author": "Terry Pratchett", "ordering": "price"}),
                dict(TASK, slug="two"),
            ]
        }
    )["one"]
    answer = "/api/books/?search=Terry%20Pratchett&ordering=price,-title"
    assert grade(task, "rest", answer, host="testserver", client_address="127.0.0.1").correct
    wrong = "/api/books/?search=Terry%20Pratchett&ordering=-price"
    assert grade(task, "rest", wrong, host="testserver", client_address="127.0.0.1").code == "invalid_ordering"


@pytest.mark.django_db
def test_a_graded_request_changes_nothing(demo):
    from catalog.models import Book

    before = list(Book.objects.order_by("id").values_list("id", "stock", "price"))
    assert not grade_demo("orwell-cheapest", "rest", "DELETE /api/books/1/").correct
    assert not grade_demo("orwell-cheapest", "graphql", 'mutation { bookDelete(id: "1") { errors { code } } }').correct
    assert list(Book.objects.order_by("id").values_list("id", "stock", "price")) == before


@pytest.mark.django_db
def test_a_task_without_its_data_cannot_be_graded():
    with pytest.raises(TaskUnavailable, match=r"no author called Ursula K\. Le Guin"):
        expected_rows(load_tasks()["le-guin"])
    with pytest.raises(TaskUnavailable, match="seed_demo"):
        expected_rows(load_tasks()["sold-out-cheap"])
