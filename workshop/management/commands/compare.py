import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

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
