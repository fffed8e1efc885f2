"""Client screens measured three ways: REST as it is, REST with ``?fields=``, and GraphQL.

Brito, Mombach and Valente ("Migrating to GraphQL: A Practical Assessment", SANER 2019)
migrated seven GitHub API clients to GraphQL and measured the JSON documents each received:
a median of 94% fewer fields and 99% fewer bytes. ``screens.yaml`` declares seven screens of
the bookshop with the fields each shows; this module reads each screen's data three ways
through the running application (``runner.Runner``, in-process or against ``--base-url``) and
measures the answers the same way.

Fields: the leaf values of a JSON document, nested ones included. Every string, number,
boolean and null counts one, wherever it sits; each element of a list counts on its own (a
page of 20 books of 7 fields is 140 fields, plus the page's own count and links); objects,
lists and keys themselves count nothing. A GraphQL document is counted as received, without
the request's metrics and cost report in ``extensions`` (the runner leaves them out of its
byte counts too). A screen's figure is the sum over the requests it makes.
"""

import json
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from graphql import FieldNode, FragmentDefinitionNode, FragmentSpreadNode, InlineFragmentNode, OperationType
from graphql.language import DocumentNode, SelectionSetNode, parse

from .registry import GraphQLStep, RestStep, Scenario, ScenarioError, _check_variables, _graphql_step, _rest_step
from .runner import TOKENS, Runner, ScenarioFailed, StyleRun, error_codes

SCREENS_FILE = Path(__file__).with_name("screens.yaml")
WAYS = ("rest", "sparse", "graphql")
WAY_LABELS = {"rest": "REST", "sparse": "REST ?fields=", "graphql": "GraphQL"}
MEASURES = ("fields", "bytes", "gzip_bytes")
MEASURE_LABELS = {"fields": "fields", "bytes": "bytes", "gzip_bytes": "gzip bytes"}
# Each reduction: its name, the way it starts from, the way it ends at.
REDUCTIONS = (
    ("graphql", "rest", "graphql"),
    ("sparse", "rest", "sparse"),
    ("sparse_to_graphql", "sparse", "graphql"),
)
REDUCTION_LABELS = {
    "graphql": "REST → GraphQL",
    "sparse": "REST → REST ?fields=",
    "sparse_to_graphql": "REST ?fields= → GraphQL",
}
# The paper's medians over its seven clients, in percent (it reports no gzip figure).
PAPER = {"fields": 94, "bytes": 99}
PAPER_REFERENCE = 'Brito, Mombach & Valente, "Migrating to GraphQL: A Practical Assessment", SANER 2019'
# What every REST page carries besides its items, asked for or not.
PAGE_ENVELOPE = ("count", "count_exact", "next", "previous")
# GraphQL names whose REST twin is not their snake_case spelling.
_GRAPHQL_NAMES = {"databaseId": "id", "totalCount": "count", "totalCountIsExact": "count_exact"}

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_FIELD = re.compile(r"^[a-z_]+(\.[a-z_]+)*$")
_SCREEN_KEYS = {"slug", "title", "shows", "user", "fresh_cart", "setup", "rest", "graphql"}
_CALL_KEYS = {"name", "path", "fields", "save"}
_QUERY_KEYS = {"query", "variables"}


@dataclass(frozen=True)
class Call:
    """One REST read a screen makes, and the fields the screen shows from its answer."""

    step: RestStep
    fields: tuple[str, ...]

    @property
    def sparse(self) -> RestStep:
        separator = "&" if "?" in self.step.path else "?"
        return replace(self.step, path=f"{self.step.path}{separator}fields={','.join(self.fields)}")


@dataclass(frozen=True)
class Screen:
    slug: str
    title: str
    shows: str
    calls: tuple[Call, ...]
    graphql: GraphQLStep
    setup: tuple[RestStep, ...] = ()
    user: str | None = None
    fresh_cart: bool = False

    def steps(self, way: str) -> tuple[RestStep, ...] | tuple[GraphQLStep, ...]:
        if way == "rest":
            return tuple(call.step for call in self.calls)
        if way == "sparse":
            return tuple(call.sparse for call in self.calls)
        return (self.graphql,)

    @property
    def scenario(self) -> Scenario:
        """The screen as the runner runs it: its setup, user and cart."""
        return Scenario(
            slug=self.slug,
            title=self.title,
            notice=self.shows,
            rest=self.steps("rest"),
            graphql=(self.graphql,),
            result={"rest": {}, "graphql": {}},
            setup=self.setup,
            user=self.user,
            fresh_cart=self.fresh_cart,
        )


# Loading -------------------------------------------------------------------------------


def _keys(raw: Any, allowed: set[str], where: str, what: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: {what} must be a mapping")
    unknown = sorted(set(raw) - allowed)
    if unknown:
        allowed_keys = ", ".join(sorted(allowed))
        raise ScenarioError(f"{where}: unknown key(s) {', '.join(unknown)} ({what} may have {allowed_keys})")
    return raw


def _text(raw: dict[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ScenarioError(f"{where}: `{key}` must be a non-empty text")
    return " ".join(value.split())


def _fields(raw: Any, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw:
        raise ScenarioError(f"{where}: `fields` must list the fields the screen shows (e.g. [id, title, authors.name])")
    for name in raw:
        if not isinstance(name, str) or not _FIELD.match(name):
            raise ScenarioError(f"{where}: {name!r} is not a field name (snake_case, dotted for a nested field)")
    repeated = sorted({name for name in raw if raw.count(name) > 1})
    if repeated:
        raise ScenarioError(f"{where}: `fields` names {', '.join(repeated)} more than once")
    return tuple(raw)


def _call(raw: Any, index: int, where: str) -> Call:
    _keys(raw, _CALL_KEYS, where, "a REST call")
    if "fields=" in str(raw.get("path", "")):
        raise ScenarioError(f"{where}: the path carries no `fields=`; list them under `fields`")
    step = _rest_step({key: value for key, value in raw.items() if key != "fields"}, index, where)
    return Call(step=step, fields=_fields(raw.get("fields"), where))


def _query(raw: Any, where: str) -> GraphQLStep:
    _keys(raw, _QUERY_KEYS, where, "`graphql`")
    step = _graphql_step(dict(raw, name="graphql"), 0, where)
    definitions = parse(step.query).definitions
    if any(getattr(d, "operation", OperationType.QUERY) != OperationType.QUERY for d in definitions):
        raise ScenarioError(f"{where}: a screen reads: its document is a query, not a mutation or subscription")
    return step


def rest_name(graphql_name: str) -> str:
    """The REST spelling of a GraphQL field name: ``publishedDate`` is ``published_date``."""
    if graphql_name in _GRAPHQL_NAMES:
        return _GRAPHQL_NAMES[graphql_name]
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", graphql_name).lower()


def _leaf_names(selection: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode]) -> set[str]:
    names: set[str] = set()
    for node in selection.selections:
        if isinstance(node, FieldNode):
            if node.selection_set is None:
                names.add(rest_name(node.name.value))
            else:
                names |= _leaf_names(node.selection_set, fragments)
        elif isinstance(node, InlineFragmentNode):
            names |= _leaf_names(node.selection_set, fragments)
        elif isinstance(node, FragmentSpreadNode) and node.name.value in fragments:
            names |= _leaf_names(fragments[node.name.value].selection_set, fragments)
    return names


def graphql_leaf_names(query: str) -> set[str]:
    """The fields a document asks for that hold values, by their REST names."""
    document: DocumentNode = parse(query)
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    names: set[str] = set()
    for definition in document.definitions:
        if not isinstance(definition, FragmentDefinitionNode):
            names |= _leaf_names(definition.selection_set, fragments)
    return names


def _check_same_fields(slug: str, calls: tuple[Call, ...], graphql: GraphQLStep) -> None:
    """The GraphQL document asks for the values the REST calls' fields name, no more, no fewer."""
    rest = {name.rsplit(".", 1)[-1] for call in calls for name in call.fields}
    asked = graphql_leaf_names(graphql.query)
    only_graphql = sorted(asked - rest - set(PAGE_ENVELOPE))
    only_rest = sorted(rest - asked)
    if only_graphql:
        names = ", ".join(only_graphql)
        raise ScenarioError(f"{slug}: the GraphQL query asks for {names}, which no REST `fields` name")
    if only_rest:
        names = ", ".join(only_rest)
        raise ScenarioError(f"{slug}: the REST `fields` name {names}, which the GraphQL query does not ask for")


def parse_screens(data: Any) -> dict[str, Screen]:
    if not isinstance(data, dict) or not isinstance(data.get("screens"), list) or not data["screens"]:
        raise ScenarioError("the screens file must have a non-empty list under `screens`")
    screens: dict[str, Screen] = {}
    for position, raw in enumerate(data["screens"]):
        _keys(raw, _SCREEN_KEYS, f"screens[{position}]", "a screen")
        slug = raw.get("slug")
        if not isinstance(slug, str) or not _SLUG.match(slug) or slug in screens:
            raise ScenarioError(f"screens[{position}]: slug {slug!r} is missing, malformed or repeated")
        user = raw.get("user")
        if user is not None and user not in TOKENS:
            raise ScenarioError(f"{slug}: unknown demo user {user!r} (the demo users are {', '.join(TOKENS)})")
        if not isinstance(raw.get("fresh_cart", False), bool):
            raise ScenarioError(f"{slug}: fresh_cart must be true or false")
        for key in ("setup", "rest"):
            if not isinstance(raw.get(key) or [], list):
                raise ScenarioError(f"{slug}: `{key}` must be a list of REST steps")
        if not raw.get("rest"):
            raise ScenarioError(f"{slug}: no REST calls (`rest`)")
        if "graphql" not in raw:
            raise ScenarioError(f"{slug}: no GraphQL query (`graphql`)")
        setup = tuple(_rest_step(s, i, f"{slug}.setup[{i}]") for i, s in enumerate(raw.get("setup") or []))
        calls = tuple(_call(c, i, f"{slug}.rest[{i}]") for i, c in enumerate(raw["rest"]))
        names = [call.step.name for call in calls]
        if len(set(names)) != len(names):
            raise ScenarioError(f"{slug}.rest: call names repeat")
        graphql = _query(raw["graphql"], f"{slug}.graphql")
        _check_variables(slug, "rest", setup, tuple(call.step for call in calls))
        _check_variables(slug, "graphql", setup, (graphql,))
        _check_same_fields(slug, calls, graphql)
        screens[slug] = Screen(
            slug=slug,
            title=_text(raw, "title", slug),
            shows=_text(raw, "shows", slug),
            calls=calls,
            graphql=graphql,
            setup=setup,
            user=user,
            fresh_cart=raw.get("fresh_cart", False),
        )
    return screens


@cache
def load_screens(path: Path = SCREENS_FILE) -> dict[str, Screen]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path.name} is not valid YAML: {exc}") from None
    return parse_screens(data)


# Measuring -----------------------------------------------------------------------------


def leaf_count(value: Any) -> int:
    """The leaf values of a JSON document (see the module's docstring): its fields."""
    if isinstance(value, dict):
        return sum(leaf_count(item) for item in value.values())
    if isinstance(value, list):
        return sum(leaf_count(item) for item in value)
    return 1


def _leaves(value: Any, key: str | None = None, *, graphql: bool = False) -> Counter:
    """Each leaf value with the name of the field holding it, in REST spelling."""
    if isinstance(value, dict):
        found: Counter = Counter()
        for name, item in value.items():
            found += _leaves(item, rest_name(name) if graphql else name, graphql=graphql)
        return found
    if isinstance(value, list):
        found = Counter()
        for item in value:
            found += _leaves(item, key, graphql=graphql)
        return found
    return Counter({(key, json.dumps(value)): 1})


def _describe(leaves: Counter) -> str:
    (name, value), *_ = sorted(leaves)
    more = sum(leaves.values()) - 1
    return f"{name}={value}" + (f" and {more} more" if more else "")


def difference(sparse: list[Any], graphql: Any) -> str | None:
    """Where the sparse REST answers and the GraphQL data differ in their values, or None.

    The REST pages may carry their count and links besides: every page does.
    """
    rest: Counter = Counter()
    for body in sparse:
        rest += _leaves(body)
    asked = _leaves(graphql, graphql=True)
    missing = asked - rest
    if missing:
        return f"GraphQL answers {_describe(missing)}, which no REST ?fields= answer holds"
    extra = Counter({leaf: n for leaf, n in (rest - asked).items() if leaf[0] not in PAGE_ENVELOPE})
    if extra:
        return f"the REST ?fields= answers hold {_describe(extra)}, which the GraphQL answer does not"
    return None


@dataclass
class Way:
    """One way of reading a screen's data: its requests and what they weighed."""

    way: str
    run: StyleRun
    bodies: list[Any]

    @property
    def figures(self) -> dict[str, int]:
        totals = self.run.totals()
        return {
            "round_trips": totals["round_trips"],
            "fields": sum(leaf_count(body) for body in self.bodies if body is not None),
            "bytes": totals["response_bytes"],
            "gzip_bytes": totals["response_gzip_bytes"],
            "request_bytes": totals["request_bytes"],
        }


def reduction(before: int, after: int) -> float | None:
    """How much smaller ``after`` is than ``before``, in percent (negative when larger)."""
    return round(100 * (1 - after / before), 1) if before else None


@dataclass
class ScreenRun:
    screen: Screen
    ways: dict[str, Way]
    difference: str | None

    @property
    def same_data(self) -> bool:
        return self.difference is None

    def figures(self, way: str) -> dict[str, int]:
        return self.ways[way].figures

    def reductions(self) -> dict[str, dict[str, float | None]]:
        return {
            name: {m: reduction(self.figures(before)[m], self.figures(after)[m]) for m in MEASURES}
            for name, before, after in REDUCTIONS
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "slug": self.screen.slug,
            "title": self.screen.title,
            "shows": self.screen.shows,
            "same_data": self.same_data,
            "difference": self.difference,
            "ways": {
                way: {
                    **self.figures(way),
                    "requests": [f"{e.method} {e.path}" for e in self.ways[way].run.exchanges],
                }
                for way in WAYS
            },
            "reductions": self.reductions(),
        }


def _check_answers(screen: Screen, way: str, run: StyleRun) -> None:
    for exchange in run.exchanges:
        codes = sorted(error_codes(exchange.response_body))
        if exchange.status != 200 or codes:
            detail = exchange.response_body if isinstance(exchange.response_body, str) else ", ".join(codes)
            raise ScenarioFailed(
                f"{screen.slug}: {WAY_LABELS[way]} {exchange.method} {exchange.path} answered {exchange.status}"
                + (f" ({detail})" if detail else "")
            )


def run_screen(runner: Runner, screen: Screen) -> ScreenRun:
    """The screen's setup once, then its data read the three ways on the same data."""
    scenario = screen.scenario
    ways: dict[str, Way] = {}
    try:
        with runner.prepared(scenario) as variables:
            for way in WAYS:
                style = "graphql" if way == "graphql" else "rest"
                run, _ = runner.measure(scenario, style, screen.steps(way), dict(variables))
                _check_answers(screen, way, run)
                ways[way] = Way(way, run, [e.response_body for e in run.exchanges])
    except ScenarioFailed as exc:
        message = str(exc) if str(exc).startswith(f"{screen.slug}: ") else f"{screen.slug}: {exc}"
        if "seed_demo" not in message:
            message += " (the screens read the demo catalog and users: has `manage.py seed_demo` run?)"
        raise ScenarioFailed(message) from exc
    data = ways["graphql"].bodies[-1].get("data")
    return ScreenRun(screen, ways, difference(ways["sparse"].bodies, data))


@dataclass
class ScreensReport:
    runs: list[ScreenRun] = field(default_factory=list)

    @property
    def same_data(self) -> bool:
        return all(run.same_data for run in self.runs)

    def medians(self) -> dict[str, dict[str, float | None]]:
        medians: dict[str, dict[str, float | None]] = {}
        for name, _, _ in REDUCTIONS:
            medians[name] = {}
            for measure in MEASURES:
                values = [r.reductions()[name][measure] for r in self.runs]
                known = [v for v in values if v is not None]
                medians[name][measure] = round(statistics.median(known), 1) if known else None
        return medians

    def total(self, figure: str) -> dict[str, int]:
        """Each way's ``figure`` over every screen."""
        return {way: sum(run.figures(way)[figure] for run in self.runs) for way in WAYS}

    def lesson(self) -> str:
        return lesson(self.medians(), self.total("round_trips"), self.total("request_bytes"), len(self.runs))

    def as_dict(self) -> dict[str, Any]:
        return {
            "reference": PAPER_REFERENCE,
            "paper_medians": PAPER,
            "fields_are": FIELDS_DEFINITION,
            "screens": [run.as_dict() for run in self.runs],
            "medians": self.medians(),
            "round_trips": self.total("round_trips"),
            "same_data": self.same_data,
            "lesson": self.lesson(),
        }


FIELDS_DEFINITION = (
    "the leaf values of the JSON documents a screen receives, nested ones included: every string, "
    "number, boolean and null counts one, each list element on its own; objects, lists and keys count "
    "nothing; GraphQL's extensions (this request's metrics and cost) are left out"
)


def run_screens(runner: Runner, screens: list[Screen]) -> ScreensReport:
    return ScreensReport([run_screen(runner, screen) for screen in screens])


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}%"


def _smaller(value: float | None) -> str:
    """A reduction in words: "31% smaller", "4% larger"."""
    if value is None:
        return "not comparable"
    return f"{percent(value)} smaller" if value >= 0 else f"{percent(-value)} larger"


def lesson(
    medians: dict[str, dict[str, float | None]], trips: dict[str, int], sent: dict[str, int], screens: int
) -> str:
    """What the third column teaches, written from the figures: the medians, and each way's round
    trips and request bytes over all ``screens``."""
    graphql, sparse, over_sparse = medians["graphql"], medians["sparse"], medians["sparse_to_graphql"]
    share = sparse["bytes"] / graphql["bytes"] if graphql["bytes"] and sparse["bytes"] is not None else None
    if share is None or share <= 0:
        verdict = "none of GraphQL's saving in bytes"
    elif share >= 1:
        verdict = "all of GraphQL's saving in bytes, or more"
    elif share >= 0.75:
        verdict = "most of GraphQL's saving in bytes"
    else:
        verdict = f"{share:.0%} of GraphQL's saving in bytes"
    if trips["graphql"] < trips["sparse"]:
        gain = (
            f"what GraphQL still gains is round trips ({trips['sparse']} REST requests for the {screens} screens, "
            f"{trips['graphql']} in GraphQL) and one typed, validated document per screen in place of a list of "
            "names per URL"
        )
    else:
        gain = (
            f"the round trips are the same ({trips['sparse']} for the {screens} screens), so what GraphQL still "
            "gains is one typed, validated document per screen in place of a list of names per URL"
        )
    cost = ""
    if sent["graphql"] > sent["sparse"]:
        cost = (
            f" It pays in requests: {sent['graphql']:,} bytes sent for the {screens} screens against "
            f"{sent['sparse']:,} with ?fields=, as the document travels with every request unless it is persisted."
        )
    return (
        f"With sparse fieldsets alone, REST's answers shrink by a median {percent(sparse['fields'])} in fields and "
        f"{percent(sparse['bytes'])} in bytes ({percent(sparse['gzip_bytes'])} gzipped); GraphQL's by "
        f"{percent(graphql['fields'])}, {percent(graphql['bytes'])} and {percent(graphql['gzip_bytes'])}: sparse "
        f"fieldsets get REST {verdict}. Beside sparse REST, GraphQL's answers are a median "
        f"{_smaller(over_sparse['bytes'])} in bytes and {_smaller(over_sparse['gzip_bytes'])} gzipped; {gain}.{cost}"
    )
