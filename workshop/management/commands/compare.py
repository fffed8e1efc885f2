import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from workshop.registry import load_scenarios
from workshop.report import as_json, as_markdown, as_table
from workshop.runner import HttpTransport, InProcessTransport, Runner, ScenarioFailed


class Command(BaseCommand):
    help = "Run workshop scenarios through the REST and the GraphQL API and compare what each cost."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("scenarios", nargs="*", metavar="SCENARIO", help="Scenario slugs (default: all).")
        parser.add_argument("--format", choices=["table", "json", "markdown"], default="table")
        parser.add_argument(
            "--no-optimize", action="store_true", help="Turn query optimisation off in both APIs (shows N+1)."
        )
        parser.add_argument("--base-url", help="Run against a running server instead of in-process.")
        parser.add_argument("--list", action="store_true", help="List the scenarios and exit.")

    def handle(self, *args, scenarios: list[str], format: str, no_optimize: bool, base_url: str | None, **options):
        registry = load_scenarios()
        if options["list"]:
            for scenario in registry.values():
                self.stdout.write(f"{scenario.slug:<26} {scenario.title}")
            return
        unknown = [slug for slug in scenarios if slug not in registry]
        if unknown:
            raise CommandError(f"Unknown scenario(s): {', '.join(unknown)}. Known: {', '.join(registry)}.")
        if base_url and not base_url.startswith(("http://", "https://")):
            raise CommandError("--base-url must start with http:// or https://")
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
