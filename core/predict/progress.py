"""Progress and cancellation hooks shared by the CLI, the QGIS task and Processing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..errors import RunCancelledError

ProgressCallback = Callable[[str, float], None]  # (stage, overall fraction 0..1)
CancelCheck = Callable[[], bool]

# Stages a run goes through, with the share of a typical CPU run's time each takes.
STAGES = {"reading": 0.15, "preprocessing": 0.05, "model": 0.3, "writing layers": 0.5}


@dataclass
class Reporter:
    on_progress: ProgressCallback | None = None
    is_cancelled: CancelCheck | None = None

    def __call__(self, stage: str, within: float = 0.0) -> None:
        """Report ``within`` (0..1) of ``stage`` done; raise if the user cancelled."""
        if self.is_cancelled is not None and self.is_cancelled():
            raise RunCancelledError(f"Cancelled during {stage}; nothing was written.")
        if self.on_progress is not None:
            names = list(STAGES)
            done = sum(STAGES[name] for name in names[: names.index(stage)])
            self.on_progress(stage, min(1.0, done + STAGES[stage] * within))
