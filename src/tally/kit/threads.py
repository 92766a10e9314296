"""Run a blocking iterator in a thread and consume it asynchronously, a few items ahead.

The producer parses batch k+1 while the event loop is still writing batch k to the database, so
parsing and loading overlap instead of taking turns. The queue is bounded: memory holds at most
``depth`` items whatever the input size, and the producer stops as soon as the consumer does.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TypeVar

T = TypeVar("T")

_DONE = object()


async def iterate_in_thread(
    make_iterator: Callable[[], Iterator[T]], *, depth: int = 2
) -> AsyncIterator[T]:
    """Yield the items of ``make_iterator()``, produced in a daemon thread; errors propagate."""
    items: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in make_iterator():
                while not stop.is_set():
                    try:
                        items.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            items.put(_DONE)
        except BaseException as error:  # handed to the consumer, which re-raises it
            items.put(error)

    thread = threading.Thread(target=produce, name="tally-producer", daemon=True)
    thread.start()
    try:
        while True:
            item = await asyncio.to_thread(items.get)
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        while thread.is_alive():  # drain so a blocked put returns and the thread can end
            try:
                items.get_nowait()
            except queue.Empty:
                await asyncio.sleep(0.01)
        # A consumer cancelled while awaiting the next item leaves a worker thread blocked in
        # items.get(): hand it an item, or the event loop's executor never shuts down.
        with contextlib.suppress(queue.Full):
            items.put_nowait(_DONE)
