"""A switch for the query optimisations of reads, so a workshop can show N+1 and its fix.

On by default. Off only inside ``query_optimization(False)``: list selectors then skip
their prefetches and every row loads its relations on its own.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_enabled: ContextVar[bool] = ContextVar("query_optimization", default=True)


def query_optimization_enabled() -> bool:
    return _enabled.get()


@contextmanager
def query_optimization(enabled: bool) -> Iterator[None]:
    token = _enabled.set(enabled)
    try:
        yield
    finally:
        _enabled.reset(token)
