"""The timed experiment after Brito & Valente (ICSA 2020): its tasks, who gets which style, grading.

A participant answers a task with the request that answers it: a REST URL or a GraphQL
query. The server runs that request in this process, read-only (inside a transaction it
rolls back) and as an anonymous client charged to the participant's own budget, then
compares the rows it returned with the rows the catalog's selectors give for the task.
"""

import json
import random
import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.urls import Resolver404, resolve
from graphql import GraphQLSyntaxError, OperationType, parse
from graphql.language import OperationDefinitionNode

from catalog.errors import ErrorCode
from catalog.filters import BOOK_ORDERING_FIELDS, BookFilter
from catalog.selectors import author_list, book_list

from .registry import STYLES
from .runner import GRAPHQL_PATH, InProcessTransport, error_codes

TASKS_FILE = Path(__file__).with_name("experiment.yaml")
BOOK_FIELDS = ("title", "subtitle", "isbn", "price", "stock", "published_date")
# What the paper reported: 22 students, eight queries, median minutes per query.
PAPER = {"participants": 22, "tasks": 8, "rest": 9.0, "graphql": 6.0}
MAX_ANSWER_LENGTH = 10_000
MAX_VARIABLES_LENGTH = 5_000
# The REST views an answer may name (url names of api_rest.urls): reads of the catalog only.
CATALOG_READS = {"api-books", "api-book", "api-authors", "api-author"}
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,49}$")
_METHOD = re.compile(r"^([A-Za-z]+)\s+(?=\S)")
_HTTP_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


class TaskFileError(ValueError):
    """experiment.yaml declares something the experiment cannot ask."""


class TaskUnavailable(RuntimeError):
    """The catalog lacks the data a task is about (the demo data is not loaded)."""


@dataclass(frozen=True)
class Task:
    slug: str
    prompt: str
    fields: tuple[str, ...]
    filters: dict[str, str]
    solutions: dict[str, str] = field(default_factory=dict)

    @property
    def parameters(self) -> int:
        return len(self.filters)

    @property
    def sorted_by(self) -> tuple[str, ...]:
        ordering = self.filters.get("ordering", "")
        return tuple(term.lstrip("-") for term in ordering.split(",")) if ordering else ()

    def field_names(self, style: str) -> str:
        """The answer's fields as that style spells them."""
        names = self.fields if style == "rest" else [camel_case(name) for name in self.fields]
        return ", ".join(names)


def parameter_group(parameters: int) -> str:
    """The paper's grading of queries: 1, 2, 3, then 4 or more parameters together."""
    return "4+" if parameters >= 4 else str(parameters)


PARAMETER_GROUPS = ("1", "2", "3", "4+")


def camel_case(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def snake_case(name: str) -> str:
    return _CAMEL.sub("_", name).lower()


def parse_tasks(data: Any) -> dict[str, Task]:
    raw_tasks = data.get("tasks") if isinstance(data, dict) else None
    if not isinstance(raw_tasks, list) or not raw_tasks:
        raise TaskFileError("the file needs a list of `tasks`")
    if len(raw_tasks) % 2:
        raise TaskFileError(f"{len(raw_tasks)} tasks: each participant does half in each style, so give an even number")
    tasks: dict[str, Task] = {}
    for index, raw in enumerate(raw_tasks):
        if not isinstance(raw, dict):
            raise TaskFileError(f"tasks[{index}] must be a mapping")
        slug = raw.get("slug")
        if not isinstance(slug, str) or not _SLUG.match(slug) or slug in tasks:
            raise TaskFileError(f"tasks[{index}]: slug {slug!r} is missing, malformed or repeated")
        unknown = sorted(set(raw) - {"slug", "prompt", "fields", "filters", "solutions"})
        if unknown:
            raise TaskFileError(f"{slug}: unknown key(s) {', '.join(unknown)}")
        prompt = raw.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise TaskFileError(f"{slug}: no prompt")
        fields = raw.get("fields")
        if not isinstance(fields, list) or not fields or any(f not in BOOK_FIELDS for f in fields):
            raise TaskFileError(f"{slug}: `fields` must list some of {', '.join(BOOK_FIELDS)}")
        filters = raw.get("filters")
        if not isinstance(filters, dict) or not filters:
            raise TaskFileError(f"{slug}: `filters` must name at least one parameter")
        for name, value in filters.items():
            if name not in BookFilter.base_filters:
                raise TaskFileError(f"{slug}: {name!r} is not a parameter of the book list")
            if not isinstance(value, str):
                raise TaskFileError(f"{slug}: the value of {name} must be quoted text, not {value!r}")
        solutions = raw.get("solutions") or {}
        if set(solutions) != set(STYLES) or not all(isinstance(s, str) and s.strip() for s in solutions.values()):
            raise TaskFileError(f"{slug}: `solutions` needs one request per style (rest, graphql)")
        task = Task(slug, " ".join(prompt.split()), tuple(fields), dict(filters), dict(solutions))
        for name in task.sorted_by:
            if name not in BOOK_ORDERING_FIELDS or name not in task.fields:
                raise TaskFileError(f"{slug}: it sorts by {name}, so `fields` must show it (and the list offer it)")
        tasks[slug] = task
    return tasks


@cache
def load_tasks(path: Path = TASKS_FILE) -> dict[str, Task]:
    return parse_tasks(yaml.safe_load(path.read_text(encoding="utf-8")))


def plan(*, tasks: Sequence[str], run_seed: int, ordinal: int, participant_seed: int) -> list[tuple[str, str]]:
    """The participant's tasks as ``(slug, style)`` in the order they meet them.

    Half the tasks in each style. Participants pair up in join order (0 with 1, 2 with 3):
    the run's seed draws the pair's styles and the second of the pair gets the mirror image,
    so each pair does every task once in each style. The participant's seed draws the order.
    """
    slugs = sorted(tasks)
    rest = set(random.Random(f"{run_seed}:{ordinal // 2}").sample(slugs, len(slugs) // 2))
    mirrored = ordinal % 2 == 1
    order = list(slugs)
    random.Random(participant_seed).shuffle(order)
    return [(slug, "rest" if (slug in rest) != mirrored else "graphql") for slug in order]


# Grading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    correct: bool
    message: str
    code: str = ""


class _Refused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.verdict = Verdict(False, message, str(code))


def rest_target(text: str) -> str:
    """The path and query of a pasted REST request, refused unless it is a GET of the catalog."""
    text = text.strip()
    if not text:
        raise _Refused(ErrorCode.REQUIRED, "Paste the URL of your GET request, e.g. /api/books/?search=dune.")
    method = _METHOD.match(text)
    if method and method.group(1).upper() in _HTTP_METHODS:
        if method.group(1).upper() != "GET":
            raise _Refused(
                ErrorCode.METHOD_NOT_ALLOWED,
                f"A {method.group(1).upper()} is not a read: only GET requests of the catalog answer a task.",
            )
        text = text[method.end() :]
    if any(char.isspace() for char in text):
        raise _Refused(ErrorCode.INVALID, "Paste one URL, without spaces (write a space as %20).")
    if "://" not in text and not text.startswith("/"):
        first = text.split("/", 1)[0]
        # "127.0.0.1:8000/api/..." names a host; "api/books/" is a path without its slash.
        text = ("//" if "." in first or ":" in first or first == "localhost" else "/") + text
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in ("", "http", "https"):
        raise _Refused(ErrorCode.INVALID, f"{parts.scheme}: is not a web address: paste an http URL or a path.")
    try:
        match = resolve(urllib.parse.unquote(parts.path or "/"))
    except Resolver404:
        match = None
    if match is None or match.url_name not in CATALOG_READS:
        raise _Refused(
            ErrorCode.PERMISSION_DENIED,
            f"{parts.path or '/'} is not a catalog read: answer with /api/books/ or /api/authors/ "
            "(or one book or author, /api/books/<id>/), with a query string if you need one. Paths end with /.",
        )
    # The browsable API's ?format= picks its HTML page; the check reads JSON either way.
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True) if k != "format"]
    return parts.path + ("?" + urllib.parse.urlencode(query) if query else "")


def graphql_params(text: str, variables: str) -> dict[str, Any]:
    """The body of a GraphQL request for a pasted query and its variables; refused unless it is one query."""
    text = text.strip()
    if not text:
        raise _Refused(ErrorCode.REQUIRED, "Paste your GraphQL query, e.g. { books { edges { node { title } } } }.")
    try:
        document = parse(text)
    except GraphQLSyntaxError as exc:
        where = f" (line {exc.locations[0].line}, column {exc.locations[0].column})" if exc.locations else ""
        raise _Refused(ErrorCode.PARSE_ERROR, f"The query does not parse: {exc.message}{where}.") from None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if any(op.operation != OperationType.QUERY for op in operations):
        raise _Refused(
            ErrorCode.METHOD_NOT_ALLOWED, "Only queries answer a task: a mutation or subscription is not a read."
        )
    if len(operations) != 1:
        raise _Refused(ErrorCode.INVALID, f"Send exactly one query; the document has {len(operations)}.")
    values: Any = {}
    if variables.strip():
        try:
            values = json.loads(variables)
        except (ValueError, RecursionError):  # RecursionError: arrays nested thousands deep
            values = None
        if not isinstance(values, dict):
            raise _Refused(ErrorCode.PARSE_ERROR, 'The variables must be a JSON object, e.g. {"first": 5}.')
    return {"query": text, "variables": values}


def rows_in(body: Any, fields: Sequence[str]) -> list[dict[str, Any]]:
    """Each object of a response that has all ``fields`` (camelCase read as snake_case), in order.

    An object that has them is a row; the walk does not look inside it for more.
    """
    found: list[dict[str, Any]] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            named = {snake_case(key): item for key, item in value.items()}
            if all(name in named for name in fields):
                found.append({name: named[name] for name in fields})
                return
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(body)
    return found


def _shown(value: Any) -> Any:
    """A model value as both APIs write it."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return value


def expected_rows(task: Task) -> list[dict[str, Any]]:
    """The task's answer in the live catalog, computed by the selectors both APIs use."""
    filters = dict(task.filters)
    if "author" in filters:
        ids = list(author_list(filters={"search": filters["author"]}).filter(name=filters["author"]).values("id"))
        if len(ids) != 1:
            raise TaskUnavailable(f"the catalog has no author called {filters['author']} (run manage.py seed_demo)")
        filters["author"] = str(ids[0]["id"])
    books = book_list(filters=filters, with_authors=False)
    rows = [{name: _shown(getattr(book, name)) for name in task.fields} for book in books]
    if not rows:
        raise TaskUnavailable(f"the catalog has no books for the task {task.slug} (run manage.py seed_demo)")
    return rows


def _api_refusal(style: str, status: int, body: Any) -> Verdict | None:
    """What the API said when it did not answer the request, or None when it answered."""
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(body, dict):
        return Verdict(False, f"The API answered {status} without JSON.", ErrorCode.INVALID)
    if status < 400 and not (style == "graphql" and errors):
        return None
    first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
    codes = sorted(error_codes(body))
    code = codes[0] if codes else ErrorCode.SERVER_ERROR if status >= 500 else ErrorCode.INVALID
    message = first.get("message") or "no message"
    return Verdict(False, f"The API answered with an error (HTTP {status}): {message}", code)


def _difference(task: Task, style: str, got: list[dict], expected: list[dict]) -> Verdict:
    def key(row: dict) -> str:
        return json.dumps(row, sort_keys=True, default=str)

    noun = "book" if len(expected) == 1 else "books"
    if sorted(map(key, got)) != sorted(map(key, expected)):
        if not got:
            return Verdict(
                False,
                f"No object in the answer has all the fields {task.field_names(style)}: ask for each of them.",
                ErrorCode.INVALID,
            )
        if len(got) != len(expected):
            message = f"Your request returned {len(got)} rows; the answer has {len(expected)} {noun}."
            return Verdict(False, message, ErrorCode.INVALID)
        answer = set(map(key, expected))
        wrong = [row for row in got if key(row) not in answer]
        example = json.dumps(wrong[0], default=str) if wrong else "a row twice"
        return Verdict(
            False,
            f"{len(wrong) or 1} of your {len(got)} rows are not in the answer, e.g. {example}.",
            ErrorCode.INVALID,
        )
    ordering = [tuple(row[name] for name in task.sorted_by) for row in got]
    if ordering != [tuple(row[name] for name in task.sorted_by) for row in expected]:
        return Verdict(
            False,
            f"The right {len(expected)} {noun}, but not in the order the task asks for.",
            ErrorCode.INVALID_ORDERING,
        )
    return Verdict(True, f"Correct: the {len(expected)} {noun} of the answer.")


def grade(task: Task, style: str, answer: str, variables: str = "", *, host: str, client_address: str) -> Verdict:
    """Run the answer's request as the API would for an anonymous client, and compare its rows."""
    try:
        if style == "rest":
            target, body, headers = rest_target(answer), None, {"Accept": "application/json"}
        else:
            target = GRAPHQL_PATH
            body = json.dumps(graphql_params(answer, variables)).encode()
            headers = {"Accept": "application/json", "Content-Type": "application/json"}
    except _Refused as refused:
        return refused.verdict
    expected = expected_rows(task)
    transport = InProcessTransport(host, remote_addr=client_address)
    with transport.isolated():
        response = transport.request("GET" if body is None else "POST", target, body, headers)
    try:
        payload = json.loads(response.body)
    except ValueError:
        payload = None
    refusal = _api_refusal(style, response.status, payload)
    if refusal:
        return refusal
    return _difference(task, style, rows_in(payload if style == "rest" else payload.get("data"), task.fields), expected)
