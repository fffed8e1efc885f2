"""The scenario registry: use cases declared once, as data, in scenarios.yaml."""

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from graphql import GraphQLSyntaxError, OperationType, parse
from graphql.language import OperationDefinitionNode

SCENARIOS_FILE = Path(__file__).with_name("scenarios.yaml")
STYLES = ("rest", "graphql")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}
_GRAPHQL_METHODS = {"GET", "POST"}
_HEADER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
_VARIABLE_NAME = re.compile(r"^\w+$")
_USES = re.compile(r"\$\{(\w+)\}")
# The runner sets these itself: from the body, the base URL and the scenario's `user`.
_RESERVED_HEADERS = {"authorization": "use the scenario's `user`", "content-type": "", "content-length": "", "host": ""}
_REST_KEYS = {"name", "method", "path", "body", "raw_body", "headers", "save", "save_headers", "for_each"}
_GRAPHQL_KEYS = {"name", "method", "query", "variables", "persisted", "refused", "headers", "save", "save_headers"}


class ScenarioError(ValueError):
    """The registry file declares something the runner cannot run."""


@dataclass(frozen=True)
class RestStep:
    name: str
    method: str
    path: str
    body: Any = None
    save: dict[str, str] = field(default_factory=dict)
    for_each: str | None = None
    # Added to (or, with None, removed from) the runner's default request headers.
    headers: dict[str, str | None] = field(default_factory=dict)
    # Variable name -> response header name.
    save_headers: dict[str, str] = field(default_factory=dict)
    # Sent as it is instead of `body` as JSON: a body the server cannot parse, say.
    raw_body: str | None = None


@dataclass(frozen=True)
class GraphQLStep:
    name: str
    query: str
    variables: dict[str, Any] = field(default_factory=dict)
    save: dict[str, str] = field(default_factory=dict)
    method: str = "POST"
    # Apollo's automatic persisted queries: the hash alone first, the document only if the server asks.
    persisted: bool = False
    headers: dict[str, str | None] = field(default_factory=dict)
    save_headers: dict[str, str] = field(default_factory=dict)
    # A document the server refuses (it does not parse or validate): no client's, so no manifest's.
    refused: bool = False


@dataclass(frozen=True)
class Scenario:
    slug: str
    title: str
    notice: str
    rest: tuple[RestStep, ...]
    graphql: tuple[GraphQLStep, ...]
    result: dict[str, Any]
    setup: tuple[RestStep, ...] = ()
    user: str | None = None
    fresh_cart: bool = False
    # Response headers the step tables show in columns of their own.
    show_headers: tuple[str, ...] = ()

    def steps(self, style: str) -> tuple[RestStep, ...] | tuple[GraphQLStep, ...]:
        return self.rest if style == "rest" else self.graphql


def _mapping(raw: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = raw.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ScenarioError(f"{where}: `{key}` must be a mapping")
    return dict(value)


def _check_keys(raw: Any, allowed: set[str], where: str) -> None:
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: a step must be a mapping")
    unknown = sorted(set(raw) - allowed)
    if unknown:
        allowed_keys = ", ".join(sorted(allowed))
        raise ScenarioError(f"{where}: unknown key(s) {', '.join(unknown)} (a step may have {allowed_keys})")


def _headers(raw: dict[str, Any], where: str) -> dict[str, str | None]:
    headers = _mapping(raw, "headers", where)
    for name, value in headers.items():
        if not isinstance(name, str) or not _HEADER_NAME.match(name):
            raise ScenarioError(f"{where}: {name!r} is not a header name")
        if name.lower() in _RESERVED_HEADERS:
            hint = _RESERVED_HEADERS[name.lower()] or "the runner sets it"
            raise ScenarioError(f"{where}: a step cannot set {name} ({hint})")
        if value is not None and not isinstance(value, str):
            raise ScenarioError(f"{where}: header {name} must be text, or null to leave a default header out")
    return headers


def _save_headers(raw: dict[str, Any], where: str) -> dict[str, str]:
    saves = _mapping(raw, "save_headers", where)
    for variable, header in saves.items():
        if not isinstance(variable, str) or not _VARIABLE_NAME.match(variable):
            raise ScenarioError(f"{where}: {variable!r} cannot be a variable name (letters, digits, _)")
        if not isinstance(header, str) or not _HEADER_NAME.match(header):
            raise ScenarioError(f"{where}: save_headers.{variable} must name a response header")
    return saves


def _rest_step(raw: Any, index: int, where: str) -> RestStep:
    _check_keys(raw, _REST_KEYS, where)
    method = str(raw.get("method", "GET")).upper()
    if method not in _METHODS:
        raise ScenarioError(f"{where}: unknown method {method!r}")
    if not str(raw.get("path", "")).startswith("/"):
        raise ScenarioError(f"{where}: a REST step needs a path starting with '/'")
    raw_body = raw.get("raw_body")
    if raw_body is not None and (not isinstance(raw_body, str) or "body" in raw):
        raise ScenarioError(f"{where}: raw_body is text sent as it is, instead of a JSON `body`")
    return RestStep(
        name=raw.get("name", f"step{index + 1}"),
        method=method,
        path=raw["path"],
        body=raw.get("body"),
        save=_mapping(raw, "save", where),
        for_each=raw.get("for_each"),
        headers=_headers(raw, where),
        save_headers=_save_headers(raw, where),
        raw_body=raw_body,
    )


def _operation(query: str, where: str) -> OperationDefinitionNode:
    try:
        document = parse(query)
    except GraphQLSyntaxError as exc:
        raise ScenarioError(f"{where}: the query does not parse: {exc.message}") from None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1:
        raise ScenarioError(f"{where}: a GraphQL step sends exactly one operation")
    return operations[0]


def _graphql_step(raw: Any, index: int, where: str) -> GraphQLStep:
    _check_keys(raw, _GRAPHQL_KEYS, where)
    if not isinstance(raw.get("query"), str) or not raw["query"].strip():
        raise ScenarioError(f"{where}: a GraphQL step needs a query")
    method = str(raw.get("method", "POST")).upper()
    if method not in _GRAPHQL_METHODS:
        raise ScenarioError(f"{where}: GraphQL is sent by GET or POST, not {method}")
    persisted, refused = raw.get("persisted", False), raw.get("refused", False)
    for name, value in (("persisted", persisted), ("refused", refused)):
        if not isinstance(value, bool):
            raise ScenarioError(f"{where}: {name} must be true or false")
    if refused and persisted:
        raise ScenarioError(f"{where}: a refused document cannot be registered as a persisted query")
    if not refused:
        operation = _operation(raw["query"], where)
        if method == "GET" and operation.operation != OperationType.QUERY:
            raise ScenarioError(f"{where}: only a query can be sent by GET, not a {operation.operation.value}")
    return GraphQLStep(
        name=raw.get("name", f"step{index + 1}"),
        query=raw["query"],
        variables=_mapping(raw, "variables", where),
        save=_mapping(raw, "save", where),
        method=method,
        persisted=persisted,
        headers=_headers(raw, where),
        save_headers=_save_headers(raw, where),
        refused=refused,
    )


def _uses(value: Any) -> set[str]:
    if isinstance(value, str):
        return set(_USES.findall(value))
    if isinstance(value, dict):
        return set().union(*(_uses(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_uses(v) for v in value)) if value else set()
    return set()


def _step_uses(step: RestStep | GraphQLStep) -> set[str]:
    if isinstance(step, RestStep):
        used = _uses(step.path) | _uses(step.body) | ({step.for_each} if step.for_each else set())
    else:
        used = _uses(step.variables)
    return used | _uses(list(step.headers.values()))


def _check_variables(slug: str, style: str, setup: tuple[RestStep, ...], steps: tuple) -> None:
    """Every ``${name}`` a step uses is saved by a setup step or an earlier step of the same style."""
    known: set[str] = set()
    for label, step in [("setup", s) for s in setup] + [(style, s) for s in steps]:
        missing = _step_uses(step) - known - ({"item"} if getattr(step, "for_each", None) else set())
        if missing:
            names = ", ".join(f"${{{name}}}" for name in sorted(missing))
            raise ScenarioError(f"{slug}.{label}.{step.name}: {names} is saved by no earlier step")
        known |= set(step.save) | set(step.save_headers)


def _result_steps(spec: Any) -> set[str]:
    if isinstance(spec, dict) and "step" in spec:
        return {spec["step"]}
    if isinstance(spec, dict):
        return set().union(*(_result_steps(part) for part in spec.values())) if spec else set()
    return set()


def _show_headers(raw: dict[str, Any], slug: str) -> tuple[str, ...]:
    names = raw.get("show_headers") or []
    if not isinstance(names, list) or not all(isinstance(n, str) and _HEADER_NAME.match(n) for n in names):
        raise ScenarioError(f"{slug}: show_headers must list response header names")
    return tuple(names)


def parse_scenarios(data: dict[str, Any]) -> dict[str, Scenario]:
    scenarios: dict[str, Scenario] = {}
    for raw in data.get("scenarios") or []:
        slug = raw.get("slug", "")
        if not _SLUG.match(slug) or slug in scenarios:
            raise ScenarioError(f"scenario slug {slug!r} is missing, malformed or repeated")
        for style in STYLES:
            if not raw.get(style):
                raise ScenarioError(f"{slug}: no {style} steps")
            if style not in (raw.get("result") or {}):
                raise ScenarioError(f"{slug}: no result for {style}")
        rest = tuple(_rest_step(s, i, f"{slug}.rest[{i}]") for i, s in enumerate(raw["rest"]))
        graphql = tuple(_graphql_step(s, i, f"{slug}.graphql[{i}]") for i, s in enumerate(raw["graphql"]))
        setup = tuple(_rest_step(s, i, f"{slug}.setup[{i}]") for i, s in enumerate(raw.get("setup") or []))
        for style, steps in (("rest", rest), ("graphql", graphql)):
            names = [s.name for s in steps]
            if len(set(names)) != len(names):
                raise ScenarioError(f"{slug}.{style}: step names repeat")
            _check_variables(slug, style, setup, steps)
            unknown = sorted(_result_steps(raw["result"][style]) - set(names))
            if unknown:
                raise ScenarioError(f"{slug}: the {style} result names no step called {', '.join(unknown)}")
        scenarios[slug] = Scenario(
            slug=slug,
            title=raw.get("title", slug),
            notice=" ".join(str(raw.get("notice", "")).split()),
            rest=rest,
            graphql=graphql,
            result=raw["result"],
            setup=setup,
            user=raw.get("user"),
            fresh_cart=bool(raw.get("fresh_cart", False)),
            show_headers=_show_headers(raw, slug),
        )
    return scenarios


@cache
def load_scenarios(path: Path = SCENARIOS_FILE) -> dict[str, Scenario]:
    return parse_scenarios(yaml.safe_load(path.read_text(encoding="utf-8")))


def extract(value: Any, path: str) -> Any:
    """Follow a dotted path: ``a.b[0].c``; ``[]`` maps the rest of the path over a list, and
    ``[name=title]`` picks the first item whose ``name`` is ``title``."""
    if path in ("", "."):
        return value
    head, _, rest = path.partition(".")
    key, index = head, None
    match = re.fullmatch(r"([^\[\]]*)\[(\d*|\w+=[^\[\]]*)\]", head)
    if match:
        key, index = match.group(1), match.group(2)
    if key:
        value = value.get(key) if isinstance(value, dict) else None
    if index is None:
        return extract(value, rest) if rest and value is not None else value
    if not isinstance(value, list):
        return None
    if index == "":
        return [extract(item, rest) if rest else item for item in value]
    if "=" in index:
        name, _, wanted = index.partition("=")
        found = [item for item in value if isinstance(item, dict) and str(item.get(name)) == wanted]
        if not found:
            return None
        return extract(found[0], rest) if rest else found[0]
    position = int(index)
    if position >= len(value):
        return None
    return extract(value[position], rest) if rest else value[position]
