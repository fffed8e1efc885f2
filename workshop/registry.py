"""The scenario registry: use cases declared once, as data, in scenarios.yaml."""

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

SCENARIOS_FILE = Path(__file__).with_name("scenarios.yaml")
STYLES = ("rest", "graphql")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


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


@dataclass(frozen=True)
class GraphQLStep:
    name: str
    query: str
    variables: dict[str, Any] = field(default_factory=dict)
    save: dict[str, str] = field(default_factory=dict)


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

    def steps(self, style: str) -> tuple[RestStep, ...] | tuple[GraphQLStep, ...]:
        return self.rest if style == "rest" else self.graphql


def _rest_step(raw: dict[str, Any], index: int, where: str) -> RestStep:
    method = str(raw.get("method", "GET")).upper()
    if method not in _METHODS:
        raise ScenarioError(f"{where}: unknown method {method!r}")
    if not str(raw.get("path", "")).startswith("/"):
        raise ScenarioError(f"{where}: a REST step needs a path starting with '/'")
    return RestStep(
        name=raw.get("name", f"step{index + 1}"),
        method=method,
        path=raw["path"],
        body=raw.get("body"),
        save=dict(raw.get("save") or {}),
        for_each=raw.get("for_each"),
    )


def _graphql_step(raw: dict[str, Any], index: int, where: str) -> GraphQLStep:
    if not str(raw.get("query", "")).strip():
        raise ScenarioError(f"{where}: a GraphQL step needs a query")
    return GraphQLStep(
        name=raw.get("name", f"step{index + 1}"),
        query=raw["query"],
        variables=dict(raw.get("variables") or {}),
        save=dict(raw.get("save") or {}),
    )


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
        for style, steps in (("rest", rest), ("graphql", graphql)):
            names = [s.name for s in steps]
            if len(set(names)) != len(names):
                raise ScenarioError(f"{slug}.{style}: step names repeat")
        scenarios[slug] = Scenario(
            slug=slug,
            title=raw.get("title", slug),
            notice=" ".join(str(raw.get("notice", "")).split()),
            rest=rest,
            graphql=graphql,
            result=raw["result"],
            setup=tuple(_rest_step(s, i, f"{slug}.setup[{i}]") for i, s in enumerate(raw.get("setup") or [])),
            user=raw.get("user"),
            fresh_cart=bool(raw.get("fresh_cart", False)),
        )
    return scenarios


@cache
def load_scenarios(path: Path = SCENARIOS_FILE) -> dict[str, Scenario]:
    return parse_scenarios(yaml.safe_load(path.read_text(encoding="utf-8")))


def extract(value: Any, path: str) -> Any:
    """Follow a dotted path: ``a.b[0].c``; ``[]`` maps the rest of the path over a list."""
    if path in ("", "."):
        return value
    head, _, rest = path.partition(".")
    key, index = head, None
    match = re.fullmatch(r"([^\[\]]*)\[(\d*)\]", head)
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
    position = int(index)
    if position >= len(value):
        return None
    return extract(value[position], rest) if rest else value[position]
