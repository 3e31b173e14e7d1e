"""Bounded fan-out of blocking calls over a thread pool."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def map_concurrent(fn: Callable[[T], R], items: Iterable[T], *, workers: int) -> list[R]:
    """Apply `fn` to every item on up to `workers` threads; results keep the input order.

    The first error to happen is re-raised; calls not yet started are dropped.
    """
    todo = list(items)
    if not todo:
        return []
    if workers <= 1 or len(todo) == 1:
        return [fn(item) for item in todo]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="immich") as pool:
        futures = [pool.submit(fn, item) for item in todo]
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        errors = [e for e in (f.exception() for f in done) if e is not None]
        if errors:
            for future in futures:
                future.cancel()
            raise errors[0]
        return [f.result() for f in futures]
