"""/compare/load/: the latest `manage.py compare --load` run, its table and its chart."""

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from .load import DEFAULT_LEVELS, latest_run
from .load_report import COLUMNS, chart_svg, notes, point_rows, ratio_line
from .views import _require_workshop_mode

LOAD_COMMAND = f"python manage.py compare --load {DEFAULT_LEVELS}"


@require_GET
def load_page(request: HttpRequest) -> HttpResponse:
    _require_workshop_mode()
    run = latest_run()
    context = {"run": run, "command": LOAD_COMMAND}
    if run:
        context.update(
            started_at=datetime.fromisoformat(run["started_at"]),
            columns=[title for title, _, _ in COLUMNS],
            scenarios=[
                {**scenario, "rows": point_rows(run, scenario["slug"]), "ratio": ratio_line(run, scenario["slug"])}
                for scenario in run["scenarios"]
            ],
            notes=notes(run),
            # Every text in the SVG is escaped where it is drawn (workshop/load_report.py).
            chart=mark_safe(chart_svg(run)),
        )
    return render(request, "workshop/load.html", context)
