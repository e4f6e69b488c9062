"""Background work: QgsTasks around core calls; layers are added only in ``finished()``."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qgis.core import Qgis, QgsMessageLog, QgsTask

from ..core.errors import RunCancelledError, SeaIceMapperError
from ..core.predict.params import PredictParams

LOG_TAG = "Sea Ice Mapper"


class CoreTask(QgsTask):
    """Runs ``work(task)`` off the main thread with plain inputs captured beforehand.

    A core error becomes ``error`` (words for the analyst); anything else is a bug of ours,
    logged with its traceback in ``details``; neither ever reaches QGIS as an exception.
    """

    def __init__(
        self, description: str, work: Callable[[CoreTask], Any], on_finished: Callable[[Any], None]
    ) -> None:
        super().__init__(description, QgsTask.CanCancel)
        self.work, self.on_finished = work, on_finished
        self.stage = "starting"
        self.result: Any = None
        self.error: str | None = None  # what to tell the analyst
        self.details: str | None = None  # a traceback, for a plugin bug
        self.cancelled = False

    def run(self) -> bool:
        try:
            self.result = self.work(self)
            return True
        except RunCancelledError:
            self.cancelled = True
        except SeaIceMapperError as error:
            self.error = str(error)
        except Exception as error:  # a bug of ours: QGIS must not go down with it
            self.error = f"Sea Ice Mapper failed unexpectedly ({type(error).__name__}: {error})."
            self.details = traceback.format_exc()
            QgsMessageLog.logMessage(
                f"Plugin bug, please report it:\n{self.details}", LOG_TAG, Qgis.Critical
            )
        return False

    def finished(self, result: bool) -> None:
        self.on_finished(self)


class PredictTask(CoreTask):
    """A scene's prediction with stage, progress and cancel; ``result`` is a ``RunResult``."""

    def __init__(
        self,
        scene: str,
        out_dir: Path,
        params: PredictParams,
        on_finished: Callable[[PredictTask], None],
    ) -> None:
        super().__init__(f"Sea Ice Mapper: {Path(scene).name}", self._predict, on_finished)
        self.scene, self.out_dir, self.params = scene, out_dir, params

    def _progress(self, stage: str, fraction: float) -> None:
        self.stage = stage
        self.setProgress(100 * fraction)

    def _predict(self, _task: CoreTask):
        from ..core.predict.progress import Reporter
        from ..core.predict.run import run_prediction

        reporter = Reporter(self._progress, self.isCanceled)
        return run_prediction(self.scene, self.out_dir, self.params, report=reporter)
