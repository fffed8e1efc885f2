import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from workshop import load, load_report
from workshop.registry import ScenarioError, load_scenarios
from workshop.report import as_json, as_markdown, as_table
from workshop.runner import HttpTransport, InProcessTransport, Runner, ScenarioFailed
from workshop.screens import load_screens, run_screens
from workshop.screens_report import as_json as screens_json
from workshop.screens_report import as_markdown as screens_markdown
from workshop.screens_report import as_table as screens_table


class Command(BaseCommand):
    help = "Run workshop scenarios through the REST and the GraphQL API and compare what each cost."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("scenarios", nargs="*", metavar="SCENARIO", help="Scenario slugs (default: all).")
        parser.add_argument("--format", choices=["table", "json", "markdown"], default="table")
        parser.add_argument(
            "--no-optimize", action="store_true", help="Turn query optimisation off in both APIs (shows N+1)."
        )
        parser.add_argument("--base-url", help="Run against a running server instead of in-process.")
        parser.add_argument("--list", action="store_true", help="List the scenarios (with --screens, the screens).")
        parser.add_argument(
            "--screens",
            action="store_true",
            help="Measure the client screens of workshop/screens.yaml three ways: REST, REST with ?fields=, GraphQL.",
        )
        under_load = parser.add_argument_group("under load (against a running server on this machine)")
        under_load.add_argument(
            "--load",
            metavar="LEVELS",
            help=f"Concurrency levels, e.g. {load.DEFAULT_LEVELS}: run each scenario's use case by that many "
            f"clients at once, in both styles (--base-url defaults to {load.DEFAULT_BASE_URL}).",
        )
        under_load.add_argument("--duration", type=float, help="Seconds per point (default 5).")
        under_load.add_argument("--max-requests", type=int, help="Requests per point at most (default 20000).")
        under_load.add_argument("--max-total", type=float, help="Seconds for the whole run at most (default 900).")
        under_load.add_argument("--timeout", type=float, help="Seconds a request may take (default 10).")
        under_load.add_argument("--chart", metavar="PATH", help="Write the chart, an SVG file, to PATH.")

    def handle(self, *args, scenarios: list[str], format: str, no_optimize: bool, base_url: str | None, **options):
        if base_url and not base_url.startswith(("http://", "https://")):
            raise CommandError("--base-url must start with http:// or https://")
        if options["screens"]:
            if scenarios:
                raise CommandError("--screens measures every screen; it takes no scenario names.")
            self._screens(format=format, optimize=not no_optimize, base_url=base_url, list_only=options["list"])
            return
        registry = load_scenarios()
        if options["list"]:
            for scenario in registry.values():
                self.stdout.write(f"{scenario.slug:<26} {scenario.title}")
            return
        load_options = ("duration", "max_requests", "max_total", "timeout", "chart")
        if options["load"] is not None:
            self.handle_load(registry, scenarios, format, no_optimize, base_url, options)
            return
        given = [f"--{name.replace('_', '-')}" for name in load_options if options[name] is not None]
        if given:
            raise CommandError(f"{', '.join(given)} only apply to a load run (--load {load.DEFAULT_LEVELS}).")
        unknown = [slug for slug in scenarios if slug not in registry]
        if unknown:
            raise CommandError(f"Unknown scenario(s): {', '.join(unknown)}. Known: {', '.join(registry)}.")
        chosen = [registry[slug] for slug in scenarios] or list(registry.values())
        transport = HttpTransport(base_url) if base_url else InProcessTransport()
        runs = []
        with transport:
            runner = Runner(transport, optimize=not no_optimize)
            for scenario in chosen:
                try:
                    runs.append(runner.run(scenario))
                except ScenarioFailed as exc:
                    raise CommandError(f"{scenario.slug}: {exc}") from exc
                except OSError as exc:
                    raise CommandError(f"{scenario.slug}: cannot reach {base_url}: {exc}") from exc
        if format == "json":
            self.stdout.write(json.dumps(as_json(runs), indent=2))
        elif format == "markdown":
            self.stdout.write(as_markdown(runs))
        else:
            self.stdout.write(as_table(runs))
        if not all(run.equal for run in runs):
            raise CommandError("Some scenarios gave different results in the two API styles (shown above).")

    def _screens(self, *, format: str, optimize: bool, base_url: str | None, list_only: bool) -> None:
        try:
            screens = load_screens()
        except ScenarioError as exc:
            raise CommandError(f"workshop/screens.yaml: {exc}") from exc
        if list_only:
            for screen in screens.values():
                self.stdout.write(f"{screen.slug:<26} {screen.title}")
            return
        transport = HttpTransport(base_url) if base_url else InProcessTransport()
        with transport:
            try:
                report = run_screens(Runner(transport, optimize=optimize), list(screens.values()))
            except ScenarioFailed as exc:
                raise CommandError(str(exc)) from exc
            except OSError as exc:
                raise CommandError(f"cannot reach {base_url}: {exc}") from exc
        formats = {"json": screens_json, "markdown": screens_markdown, "table": screens_table}
        self.stdout.write(formats[format](report))
        if not report.same_data:
            raise CommandError("Some screens got different data from sparse REST and GraphQL (shown above).")

    def handle_load(self, registry, slugs, format, no_optimize, base_url, options) -> None:
        if no_optimize:
            raise CommandError("--no-optimize is for a single run; a load run measures the server as it serves.")
        defaults = load.Settings()
        settings = load.Settings(
            duration_s=_bounded(options["duration"], defaults.duration_s, "--duration", 0.1, load.MAX_DURATION_S),
            max_requests=int(_bounded(options["max_requests"], defaults.max_requests, "--max-requests", 1, 10**7)),
            max_total_s=_bounded(options["max_total"], defaults.max_total_s, "--max-total", 0.1, 24 * 3600),
            timeout_s=_bounded(options["timeout"], defaults.timeout_s, "--timeout", 0.1, 120),
        )
        chart = Path(options["chart"]) if options["chart"] else None
        if chart and (chart.suffix.lower() != ".svg" or not chart.parent.is_dir()):
            raise CommandError(
                f"--chart writes an SVG file: give a path ending in .svg in a folder that exists, not {chart}"
            )
        try:
            levels = load.parse_levels(options["load"])
            chosen = load.choose_scenarios(registry, slugs)
            run = load.run_load(base_url or load.DEFAULT_BASE_URL, chosen, levels, settings, progress=self.stderr.write)
        except load.LoadError as exc:
            raise CommandError(str(exc)) from exc
        if format == "json":
            self.stdout.write(json.dumps(run, indent=2))
        elif format == "markdown":
            self.stdout.write(load_report.as_markdown(run))
        else:
            self.stdout.write(load_report.as_table(run))
        if chart:
            chart.write_text(load_report.chart_svg(run), encoding="utf-8")
            self.stderr.write(f"Chart written to {chart}.")
        try:
            load.save_run(run)
        except DatabaseError as exc:
            raise CommandError(
                f"The run was not saved, so /compare/load/ cannot show it ({exc}); run `manage.py migrate`."
            ) from exc
        self.stderr.write("Saved in the database: /compare/load/ shows this run (in workshop mode).")


def _bounded(value: float | None, default: float, name: str, low: float, high: float) -> float:
    if value is None:
        return default
    if not low <= value <= high:
        raise CommandError(f"{name} must be between {low:g} and {high:g}, not {value:g}")
    return value
