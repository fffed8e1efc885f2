"""Every GraphQL document the test suite sends, found by reading the test files.

A document is a string literal, or an f-string, in a module under ``tests/`` that parses
as a GraphQL document with at least one operation. The values an f-string interpolates
are taken from the module's globals where they are constants (``BOOK_FIELDS``); a value
known only at run time (a fixture's id) becomes a placeholder: ``0`` inside a GraphQL
string, elsewhere the first of ``1``, ``__typename`` and ``first: 1`` that gives a document.
"""

import ast
import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode, parse

TESTS = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Found:
    text: str
    module: str
    line: int


@cache
def documents(*, exclude: tuple[str, ...] = ()) -> tuple[Found, ...]:
    """Distinct documents, in file order, leaving out the modules named in ``exclude``."""
    seen: set[str] = set()
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        module = ".".join(path.relative_to(TESTS.parent).with_suffix("").parts)
        if module in exclude:
            continue
        for item in _strings(path, module):
            text = item.text.strip()
            if text in seen or not _is_operation(text):
                continue
            seen.add(text)
            found.append(Found(text, item.module, item.line))
    return tuple(found)


def _strings(path: Path, module: str) -> Iterator[Found]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    namespace: dict[str, Any] | None = None
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield Found(node.value, module, node.lineno)
        elif isinstance(node, ast.JoinedStr):
            if namespace is None:
                namespace = _globals(module)
            renders = [_render(node, namespace, filler) for filler in _FILLERS]
            text = next((r for r in renders if _is_operation(r.strip())), renders[0])
            yield Found(text, module, node.lineno)


def _globals(module: str) -> dict[str, Any]:
    try:
        return vars(importlib.import_module(module))
    except Exception:  # a module that cannot be imported alone still has its literals read
        return {}


_FILLERS = ("1", "__typename", "first: 1")


def _render(node: ast.JoinedStr, namespace: dict[str, Any], filler: str) -> str:
    out: list[str] = []
    for part in node.values:
        if isinstance(part, ast.Constant):
            out.append(str(part.value))
            continue
        value = _constant(part, namespace)
        if value is None:
            value = "0" if "".join(out).count('"') % 2 else filler
        out.append(value)
    return "".join(out)


def _constant(part: ast.FormattedValue, namespace: dict[str, Any]) -> str | None:
    """The text of an interpolated expression made of module constants only, else None."""
    names = {n.id for n in ast.walk(part.value) if isinstance(n, ast.Name)}
    if not names <= namespace.keys() or any(isinstance(n, ast.Call) for n in ast.walk(part.value)):
        return None
    try:
        value = eval(compile(ast.Expression(part.value), "<corpus>", "eval"), dict(namespace))
    except Exception:
        return None
    if not isinstance(value, (str, int, float)):
        return None
    spec = ""
    if part.format_spec is not None:
        spec = "".join(str(v.value) for v in part.format_spec.values if isinstance(v, ast.Constant))
    conversion = {-1: str, 114: repr, 115: str, 97: ascii}[part.conversion]
    return format(value if part.conversion == -1 else conversion(value), spec)


def _is_operation(text: str) -> bool:
    if "{" not in text:
        return False
    try:
        document = parse(text)
    except (GraphQLError, RecursionError):
        return False
    return any(isinstance(d, OperationDefinitionNode) for d in document.definitions)
