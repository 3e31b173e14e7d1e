"""Bounded fan-out keeps order and surfaces the first error."""

from __future__ import annotations

import threading
import time

import pytest

from immkit.immich.concurrency import map_concurrent


def test_results_keep_input_order() -> None:
    def slow_square(n: int) -> int:
        time.sleep(0.001 * (10 - n))
        return n * n

    assert map_concurrent(slow_square, range(10), workers=4) == [n * n for n in range(10)]


def test_never_more_workers_than_asked() -> None:
    running = 0
    peak = 0
    lock = threading.Lock()

    def work(_: int) -> None:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.005)
        with lock:
            running -= 1

    map_concurrent(work, range(20), workers=3)
    assert peak <= 3


def test_first_error_is_raised() -> None:
    def fail_on_three(n: int) -> int:
        if n == 3:
            raise KeyError(n)
        return n

    with pytest.raises(KeyError):
        map_concurrent(fail_on_three, range(8), workers=4)


def test_no_items_no_threads() -> None:
    assert map_concurrent(str, [], workers=8) == []
