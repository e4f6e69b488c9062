"""A one-line text progress bar for the command line (stderr; silent when not a terminal)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 30


class ProgressBar:
    def __init__(self, title: str, stream: TextIO | None = None) -> None:
        self.title = title
        self.stream = stream or sys.stderr
        self.start = time.perf_counter()
        self.interactive = self.stream.isatty()

    def __call__(self, stage: str, fraction: float) -> None:
        elapsed = time.perf_counter() - self.start
        filled = int(WIDTH * fraction)
        line = (
            f"{self.title} [{'#' * filled}{'.' * (WIDTH - filled)}] {100 * fraction:3.0f}% "
            f"{stage:<15} {elapsed:5.1f} s"
        )
        if self.interactive:
            end = "\n" if fraction >= 1 else ""
            self.stream.write("\r" + line + end)
            self.stream.flush()
