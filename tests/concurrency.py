"""Run calls at the same moment, each in its own thread and database connection."""

import threading
from collections.abc import Callable
from typing import Any


def run_at_once(*calls: Callable[[], Any], timeout: float = 30) -> list[Any]:
    """Each call's result, or the exception it raised; a barrier lines the threads up."""
    from django.db import connection

    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=timeout)
            results[index] = call()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout * 2)
    return results
