"""The Sea Ice Mapper panel: pick a scene, press Run, watch it, get styled layers.

The dock only translates widgets into ``DockSettings`` (kept in QgsSettings) and core's run
parameters; the work happens in the engine, a separate process (``python -m core --json``)
followed by an ``EngineTask``, so QGIS stays responsive and never loads torch and friends.

Engine set-up hook: when ``plugin/engine_setup.py`` exists and defines ``EngineSetupWidget``,
the dock shows ``EngineSetupWidget(dock)`` under its engine line; the widget calls
``dock.engine_changed()`` once it has installed (or repaired) the engine.
"""

from __future__ import annotations

import importlib
import importlib.util
import time
from pathlib import Path

from qgis.core import Qgis, QgsApplication, QgsMapLayerProxyModel
from qgis.gui import QgsFileWidget, QgsMapLayerComboBox
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.draft.params import DraftParams
from ..core.engine.arguments import chart_arguments, compare_arguments, predict_arguments
from ..core.errors import SeaIceMapperError
from ..core.output.contract import DRAFT_FILE
from .diagnostics import diagnostics
from .engine import NOT_SET_UP, Standby
from .engine_env import engine_python
from .layers import add_comparison_layers, add_draft_chart, add_run_layers
from .settings import DEVICES, DockSettings
from .task import LOG_TAG, EngineTask

SCENE_FILTER = (
    "Scenes: AI4Arctic netCDF, Sentinel-1 SAFE (manifest.safe) or zip "
    "(*.nc manifest.safe *.SAFE *.zip);;All files (*)"
)

DEVICE_LABELS = {"auto": "Auto (CUDA if available)", "cuda": "CUDA (NVIDIA GPU)", "cpu": "CPU"}


def _wrapped_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class SeaIceMapperDock(QDockWidget):
    def __init__(self, iface, parent=None):
        super().__init__("Sea Ice Mapper", parent)
        self.setObjectName("SeaIceMapperDock")
        self.iface = iface
        self.settings = DockSettings.load()
        self.task: EngineTask | None = None
        self.last_task: EngineTask | None = None
        self.last_run: Path | None = None  # the folder of the last finished run
        self.follow_up: EngineTask | None = None
        self.checking: EngineTask | None = None  # the engine's `info` on the chosen scene
        self.checking_path = ""
        self.scene_checks: dict[str, tuple[str, bool]] = {}  # path -> the engine's (text, ok)
        self.diagnostics_task: EngineTask | None = None
        self.last_diagnostics = ""
        self.last_report: tuple[str, str | None] = ("", None)  # the last message and its details
        self.started = 0.0
        self._build()
        self._show_settings()
        self.engine_changed()
        self.timer = QTimer(self)
        self.timer.setInterval(500)
        self.timer.timeout.connect(self._tick)

    # -- widgets ---------------------------------------------------------------------------
    def _build(self) -> None:
        body = QWidget(self)
        layout = QVBoxLayout(body)
        form = QFormLayout()
        self.scene_widget = QgsFileWidget()
        self.scene_widget.setFilter(SCENE_FILTER)
        self.scene_widget.setToolTip(
            "An AI4Arctic scene (.nc), a Sentinel-1 .SAFE folder (or its manifest.safe), "
            "or a Sentinel-1 .zip"
        )
        self.scene_widget.fileChanged.connect(self._scene_changed)
        self.recent = QComboBox()
        self.recent.setToolTip("Recently used scenes")
        self.recent.activated.connect(self._recent_chosen)
        self.scene_info = _wrapped_label()
        self.weights_widget = QgsFileWidget()
        self.weights_widget.setFilter("Weight bundle manifest (*.json)")
        self.weights_widget.setToolTip("Empty: the bundled default weights")
        self.weights_widget.fileChanged.connect(self._weights_changed)
        self.model_info = _wrapped_label()
        self.device = QComboBox()
        for key in DEVICES:
            self.device.addItem(DEVICE_LABELS[key], key)
        self.ran_on = _wrapped_label("Ran on: —")
        self.output_widget = QgsFileWidget()
        self.output_widget.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        self.output_widget.setToolTip("Empty: a folder 'sea_ice_mapper' next to the scene")
        self.sar = QCheckBox("Add SAR HH/HV layers")
        self.overwrite = QCheckBox("Overwrite an earlier run of the scene")
        form.addRow("Scene", self.scene_widget)
        form.addRow("Recent", self.recent)
        form.addRow("", self.scene_info)
        form.addRow("Model", self.weights_widget)
        form.addRow("", self.model_info)
        form.addRow("Device", self.device)
        form.addRow("", self.ran_on)
        form.addRow("Output folder", self.output_widget)
        form.addRow("", self.sar)
        form.addRow("", self.overwrite)
        self.engine_info = _wrapped_label()
        layout.addWidget(self.engine_info)
        self.engine_setup = _engine_setup_widget(self)
        if self.engine_setup is not None:
            layout.addWidget(self.engine_setup)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        self.run_button = QPushButton("Run")
        self.run_button.clicked.connect(self.start_run)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_run)
        self.diagnostics_button = QPushButton("Diagnostics")
        self.diagnostics_button.setToolTip("Copy a Markdown report for a bug report")
        self.diagnostics_button.clicked.connect(self.copy_diagnostics)
        for button in (self.run_button, self.cancel_button, self.diagnostics_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        follow_up = QHBoxLayout()
        self.draft_button = QPushButton("Draft ice chart")
        self.draft_button.setToolTip("Polygons with SIGRID-3 egg codes from the last run")
        self.draft_button.clicked.connect(self.start_draft)
        follow_up.addWidget(self.draft_button)
        self.compare_button = QPushButton("Compare with chart")
        self.compare_button.setToolTip("Score the last run against the chosen ice chart layer")
        self.compare_button.clicked.connect(self.start_compare)
        follow_up.addWidget(self.compare_button)
        layout.addLayout(follow_up)
        self.chart_layer = QgsMapLayerComboBox()
        self.chart_layer.setFilters(QgsMapLayerProxyModel.Filter.PolygonLayer)
        self.chart_layer.setAllowEmptyLayer(True)
        self.chart_layer.setToolTip(
            "A SIGRID-3 chart loaded in the project; empty: the scene's own chart"
        )
        chart_row = QFormLayout()
        chart_row.addRow("Ice chart", self.chart_layer)
        layout.addLayout(chart_row)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.status = _wrapped_label("Pick a scene.")
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.setWidget(body)

    def _show_settings(self) -> None:
        s = self.settings
        self.recent.clear()
        self.recent.addItems(s.recent_scenes)
        self.scene_widget.setFilePath(s.scene)
        self.weights_widget.setFilePath(s.weights)
        self.device.setCurrentIndex(max(0, self.device.findData(s.device)))
        self.output_widget.setFilePath(s.output_dir)
        self.sar.setChecked(s.sar_layers)
        self.overwrite.setChecked(s.overwrite)
        self._scene_changed(s.scene)
        self._weights_changed(s.weights)

    def read_widgets(self) -> DockSettings:
        s = self.settings
        s.scene = self.scene_widget.filePath()
        s.weights = self.weights_widget.filePath()
        s.device = self.device.currentData()
        s.output_dir = self.output_widget.filePath()
        s.sar_layers = self.sar.isChecked()
        s.overwrite = self.overwrite.isChecked()
        return s

    # -- validation as the user picks -------------------------------------------------------
    def _recent_chosen(self, index: int) -> None:
        self.scene_widget.setFilePath(self.recent.itemText(index))

    def _scene_changed(self, path: str) -> None:
        """Ask the engine (``info``) about the scene; the answer shows under the picker."""
        if self.checking is not None:
            if self.checking_path == path:
                return  # already asked
            self.checking.cancel()
            self.checking = None
        if not path:
            self._show_scene_info("", ok=True)
            return
        if path in self.scene_checks:  # asked before: the engine's answer stands
            self._show_scene_info(*self.scene_checks[path])
            return
        if engine_python() is None:
            self._show_scene_info(NOT_SET_UP, ok=False)
            return
        self._show_scene_info("Checking the scene…", ok=True)
        task = EngineTask(
            f"Sea Ice Mapper: check {Path(path).name}",
            "info",
            [path],
            lambda t: self._scene_checked(t, path),
        )
        self.checking, self.checking_path = task, path
        QgsApplication.taskManager().addTask(task)

    def _scene_checked(self, task: EngineTask, path: str) -> None:
        if task is self.checking:
            self.checking = None
        if task.cancelled:
            return
        if task.result is None:
            self._show_scene_info(task.error or "The engine could not check the scene.", ok=False)
            return
        [scene] = task.result["scenes"]
        ok = bool(scene["ok"])
        self.scene_checks[path] = (scene["description"] if ok else scene["message"], ok)
        if path == self.scene_widget.filePath():
            self._show_scene_info(*self.scene_checks[path])

    def _show_scene_info(self, text: str, ok: bool) -> None:
        self.scene_info.setText(text)
        self.scene_info.setStyleSheet("" if ok else "color: #b00020")

    def engine_changed(self) -> None:
        """Slot for the engine set-up widget: the engine was installed, repaired or removed.

        Re-reads the engine interpreter, shows it, and enables what needs it.
        """
        python = engine_python()
        Standby.prepare(python)  # imports torch & co. while the analyst picks a scene
        if python is None:
            self.engine_info.setText(NOT_SET_UP)
            self.engine_info.setStyleSheet("color: #b00020")
        else:
            self.engine_info.setText(f"Engine: {python}")
            self.engine_info.setStyleSheet("")
        self.run_button.setEnabled(python is not None and self.task is None)
        self._enable_follow_up()
        self.scene_checks.clear()
        self._scene_changed(self.scene_widget.filePath())

    def _weights_changed(self, path: str) -> bool:
        from ..core.model.manifest import read_manifest, resolve_weights

        try:
            manifest = read_manifest(resolve_weights(path or None))
            prefix = "" if path else "Bundled default: "
            self.model_info.setText(prefix + manifest.summary())
            self.model_info.setStyleSheet("")
            return True
        except SeaIceMapperError as error:
            self.model_info.setText(str(error))
            self.model_info.setStyleSheet("color: #b00020")
            return False

    # -- running ----------------------------------------------------------------------------
    def start_run(self) -> EngineTask | None:
        settings = self.read_widgets()
        if engine_python() is None:
            self._report(NOT_SET_UP, Qgis.MessageLevel.Critical)
            return None
        if not settings.scene:
            self._report("Pick a scene first.", Qgis.MessageLevel.Warning)
            return None
        if not self.scene_checks.get(settings.scene, ("", True))[1] or not self._weights_changed(
            settings.weights
        ):
            self._report("Fix the scene or model shown in red first.", Qgis.MessageLevel.Warning)
            return None
        settings.remember_scene(settings.scene)
        settings.save()
        self.recent.clear()
        self.recent.addItems(settings.recent_scenes)
        args = predict_arguments([settings.scene], settings.output_folder(), settings.params())
        task = EngineTask(
            f"Sea Ice Mapper: {Path(settings.scene).name}", "predict", args, self._finished
        )
        task.progressChanged.connect(self._progress)
        self.task = task
        self.started = time.monotonic()
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        self.status.setText("Starting…")
        self.timer.start()
        QgsApplication.taskManager().addTask(task)
        return task

    def cancel_run(self) -> None:
        if self.task is not None:
            self.status.setText("Cancelling…")
            self.task.cancel()

    def stop_all(self) -> None:
        """Stop every engine process this dock started (the plugin is being unloaded)."""
        for task in (self.task, self.follow_up, self.checking, self.diagnostics_task):
            if task is not None:
                task.cancel()
        Standby.stop()

    def _progress(self, value: float) -> None:
        self.progress.setValue(int(value))
        self._tick()

    def _tick(self) -> None:
        if self.task is not None:
            elapsed = time.monotonic() - self.started
            self.status.setText(f"{self.task.stage.capitalize()} — {elapsed:.0f} s")

    def _finished(self, task: EngineTask) -> None:
        self.timer.stop()
        self.task, self.last_task = None, task
        self.run_button.setEnabled(engine_python() is not None)
        self.cancel_button.setEnabled(False)
        elapsed = time.monotonic() - self.started
        if task.cancelled:
            self.progress.setValue(0)
            self.status.setText("Cancelled; nothing was written.")
            return
        result = task.result
        if result is None:
            self._fail(task, "The run failed.")
            return
        for warning in task.outcome.warnings:
            self._report(warning, Qgis.MessageLevel.Warning)
        if result["failed"]:
            [failed] = result["failed"]
            self._report(failed["message"], Qgis.MessageLevel.Critical)
            return
        if result["runs"]:
            run, done = result["runs"][0], f"Done in {elapsed:.0f} s"
        else:  # skipped: the same scene, weights and parameters already ran into this folder
            run, done = result["skipped"][0], "Already done with the same weights and parameters"
        folder, device = Path(run["folder"]), run["device"]
        try:
            add_run_layers(folder)
        except Exception as error:  # never let a layer problem take QGIS down
            self._report(
                f"The run finished but its layers could not be added: {error}",
                Qgis.MessageLevel.Critical,
            )
            return
        self.last_run = folder
        self._enable_follow_up()
        if device:
            self.ran_on.setText(f"Ran on: {device}")
        self.progress.setValue(100)
        self.status.setText(f"{done}: {folder}")
        self._report(f"Charts of {folder.name} added. {done}.", Qgis.MessageLevel.Success)

    def _fail(self, task: EngineTask, fallback: str) -> None:
        """An engine error (the analyst's to fix) or a crash (with the engine's log)."""
        text = task.error or fallback
        self.status.setText(text)
        self._report(text, Qgis.MessageLevel.Critical, task.details)

    # -- after a run: draft chart --------------------------------------------------------------
    def _enable_follow_up(self) -> None:
        ready = self.last_run is not None and self.follow_up is None
        self.draft_button.setEnabled(ready)
        self.compare_button.setEnabled(ready)

    def _start_follow_up(self, task: EngineTask) -> EngineTask:
        self.follow_up = task
        self._enable_follow_up()
        QgsApplication.taskManager().addTask(task)
        return task

    def start_draft(self) -> EngineTask | None:
        """Draft chart of the last run, written as ``draft_chart.gpkg`` in its folder."""
        if self.last_run is None:
            self._report(
                "Run a prediction first; the draft chart is made from it.", Qgis.MessageLevel.Info
            )
            return None
        folder = self.last_run
        out = folder / DRAFT_FILE
        args = chart_arguments(folder, out, DraftParams(overwrite=self.overwrite.isChecked()))
        self.status.setText("Drafting the ice chart…")
        task = EngineTask(
            f"Sea Ice Mapper: draft chart of {folder.name}",
            "chart",
            args,
            lambda t: self._draft_finished(t, folder, out),
        )
        return self._start_follow_up(task)

    def _draft_finished(self, task: EngineTask, folder: Path, out: Path) -> None:
        self.follow_up = None
        self._enable_follow_up()
        if task.result is None:
            if not task.cancelled:
                self._fail(task, "The draft chart failed.")
            return
        try:
            add_draft_chart(folder, out)
        except Exception as error:  # never let a layer problem take QGIS down
            self._report(
                f"The draft chart was written but could not be added: {error}",
                Qgis.MessageLevel.Critical,
            )
            return
        for warning in task.outcome.warnings:
            self._report(warning, Qgis.MessageLevel.Warning)
        self._report(f"Draft chart added: {task.result['summary']}", Qgis.MessageLevel.Success)

    def start_compare(self) -> EngineTask | None:
        """Compare the last run with the chosen chart layer (or the scene's own chart)."""
        if self.last_run is None:
            self._report(
                "Run a prediction first; the comparison scores it.", Qgis.MessageLevel.Info
            )
            return None
        folder = self.last_run
        layer = self.chart_layer.currentLayer()
        chart = Path(layer.source().split("|")[0]) if layer is not None else None
        args = compare_arguments(folder, chart, None, self.overwrite.isChecked())
        self.status.setText("Comparing with the chart…")
        task = EngineTask(
            f"Sea Ice Mapper: compare {folder.name}",
            "compare",
            args,
            lambda t: self._compare_finished(t, folder),
        )
        return self._start_follow_up(task)

    def _compare_finished(self, task: EngineTask, folder: Path) -> None:
        self.follow_up = None
        self._enable_follow_up()
        if task.result is None:
            if not task.cancelled:
                self._fail(task, "The comparison failed.")
            return
        try:
            add_comparison_layers(folder, Path(task.result["folder"]))
        except Exception as error:  # never let a layer problem take QGIS down
            self._report(
                f"The comparison was written but its layers could not be added: {error}",
                Qgis.MessageLevel.Critical,
            )
            return
        for warning in task.outcome.warnings:
            self._report(warning, Qgis.MessageLevel.Warning)
        self._report(task.result["summary"], Qgis.MessageLevel.Success)

    def _report(self, text: str, level, details: str | None = None) -> None:
        self.last_report = (text, details)
        self.status.setText(text)
        bar = self.iface.messageBar() if self.iface is not None else None
        if bar is not None:
            if details:
                bar.pushMessage(LOG_TAG, text, details, level, 0)
            else:
                bar.pushMessage(LOG_TAG, text, level, 10)

    def copy_diagnostics(self) -> EngineTask | None:
        """Ask the engine for its versions and devices, then copy the whole report (Markdown).

        Without an engine the report (QGIS side only) is copied at once and None returned.
        """
        if engine_python() is None:
            self._diagnostics_done(None)
            return None
        self.status.setText("Asking the engine for its versions and devices…")
        task = EngineTask("Sea Ice Mapper: diagnostics", "diagnostics", [], self._diagnostics_done)
        self.diagnostics_task = task
        QgsApplication.taskManager().addTask(task)
        return task

    def _diagnostics_done(self, task: EngineTask | None) -> None:
        self.diagnostics_task = None
        report = diagnostics(task.outcome if task is not None else None)
        self.last_diagnostics = report
        QApplication.clipboard().setText(report)
        self._report("Diagnostics copied to the clipboard (Markdown).", Qgis.MessageLevel.Info)


def _engine_setup_widget(dock: SeaIceMapperDock) -> QWidget | None:
    """The env helper's *Set up engine* widget, when that module is installed with the plugin."""
    name = f"{__package__}.engine_setup"
    if importlib.util.find_spec(name) is None:
        return None
    module = importlib.import_module(name)
    return module.EngineSetupWidget(dock)
