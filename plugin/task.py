"""The background run: a QgsTask around core's prediction; layers only in ``finished()``."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path

from qgis.core import Qgis, QgsMessageLog, QgsTask

from ..core.errors import RunCancelledError, SeaIceMapperError
from ..core.predict.params import PredictParams

LOG_TAG = "Sea Ice Mapper"


class PredictTask(QgsTask):
    """Plain parameters in (captured on the main thread), a ``RunResult`` or an error out."""

    def __init__(self, scene: str, out_dir: Path, params: PredictParams,
                 on_finished: Callable[[PredictTask], None]) -> None:  # fmt: skip
        super().__init__(f"Sea Ice Mapper: {Path(scene).name}", QgsTask.CanCancel)
        self.scene, self.out_dir, self.params = scene, out_dir, params
        self.on_finished = on_finished
        self.stage = "starting"
        self.result = None  # core.predict.run.RunResult on success
        self.error: str | None = None  # what to tell the analyst
        self.details: str | None = None  # a traceback, for a plugin bug
        self.cancelled = False

    def _progress(self, stage: str, fraction: float) -> None:
        self.stage = stage
        self.setProgress(100 * fraction)

    def run(self) -> bool:
        try:
            from ..core.predict.progress import Reporter
            from ..core.predict.run import run_prediction

            reporter = Reporter(self._progress, self.isCanceled)
            self.result = run_prediction(self.scene, self.out_dir, self.params, report=reporter)
            return True
        except RunCancelledError:
            self.cancelled = True
        except SeaIceMapperError as error:
            self.error = str(error)
        except Exception as error:  # a bug of ours: QGIS must not go down with it
            self.error = f"Sea Ice Mapper failed unexpectedly ({type(error).__name__}: {error})."
            self.details = traceback.format_exc()
            QgsMessageLog.logMessage(f"Plugin bug, please report it:\n{self.details}", LOG_TAG,
                                     Qgis.Critical)  # fmt: skip
        return False

    def finished(self, result: bool) -> None:
        self.on_finished(self)
