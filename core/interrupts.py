"""Hold Ctrl+C and the plugin's Cancel (SIGTERM) back for a few operations that must not be
split: creating a lock or staging entry and remembering that we own it, removing it, or
starting the model-loading thread that must be waited for.

An interrupt raised between ``os.open`` returning and the result being stored would leave a
lock file nobody owns; deferring it to the end of the block makes such steps atomic for us.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

DEFERRED = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Inside, SIGINT and SIGTERM are only noted; on leaving, the first one noted is handled
    as it would have been (its handler is called here, so its exception is raised here)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # Python runs signal handlers in the main thread only: nothing can interrupt us
        return
    previous = {signum: signal.getsignal(signum) for signum in DEFERRED}
    if None in previous.values():  # a handler installed from C: it cannot be put back
        yield
        return
    noted: list[signal.Signals] = []
    for signum in DEFERRED:
        signal.signal(signum, lambda number, frame: noted.append(signal.Signals(number)))
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if noted:
            _handle(noted[0], previous[noted[0]])


def _handle(signum: signal.Signals, handler: object) -> None:
    if callable(handler):
        handler(signum, None)
    elif handler == signal.SIG_DFL:
        signal.raise_signal(signum)  # the default action: end the process, as it would have
