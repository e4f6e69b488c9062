"""Where a run's time goes: consecutive stages that add up to the process's wall time.

The first run of a process also records how long the process took to get there (interpreter
start, imports, argument parsing), read from the kernel's record of the process start; later
runs of the same process (a batch, the engine) start at their own call.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

STARTING = "starting and importing"
_process_start_charged = False


def seconds_since_process_start() -> float | None:
    """Linux: the process's age from ``/proc/self/stat`` (start time in clock ticks after boot)
    and ``CLOCK_BOOTTIME``; None elsewhere. Resolution: one clock tick (10 ms)."""
    try:
        after_name = Path("/proc/self/stat").read_text(encoding="ascii").rsplit(")", 1)[1]
        start_ticks = int(after_name.split()[19])  # field 22 of proc(5); field 3 is index 0
        now = time.clock_gettime(time.CLOCK_BOOTTIME)
        return max(now - start_ticks / os.sysconf("SC_CLK_TCK"), 0.0)
    except (OSError, ValueError, IndexError, AttributeError):
        return None


class Stages:
    """Consecutive stages: ``lap(name)`` closes the stage running since the previous lap."""

    def __init__(self) -> None:
        global _process_start_charged
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()
        if not _process_start_charged:
            _process_start_charged = True
            age = seconds_since_process_start()
            if age is not None:
                self.seconds[STARTING] = age

    def lap(self, name: str) -> float:
        now = time.perf_counter()
        elapsed = now - self._last
        self.seconds[name] = self.seconds.get(name, 0.0) + elapsed
        self._last = now
        return elapsed

    def absorb(self, seconds: dict[str, float]) -> None:
        """Stages a callee timed since the last lap; what it left untimed goes to its last."""
        now = time.perf_counter()
        elapsed, self._last = now - self._last, now
        for name, value in seconds.items():
            self.seconds[name] = self.seconds.get(name, 0.0) + value
        if seconds:
            self.seconds[list(seconds)[-1]] += elapsed - sum(seconds.values())

    def moved_before(self, earlier: str, name: str, seconds: float) -> None:
        """Record ``name``, done before this run began: carved out of the ``earlier`` stage
        when that holds it (a batch loads its model inside its process's start-up)."""
        if earlier in self.seconds:
            self.seconds[earlier] = max(self.seconds[earlier] - seconds, 0.0)
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds
