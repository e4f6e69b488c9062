"""Background work: a QgsTask around one engine process; layers are added in ``finished()``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from qgis.core import Qgis, QgsMessageLog, QgsTask

from .engine import EngineOutcome, EngineRun

LOG_TAG = "Sea Ice Mapper"


class EngineTask(QgsTask):
    """Runs ``python -m core --json COMMAND ARGS`` off the main thread.

    ``outcome`` says how it ended (result, the engine's error, cancelled or crashed, with the
    engine's log); ``stage`` follows the engine's stage events and ``progress`` its fractions.
    Cancel terminates the process (then kills it); nothing reaches QGIS as an exception.
    """

    def __init__(
        self,
        description: str,
        command: str,
        args: Sequence[str],
        on_finished: Callable[[EngineTask], None],
        standby: bool = True,
    ) -> None:
        super().__init__(description, QgsTask.Flag.CanCancel)
        self.engine = EngineRun(command, args, standby=standby)
        self.on_finished = on_finished
        self.stage = "starting"
        self.outcome = EngineOutcome(command)

    @property
    def result(self) -> dict[str, Any] | None:
        return self.outcome.result

    @property
    def error(self) -> str | None:
        return None if self.outcome.ok or self.cancelled else self.outcome.message()

    @property
    def details(self) -> str | None:
        """The engine's log, for a crash or a bug (not for an error the analyst can fix)."""
        if not (self.outcome.crashed or self.outcome.bug):
            return None
        command = " ".join(self.engine.argv)
        status = self.outcome.returncode
        log = self.outcome.log or "(the engine wrote nothing on stderr)"
        return f"Command: {command}\nExit status: {status}\nEngine log (last lines):\n{log}"

    @property
    def cancelled(self) -> bool:
        """Cancelled while running, or before it started (QGIS then never calls ``run``)."""
        return self.outcome.cancelled or (self.isCanceled() and self.outcome.result is None)

    def _event(self, event: dict[str, Any]) -> None:
        if event.get("event") == "stage":
            self.stage = str(event.get("stage", self.stage))
            self.setProgress(100 * float(event.get("fraction", 0.0)))

    def run(self) -> bool:
        try:
            self.outcome = self.engine.follow(self._event, self.isCanceled)
        except Exception as error:  # a bug of ours: QGIS must not go down with it
            self.outcome.error = (
                f"Sea Ice Mapper failed unexpectedly ({type(error).__name__}: {error})."
            )
            self.outcome.error_type = type(error).__name__
            self.outcome.bug = True
        if self.outcome.crashed:
            QgsMessageLog.logMessage(
                f"{self.outcome.message()}\nEngine log:\n{self.outcome.log}",
                LOG_TAG,
                Qgis.MessageLevel.Critical,
            )
        return self.outcome.ok

    def finished(self, result: bool) -> None:
        self.on_finished(self)
