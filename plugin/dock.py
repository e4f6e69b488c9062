"""The Sea Ice Mapper panel: pick a scene, press Run, watch it, get styled layers.

The dock only translates widgets into ``DockSettings`` (kept in QgsSettings) and core's run
parameters; the work happens in a ``PredictTask`` so QGIS stays responsive.
"""

from __future__ import annotations

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

from ..core.errors import SeaIceMapperError
from .deps import dependency_problem, diagnostics
from .layers import add_comparison_layers, add_draft_chart, add_run_layers
from .settings import DEVICES, DockSettings
from .task import LOG_TAG, CoreTask, PredictTask

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
        self.task: PredictTask | None = None
        self.last_task: PredictTask | None = None
        self.last_run: Path | None = None  # the folder of the last finished run
        self.follow_up: CoreTask | None = None
        self.started = 0.0
        self._build()
        self._show_settings()
        self._enable_follow_up()
        self.timer = QTimer(self)
        self.timer.setInterval(500)
        self.timer.timeout.connect(self._tick)

    # -- widgets ---------------------------------------------------------------------------
    def _build(self) -> None:
        body = QWidget(self)
        layout = QVBoxLayout(body)
        form = QFormLayout()
        self.scene_widget = QgsFileWidget()
        self.scene_widget.setFilter("AI4Arctic scenes (*_prep.nc *.nc)")
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
        self.output_widget.setStorageMode(QgsFileWidget.GetDirectory)
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
        self.chart_layer.setFilters(QgsMapLayerProxyModel.PolygonLayer)
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

    def _scene_changed(self, path: str) -> bool:
        if not path:
            self.scene_info.setText("")
            return False
        problem = dependency_problem()  # checked before importing what could crash QGIS
        if problem is None:
            try:
                from ..core.scene.reader import open_scene

                with open_scene(path) as scene:
                    self.scene_info.setText(scene.info.describe())
                self.scene_info.setStyleSheet("")
                return True
            except ImportError as error:
                problem = f"A package the plugin needs fails to import ({error}); see Diagnostics."
            except SeaIceMapperError as error:
                problem = str(error)
        self.scene_info.setText(problem)
        self.scene_info.setStyleSheet("color: #b00020")
        return False

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
    def start_run(self) -> PredictTask | None:
        settings = self.read_widgets()
        problem = dependency_problem()
        if problem:
            self._report(problem, Qgis.Critical)
            return None
        if not self._scene_changed(settings.scene) or not self._weights_changed(settings.weights):
            self._report("Fix the scene or model shown in red first.", Qgis.Warning)
            return None
        settings.remember_scene(settings.scene)
        settings.save()
        self.recent.clear()
        self.recent.addItems(settings.recent_scenes)
        task = PredictTask(
            settings.scene, settings.output_folder(), settings.params(), self._finished
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

    def _progress(self, value: float) -> None:
        self.progress.setValue(int(value))
        self._tick()

    def _tick(self) -> None:
        if self.task is not None:
            elapsed = time.monotonic() - self.started
            self.status.setText(f"{self.task.stage.capitalize()} — {elapsed:.0f} s")

    def _finished(self, task: PredictTask) -> None:
        self.timer.stop()
        self.task, self.last_task = None, task
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        elapsed = time.monotonic() - self.started
        if task.result is not None:
            try:
                add_run_layers(task.result.folder)
            except Exception as error:  # never let a layer problem take QGIS down
                self._report(
                    f"The run finished but its layers could not be added: {error}", Qgis.Critical
                )
                return
            self.last_run = task.result.folder
            self._enable_follow_up()
            self.ran_on.setText(f"Ran on: {task.result.device}")
            self.progress.setValue(100)
            self.status.setText(f"Done in {elapsed:.0f} s: {task.result.folder}")
            self._report(f"Charts of {task.result.scene.scene_id.name} added.", Qgis.Success)
        elif task.cancelled or task.isCanceled():
            self.progress.setValue(0)
            self.status.setText("Cancelled; nothing was written.")
        else:
            self.status.setText(task.error or "The run failed.")
            self._report(task.error or "The run failed.", Qgis.Critical, task.details)

    # -- after a run: draft chart --------------------------------------------------------------
    def _enable_follow_up(self) -> None:
        ready = self.last_run is not None and self.follow_up is None
        self.draft_button.setEnabled(ready)
        self.compare_button.setEnabled(ready)

    def _start_follow_up(self, task: CoreTask) -> CoreTask:
        self.follow_up = task
        self._enable_follow_up()
        QgsApplication.taskManager().addTask(task)
        return task

    def start_draft(self) -> CoreTask | None:
        """Draft chart of the last run, written as ``draft_chart.gpkg`` in its folder."""
        if self.last_run is None:
            self._report("Run a prediction first; the draft chart is made from it.", Qgis.Info)
            return None
        from ..core.draft.params import DraftParams

        folder = self.last_run
        out = folder / "draft_chart.gpkg"
        params = DraftParams(overwrite=self.overwrite.isChecked())

        def work(_task: CoreTask):
            from ..core.draft.make import draft_chart

            return draft_chart(folder, out, params)

        self.status.setText("Drafting the ice chart…")
        task = CoreTask(
            f"Sea Ice Mapper: draft chart of {folder.name}",
            work,
            lambda t: self._draft_finished(t, folder, out),
        )
        return self._start_follow_up(task)

    def _draft_finished(self, task: CoreTask, folder: Path, out: Path) -> None:
        self.follow_up = None
        self._enable_follow_up()
        if task.result is None:
            self._report(task.error or "The draft chart failed.", Qgis.Critical, task.details)
            return
        try:
            add_draft_chart(folder, out)
        except Exception as error:  # never let a layer problem take QGIS down
            self._report(
                f"The draft chart was written but could not be added: {error}", Qgis.Critical
            )
            return
        for warning in task.result.warnings:
            self._report(warning, Qgis.Warning)
        self._report(f"Draft chart added: {task.result.summary()}", Qgis.Success)

    def start_compare(self) -> CoreTask | None:
        """Compare the last run with the chosen chart layer (or the scene's own chart)."""
        if self.last_run is None:
            self._report("Run a prediction first; the comparison scores it.", Qgis.Info)
            return None
        folder = self.last_run
        layer = self.chart_layer.currentLayer()
        chart = Path(layer.source().split("|")[0]) if layer is not None else None
        overwrite = self.overwrite.isChecked()

        def work(_task: CoreTask):
            from ..core.compare.run import compare_run

            return compare_run(folder, chart, None, overwrite)

        self.status.setText("Comparing with the chart…")
        task = CoreTask(
            f"Sea Ice Mapper: compare {folder.name}",
            work,
            lambda t: self._compare_finished(t, folder),
        )
        return self._start_follow_up(task)

    def _compare_finished(self, task: CoreTask, folder: Path) -> None:
        self.follow_up = None
        self._enable_follow_up()
        if task.result is None:
            self._report(task.error or "The comparison failed.", Qgis.Critical, task.details)
            return
        try:
            add_comparison_layers(folder, task.result.folder)
        except Exception as error:  # never let a layer problem take QGIS down
            self._report(
                f"The comparison was written but its layers could not be added: {error}",
                Qgis.Critical,
            )
            return
        for warning in task.result.warnings:
            self._report(warning, Qgis.Warning)
        self._report(task.result.summary(), Qgis.Success)

    def _report(self, text: str, level, details: str | None = None) -> None:
        self.status.setText(text)
        bar = self.iface.messageBar() if self.iface is not None else None
        if bar is not None:
            if details:
                bar.pushMessage(LOG_TAG, text, details, level, 0)
            else:
                bar.pushMessage(LOG_TAG, text, level, 10)

    def copy_diagnostics(self) -> str:
        report = diagnostics()
        QApplication.clipboard().setText(report)
        self._report("Diagnostics copied to the clipboard (Markdown).", Qgis.Info)
        return report
