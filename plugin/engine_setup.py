"""*Set up engine*: the background task that builds the managed engine, and a small widget the
dock embeds (shown while the engine is missing or outdated).

    widget = make_setup_widget(parent, on_ready)   # on_ready(EngineStatus) once it is ready
    widget = EngineSetupWidget(dock)               # the same; calls dock.engine_changed()

The widget: a status line, *Set up engine*, a progress bar with the current stage, *Cancel*,
*Show log* / *Copy log* (pip's whole output, to paste into an issue) and *Choose Python…*
(the interpreter to build from, when the automatic choice fails). The work itself is
plugin/engine_setup_pip.py; the engine's location and state are plugin/engine_env.py.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from qgis.core import QgsApplication, QgsSettings, QgsTask
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .engine_env import (
    BASE_PYTHON_SETTING,
    EngineStamp,
    EngineStatus,
    engine_status,
    managed_folder,
)
from .engine_setup_pip import (
    EngineInstaller,
    InstallPlan,
    SetupCanceledError,
    SetupError,
    choose_base_python,
    detect_gpu,
    plan_install,
    with_local_wheels,
)

WHEELHOUSE_ENV = "SEA_ICE_MAPPER_WHEELHOUSE"


def default_plan(folder: Path) -> InstallPlan:
    """Today's table from the package index, built from the configured or found Python, with
    CUDA torch when an NVIDIA GPU answers; from a folder of wheels only when the variable
    SEA_ICE_MAPPER_WHEELHOUSE names one (air-gapped sites). Runs programs: call it in the task."""
    configured = str(QgsSettings().value(BASE_PYTHON_SETTING, "") or "")
    base, version = choose_base_python(configured)
    plan = plan_install(folder, base, version, detect_gpu())
    wheelhouse = os.environ.get(WHEELHOUSE_ENV, "")
    return with_local_wheels(plan, Path(wheelhouse)) if wheelhouse else plan


class EngineSetupTask(QgsTask):
    """Builds the engine in QGIS's task manager; cancel stops pip and keeps the old engine."""

    stage_changed = pyqtSignal(str)
    log_line = pyqtSignal(str)

    def __init__(self, folder: Path, plan_factory: Callable[[Path], InstallPlan] = default_plan):
        super().__init__("Sea Ice Mapper: set up engine", QgsTask.Flag.CanCancel)
        self.folder = folder
        self.plan_factory = plan_factory
        self.log: list[str] = []
        self.stamp: EngineStamp | None = None
        self.error = ""
        self.canceled = False
        self.plan: InstallPlan | None = None
        self.installer: EngineInstaller | None = None

    def _progress(self, fraction: float, stage: str) -> None:
        self.setProgress(100 * fraction)
        self.stage_changed.emit(stage)  # queued to the main thread's widget

    def _log(self, line: str) -> None:
        self.log.append(line)
        self.log_line.emit(line)

    def run(self) -> bool:  # worker thread: no GUI work here
        try:
            self.plan = self.plan_factory(self.folder)
            if self.plan.torch is not None:
                self._log(f"torch: {self.plan.torch.describe()} ({self.plan.torch.spec})")
            self.installer = EngineInstaller(self.plan, self._progress, self._log, self.isCanceled)
            self.stamp = self.installer.run()
            return True
        except SetupCanceledError as error:
            self.canceled, self.error = True, str(error)
        except SetupError as error:
            self.error = str(error)
        except Exception as error:  # a bug: still a message, never a dead task
            self.error = f"The set-up stopped on an unexpected error: {error!r}"
        self._log(self.error)
        return False


class EngineSetupWidget(QWidget):
    """Status, *Set up engine*, progress, cancel and log, for the dock."""

    def __init__(
        self,
        parent: QWidget | None,
        on_ready: Callable[[EngineStatus], None] | None = None,
        folder: Path | None = None,
        plan_factory: Callable[[Path], InstallPlan] = default_plan,
    ) -> None:
        super().__init__(parent)
        self.folder = folder if folder is not None else managed_folder()
        self.on_ready = on_ready or self._tell_parent
        self.plan_factory = plan_factory
        self.task: EngineSetupTask | None = None
        self.log: list[str] = []

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setup_button = QPushButton("Set up engine")
        self.setup_button.setToolTip(
            "Creates the engine's Python environment in your QGIS profile folder and installs "
            "torch, netCDF4, rasterio and the rest from the package index (no administrator "
            "rights needed). CUDA torch when an NVIDIA GPU is found, else the CPU build."
        )
        self.cancel_button = QPushButton("Cancel")
        self.python_button = QPushButton("Choose Python…")
        self.python_button.setToolTip("The Python (3.9 or newer) to build the engine from")
        self.log_button = QPushButton("Show log")
        self.copy_button = QPushButton("Copy log")
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.stage = QLabel()
        self.stage.setWordWrap(True)
        self.log_view = QPlainTextEdit()
        self.log_view.setReadOnly(True)
        self.log_view.setMaximumBlockCount(5000)

        buttons = QHBoxLayout()
        for button in (self.setup_button, self.cancel_button, self.python_button):
            buttons.addWidget(button)
        log_buttons = QHBoxLayout()
        log_buttons.addWidget(self.log_button)
        log_buttons.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for item in (self.status, buttons, self.progress, self.stage, log_buttons, self.log_view):
            if isinstance(item, QWidget):
                layout.addWidget(item)
            else:
                layout.addLayout(item)

        self.setup_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.python_button.clicked.connect(self.choose_python)
        self.log_button.clicked.connect(self._toggle_log)
        self.copy_button.clicked.connect(self.copy_log)
        self.refresh()

    def _tell_parent(self, status: EngineStatus) -> None:
        """The dock's hook: ``EngineSetupWidget(dock)`` calls ``dock.engine_changed()``."""
        changed = getattr(self.parent(), "engine_changed", None)
        if callable(changed):
            changed()

    # -- state ------------------------------------------------------------------------------
    def engine(self) -> EngineStatus:
        return engine_status(self.folder)

    def refresh(self, message: str = "") -> EngineStatus:
        """Shows the engine's state; the set-up controls only while it is missing or outdated."""
        status = self.engine()
        running = self.task is not None
        self.status.setText(message or status.message)
        needs_setup = not status.ready and status.source in ("managed", "")
        self.setup_button.setVisible(needs_setup and not running)
        self.setup_button.setText(
            "Update engine" if status.state == "outdated" else "Set up engine"
        )
        self.python_button.setVisible(needs_setup and not running)
        self.cancel_button.setVisible(running)
        self.progress.setVisible(running)
        self.stage.setVisible(running)
        self.log_button.setVisible(bool(self.log))
        self.copy_button.setVisible(bool(self.log))
        self.log_view.setVisible(bool(self.log) and self.log_button.text() == "Hide log")
        return status

    # -- actions ----------------------------------------------------------------------------
    def start(self) -> None:
        if self.task is not None:
            return
        self.log.clear()
        self.log_view.clear()
        self.progress.setValue(0)
        self.stage.setText("Starting…")
        task = EngineSetupTask(self.folder, self.plan_factory)
        task.progressChanged.connect(lambda value: self.progress.setValue(int(value)))
        task.stage_changed.connect(self.stage.setText)
        task.log_line.connect(self._append_log)
        task.taskCompleted.connect(lambda: self._finished(task))
        task.taskTerminated.connect(lambda: self._finished(task))
        self.task = task  # keep a reference until it is done
        QgsApplication.taskManager().addTask(task)
        self.refresh("Setting up the engine…")

    def cancel(self) -> None:
        if self.task is not None:
            self.stage.setText("Canceling…")
            self.task.cancel()

    def choose_python(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "The Python to build the engine from")
        if path:
            QgsSettings().setValue(BASE_PYTHON_SETTING, path)
            self.refresh(f"The engine will be built from {path}. Press Set up engine.")

    def copy_log(self) -> None:
        QApplication.clipboard().setText("\n".join(self.log))

    def _append_log(self, line: str) -> None:
        self.log.append(line)
        self.log_view.appendPlainText(line)

    def _toggle_log(self) -> None:
        showing = self.log_button.text() == "Hide log"
        self.log_button.setText("Show log" if showing else "Hide log")
        self.refresh(self.status.text())

    def _finished(self, task: EngineSetupTask) -> None:
        self.task = None
        if task.stamp is not None:
            status = self.refresh(f"Engine ready: {task.stamp.describe()}, in {self.folder}.")
            if status.ready:
                self.on_ready(status)
            return
        self.refresh(task.error or "The set-up stopped.")


def make_setup_widget(
    parent: QWidget | None,
    on_ready: Callable[[EngineStatus], None] | None = None,
    folder: Path | None = None,
    plan_factory: Callable[[Path], InstallPlan] = default_plan,
) -> EngineSetupWidget:
    """The *Set up engine* widget for the dock. ``on_ready(status)`` runs on the main thread
    once a set-up has made the engine ready (``status.python`` is its interpreter; without
    ``on_ready``, ``parent.engine_changed()`` is called instead);
    ``widget.refresh()`` re-reads the engine's state (after the settings change), and
    ``widget.engine()`` returns it. ``folder`` and ``plan_factory`` are for tests."""
    return EngineSetupWidget(parent, on_ready, folder, plan_factory)
