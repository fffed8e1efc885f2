"""GraphiQL at /graphql/ in a real browser, with the network cut off from anything but the server."""

import json
import urllib.parse

import pytest
from rest_framework.authtoken.models import Token

from tests.factories import AuthorFactory, BookFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RUN = ".graphiql-execute-button"
RESULT = ".graphiql-response"


def result_json(page) -> dict:
    """The result pane's text as JSON, once it holds a complete answer."""
    page.wait_for_function(
        """() => {
            const pane = document.querySelector('.graphiql-response .CodeMirror');
            const text = pane && pane.CodeMirror ? pane.CodeMirror.getValue() : '';
            try { const value = JSON.parse(text); return 'data' in value || 'errors' in value; }
            catch (e) { return false; }
        }""",
        timeout=15_000,
    )
    return json.loads(page.evaluate("document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue()"))


@pytest.fixture
def shelf(db):
    le_guin = AuthorFactory(name="Ursula K. Le Guin")
    BookFactory(title="The Dispossessed", authors=[le_guin])
    BookFactory(title="The Left Hand of Darkness", authors=[le_guin])


def test_graphiql_runs_the_example_query_and_shows_books(page, shelf):
    response = page.goto("/graphql/")
    assert response.ok
    page.wait_for_selector(RUN, timeout=15_000)
    page.click(RUN)
    answer = result_json(page)
    assert "errors" not in answer
    titles = [edge["node"]["title"] for edge in answer["data"]["books"]["edges"]]
    assert titles == ["The Dispossessed", "The Left Hand of Darkness"]
    assert "The Dispossessed" in page.locator(RESULT).inner_text()
    assert page.blocked_requests == []
    assert page.js_errors == []


def test_graphiql_runs_a_query_from_the_url(page, shelf):
    query = "{ books(first: 1) { totalCount edges { node { title authors { name } } } } }"
    page.goto("/graphql/?" + urllib.parse.urlencode({"query": query}))
    page.wait_for_selector(RUN, timeout=15_000)
    page.click(RUN)
    answer = result_json(page)
    assert answer["data"]["books"] == {
        "totalCount": 2,
        "edges": [{"node": {"title": "The Dispossessed", "authors": [{"name": "Ursula K. Le Guin"}]}}],
    }
    assert page.blocked_requests == []
    assert page.js_errors == []


def sign_in(page, username: str) -> None:
    """A new user's token in GraphiQL's header editor, as it keeps it between visits
    (GraphiQL's own key and the page's copy)."""
    token = Token.objects.create(user=UserFactory(username=username)).key
    headers = json.dumps({"Authorization": f"Token {token}"})
    page.add_init_script(
        f"localStorage.setItem('graphiql:headers', {json.dumps(headers)});"
        f"localStorage.setItem('hybrid-graphiql:headers', {json.dumps(headers)});"
    )


def test_graphiql_with_a_token_header_shows_the_user(page, live_server):
    sign_in(page, "alice")
    page.goto("/graphql/?" + urllib.parse.urlencode({"query": "{ me { username } }"}))
    page.wait_for_selector(RUN, timeout=15_000)
    page.click(RUN)
    assert result_json(page)["data"] == {"me": {"username": "alice"}}
    assert page.blocked_requests == []
    assert page.js_errors == []


def test_graphiql_signed_out_me_is_null(page, db):
    page.goto("/graphql/?" + urllib.parse.urlencode({"query": "{ me { username } }"}))
    page.wait_for_selector(RUN, timeout=15_000)
    page.click(RUN)
    assert result_json(page)["data"] == {"me": None}
    assert page.js_errors == []


def test_graphiql_header_editor_sends_the_token(page, live_server):
    user = UserFactory(username="bob")
    token = Token.objects.create(user=user).key
    page.goto("/graphql/?" + urllib.parse.urlencode({"query": "{ me { username } }"}))
    page.wait_for_selector(RUN, timeout=15_000)
    page.get_by_role("button", name="Headers").click()
    editor = page.locator(".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror")
    editor.wait_for(timeout=5_000)
    editor.evaluate("(node, text) => node.CodeMirror.setValue(text)", json.dumps({"Authorization": f"Token {token}"}))
    page.click(RUN)
    assert result_json(page)["data"] == {"me": {"username": "bob"}}
    assert page.blocked_requests == []
    assert page.js_errors == []


def test_graphiql_asks_for_graphql_response_json(page, shelf):
    page.goto("/graphql/?" + urllib.parse.urlencode({"query": "{ books(first: 1) { totalCount } }"}))
    page.wait_for_selector(RUN, timeout=15_000)
    with page.expect_response(lambda r: "totalCount" in (r.request.post_data or "")) as exchange:
        page.click(RUN)
    response = exchange.value
    assert response.request.headers["accept"].startswith("application/graphql-response+json")
    assert response.status == 200
    assert response.headers["content-type"] == "application/graphql-response+json; charset=utf-8"
    assert result_json(page)["data"] == {"books": {"totalCount": 2}}


def test_graphiql_shows_the_errors_of_a_document_refused_with_400(page, db):
    # More aliases than the limit: GraphiQL's own checks pass, the server refuses it before running it.
    query = "{ " + " ".join(f"a{i}: me {{ username }}" for i in range(16)) + " }"
    page.goto("/graphql/?" + urllib.parse.urlencode({"query": query}))
    page.wait_for_selector(RUN, timeout=15_000)
    with page.expect_response(lambda r: "a15" in (r.request.post_data or "")) as exchange:
        page.click(RUN)
    assert exchange.value.status == 400
    answer = result_json(page)
    assert "data" not in answer
    assert answer["errors"][0]["extensions"]["code"] == "query_too_complex"
    assert page.js_errors == []


def test_graphiql_marks_a_deprecated_field_and_still_runs_it(page, live_server):
    sign_in(page, "alice")
    page.goto("/graphql/?" + urllib.parse.urlencode({"query": "{ cart { itemCount copyCount } }"}))
    page.wait_for_selector(RUN, timeout=15_000)
    # The editor lints the document against the schema it introspected: the old name is flagged.
    marks = page.locator(".graphiql-query-editor .CodeMirror-lint-mark-warning")
    mark = marks.filter(has_text="itemCount")
    mark.wait_for(timeout=15_000)
    assert "".join(marks.all_inner_texts()).strip() == "itemCount"  # copyCount is not marked
    mark.hover()
    tooltip = page.locator(".CodeMirror-lint-tooltip")
    tooltip.wait_for(timeout=5_000)
    assert "deprecated" in tooltip.inner_text() and "copyCount" in tooltip.inner_text()
    page.click(RUN)
    assert result_json(page)["data"] == {"cart": {"itemCount": 0, "copyCount": 0}}
    assert page.blocked_requests == []
    assert page.js_errors == []
