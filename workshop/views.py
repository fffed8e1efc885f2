"""/compare/: pick a scenario, see its REST calls beside its GraphQL document, run both."""

import json
import urllib.parse

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from catalog.errors import ErrorCode, ErrorItem, error_body

from .registry import load_scenarios
from .report import ROWS, step_facts, verdict
from .runner import InProcessTransport, Runner, ScenarioFailed, difference
from .screens import load_screens, run_screens
from .screens_report import REDUCTION_LABELS, chart, figure_rows, reduction_rows


def _require_workshop_mode() -> None:
    if not getattr(settings, "WORKSHOP_MODE", False):
        raise Http404("Workshop mode is off (set WORKSHOP_MODE=1).")


def graphiql_link(query: str, variables: dict | None = None) -> str:
    params = {"query": query.strip()}
    if variables:
        params["variables"] = json.dumps(variables)
    return "/graphql/?" + urllib.parse.urlencode(params)


@require_GET
def compare_page(request: HttpRequest) -> HttpResponse:
    _require_workshop_mode()
    scenarios = list(load_scenarios().values())
    selected = request.GET.get("scenario") or scenarios[0].slug
    cards = [
        {
            "scenario": s,
            "rest": [
                {"step": step, "body": step.raw_body or _json(step.body), "headers": _headers(step)} for step in s.rest
            ],
            "graphql": [
                {
                    "step": step,
                    "variables": _json(step.variables),
                    "link": graphiql_link(step.query),
                    "headers": _headers(step),
                    # A document repeated from the step before is named, not printed again.
                    "same_query": i > 0 and s.graphql[i - 1].query == step.query,
                }
                for i, step in enumerate(s.graphql)
            ],
        }
        for s in scenarios
    ]
    return render(request, "workshop/compare.html", {"cards": cards, "selected": selected, "rows": ROWS})


@require_GET
def screens_page(request: HttpRequest) -> HttpResponse:
    """Seven client screens read three ways, measured in-process on this server (the data is left as it was)."""
    _require_workshop_mode()
    screens = list(load_screens().values())
    context: dict = {"screens": [_screen_card(screen) for screen in screens], "reduction_labels": REDUCTION_LABELS}
    try:
        with InProcessTransport(request.get_host()) as transport:
            report = run_screens(Runner(transport), screens)
    except ScenarioFailed as exc:
        return render(request, "workshop/screens.html", {**context, "failure": str(exc)}, status=409)
    context.update(
        report=report,
        figures=figure_rows(report),
        reductions=reduction_rows(report),
        chart=chart(report),
    )
    return render(request, "workshop/screens.html", context)


def _screen_card(screen) -> dict:
    return {
        "screen": screen,
        "calls": [
            {"full": call.step.path, "sparse": call.sparse.path, "opens": "${" not in call.step.path}
            for call in screen.calls
        ],
        "graphiql": graphiql_link(screen.graphql.query) if not screen.graphql.variables else None,
    }


@require_POST
def compare_run(request: HttpRequest) -> JsonResponse:
    _require_workshop_mode()
    payload = json_object(request, '{"scenario": "<slug>", "optimize": true}')
    if isinstance(payload, JsonResponse):
        return payload
    scenario = load_scenarios().get(str(payload.get("scenario", "")))
    if scenario is None:
        return _error(404, ErrorCode.NOT_FOUND, "Unknown scenario.", field="scenario")
    optimize = payload.get("optimize", True)
    if not isinstance(optimize, bool):
        return _error(400, ErrorCode.INVALID, "optimize must be true or false.", field="optimize")
    try:
        with InProcessTransport(request.get_host()) as transport:
            run = Runner(transport, optimize=optimize).run(scenario)
    except ScenarioFailed as exc:
        return _error(409, ErrorCode.INVALID, str(exc))
    data = run.as_dict()
    data["verdict"] = verdict(run)
    data["difference"] = difference(run.runs["rest"].result, run.runs["graphql"].result)
    for style in ("rest", "graphql"):
        for exchange, measured in zip(data["styles"][style]["exchanges"], run.runs[style].exchanges, strict=True):
            exchange["facts"] = step_facts(measured, scenario.show_headers)
    for exchange in data["styles"]["graphql"]["exchanges"]:
        params = _graphql_params(exchange)
        query = params.get("query")
        exchange["graphiql"] = graphiql_link(query, params.get("variables")) if isinstance(query, str) else None
    for exchange in data["styles"]["rest"]["exchanges"]:
        exchange["browsable"] = exchange["path"] if exchange["method"] == "GET" else None
    return JsonResponse(data)


def _graphql_params(exchange: dict) -> dict:
    """What a GraphQL request sent: its JSON body, or its URL parameters (variables decoded)."""
    if exchange["request_body"]:
        return json.loads(exchange["request_body"])
    params: dict = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(exchange["path"]).query))
    if "variables" in params:
        params["variables"] = json.loads(params["variables"])
    return params


def _headers(step) -> list[str]:
    """A step's own request headers as the page shows them."""
    shown = [
        f"{name}: {value}" if value is not None else f"without the default {name}"
        for name, value in step.headers.items()
    ]
    return shown + [f"saves the {header} header as ${{{name}}}" for name, header in step.save_headers.items()]


def _json(value) -> str | None:
    return json.dumps(value) if value else None


def json_object(request: HttpRequest, example: str) -> dict | JsonResponse:
    """The request's body as a JSON object, or the 400 that says what is wrong with it."""
    try:
        payload = json.loads(request.body or b"{}")
    except (ValueError, RecursionError):  # RecursionError: arrays nested thousands deep
        return _error(400, ErrorCode.PARSE_ERROR, f"The body must be JSON: {example}.")
    if not isinstance(payload, dict):
        return _error(400, ErrorCode.INVALID, "The body must be a JSON object.")
    return payload


def _error(status: int, code: str, message: str, field: str | None = None) -> JsonResponse:
    return JsonResponse(error_body([ErrorItem(field, code, message)]), status=status)
