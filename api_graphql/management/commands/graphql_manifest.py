"""Write the allow-list of persisted documents (Apollo's persisted-query manifest format).

    manage.py graphql_manifest clients/queries/ workshop/scenarios.yaml --out api_graphql/persisted-queries.json

Each ``.graphql`` file is one document; in a YAML file, every ``query:`` value is one (the
workshop's scenarios, say), but for a step marked ``refused: true``, which shows how the
server refuses a broken document. Every document is parsed and validated against the
schema first: a manifest never lists a document the server would refuse.
"""

import json
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from graphql import OperationDefinitionNode

from api_graphql.documents import current_limits, parse_and_validate
from api_graphql.persisted import document_hash
from api_graphql.schema import schema


def _yaml_queries(value: Any) -> list[str]:
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, inner in item.items():
                if key == "query" and isinstance(inner, str):
                    if item.get("refused") is not True:
                        found.append(inner)
                else:
                    stack.append(inner)
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return found


def _documents(paths: list[str]) -> list[tuple[str, str]]:
    documents: list[tuple[str, str]] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise CommandError(f"{path}: no such file or folder")
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.suffix == ".graphql":
                documents.append((str(file), file.read_text(encoding="utf-8")))
            elif file.suffix in (".yaml", ".yml"):
                documents.extend((str(file), query) for query in _yaml_queries(yaml.safe_load(file.read_text())))
    return documents


class Command(BaseCommand):
    help = "Write the allow-list of persisted GraphQL documents for GRAPHQL_PERSISTED_ONLY mode."

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", help=".graphql files, YAML files with `query:` values, or folders")
        parser.add_argument("--out", default=settings.GRAPHQL_PERSISTED_MANIFEST, help="the manifest to write")

    def handle(self, *args: Any, paths: list[str], out: str, **options: Any) -> None:
        operations: dict[str, dict[str, str]] = {}
        for origin, body in _documents(paths):
            document, errors = parse_and_validate(
                schema.graphql_schema, body, current_limits(), settings.GRAPHQL_MAX_TOKENS
            )
            if errors:
                raise CommandError(f"{origin}: {errors[0].message}")
            operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
            digest = document_hash(body)
            operations[digest] = {
                "id": digest,
                "name": operation.name.value if operation.name else "",
                "type": operation.operation.value,
                "body": body,
            }
            self.stdout.write(f"  {digest[:12]}  {operation.operation.value:<8} {origin}")
        manifest = {"format": "apollo-persisted-query-manifest", "version": 1, "operations": list(operations.values())}
        Path(out).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"{len(operations)} document(s) written to {out}"))
