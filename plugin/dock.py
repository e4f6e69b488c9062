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
import os
import time
from pathlib import Path

from qgis.core import Qgis, QgsApplication, QgsMapLayerProxyModel, QgsProject
from qgis.gui import QgsFileWidget, QgsMapLayerComboBox
from qgis.PyQt.QtCore import Qt, QTimer, QUrl
from qgis.PyQt.QtGui import QDesktopServices
from qgis.PyQt.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..core.draft.params import DraftParams
from ..core.engine.arguments import chart_arguments, compare_arguments, predict_arguments
from ..core.errors import SeaIceMapperError
from ..core.output.contract import DRAFT_FILE, group_name, read_record
from .diagnostics import diagnostics
from .engine import NOT_SET_UP, Standby
from .engine_env import engine_python
from .layers import (
    add_comparison_layers,
    add_draft_chart,
    add_run_layers,
    add_styled_chart,
    is_own_layer,
    short_chart_name,
)
from .messages import existing_output, for_gui, qgis_level
from .settings import DEVICES, DockSettings
from .task import LOG_TAG, EngineTask

SCENE_FILTER = (
    "Scenes: AI4Arctic netCDF, Sentinel-1 SAFE (manifest.safe) or zip "
    "(*.nc manifest.safe *.SAFE *.zip);;All files (*)"
)

DEVICE_LABELS = {"auto": "Auto (CUDA if available)", "cuda": "CUDA (NVIDIA GPU)", "cpu": "CPU"}


EMPTY_CHART = "The scene's own chart (stored in the scene file)"
RED, AMBER = "color: #b00020", "color: #a05a00"
LEVEL_STYLE = {"critical": RED, "warning": AMBER, "info": "", "success": "color: #1b5e20"}


def _wrapped_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


def breakable(path) -> str:
    """A path that a wrapped label may break after each separator (a zero-width space): long
    paths otherwise make the panel wider than its dock."""
    return str(path).replace(os.sep, os.sep + "\u200b").replace("_", "_\u200b")


def _narrow(combo) -> None:
    """A combo box that does not widen the panel to its longest entry."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(12)


def breakable_paths(text: str) -> str:
    """``text`` with each absolute path in it made breakable."""
    import re

    return re.sub(r"(?<![\w.])/[^\s,;:]+", lambda m: breakable(m.group(0)), text)


def _box(title: str, layout) -> QGroupBox:
    box = QGroupBox(title)
    box.setLayout(layout)
    return box


class SeaIceMapperDock(QDockWidget):
    def __init__(self, iface, parent=None):
        super().__init__("Sea Ice Mapper", parent)
        self.setObjectName("SeaIceMapperDock")
        self.iface = iface
        self.settings = DockSettings.load()
        self.task: EngineTask | None = None
        self.last_task: EngineTask | None = None
        self.last_run: Path | None = None  # the folder of the last finished run
        self.last_comparison: dict | None = None  # the last comparison's result
        self.last_sheet: Path | None = None  # the last exported map sheet (PDF)
        self.designer = None  # the layout designer showing the last map sheet
        self.follow_up: EngineTask | None = None
        self.checking: EngineTask | None = None  # the engine's `info` on the chosen scene
        self.checking_path = ""
        self.scene_checks: dict[str, tuple[str, bool]] = {}  # path -> the engine's (text, ok)
        self.diagnostics_task: EngineTask | None = None
        self.last_diagnostics = ""
        self.last_report: tuple[str, str | None] = ("", None)  # the last message and its details
        self.last_level = "info"
        self.existing: Path | None = None  # the run folder a refused run found in its way
        self.model_hash = ""  # first digits of the chosen weights' SHA-256 ("" if unreadable)
        self.started = 0.0
        self._build()
        self._show_settings()
        self.engine_changed()
        self.timer = QTimer(self)
        self.timer.setInterval(500)
        self.timer.timeout.connect(self._tick)

    # -- widgets ---------------------------------------------------------------------------
    def _build(self) -> None:
        body = QWidget()
        layout = QVBoxLayout(body)
        self.engine_info = _wrapped_label()
        layout.addWidget(self.engine_info)
        self.engine_setup = _engine_setup_widget(self)
        if self.engine_setup is not None:
            layout.addWidget(self.engine_setup)

        # Scene
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
        _narrow(self.recent)
        self.scene_info = _wrapped_label()
        form = QFormLayout()
        form.addRow("File", self.scene_widget)
        form.addRow("Recent", self.recent)
        form.addRow(self.scene_info)
        layout.addWidget(_box("Scene", form))

        # Model
        self.weights_widget = QgsFileWidget()
        self.weights_widget.setFilter("Weight bundle manifest (*.json)")
        self.weights_widget.setToolTip("Empty: the bundled default weights")
        self.weights_widget.fileChanged.connect(self._weights_changed)
        self.model_info = _wrapped_label()
        self.caveat = _wrapped_label()
        self.caveat.setStyleSheet(f"{AMBER}; font-weight: bold")
        self.device = QComboBox()
        for key in DEVICES:
            self.device.addItem(DEVICE_LABELS[key], key)
        _narrow(self.device)
        self.ran_on = _wrapped_label("Ran on: —")
        form = QFormLayout()
        form.addRow("Weights", self.weights_widget)
        form.addRow(self.caveat)
        form.addRow(self.model_info)
        form.addRow("Device", self.device)
        form.addRow(self.ran_on)
        layout.addWidget(_box("Model", form))

        # Output
        self.output_widget = QgsFileWidget()
        self.output_widget.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        self.output_widget.setToolTip("Empty: a folder 'sea_ice_mapper' next to the scene")
        self.output_widget.fileChanged.connect(lambda _: self._show_output_hint())
        self.output_hint = _wrapped_label()
        self.sar = QCheckBox("Add SAR HH/HV layers")
        self.overwrite = QCheckBox("Overwrite earlier results")
        self.overwrite.setToolTip("Replace an earlier run, draft chart or comparison")
        form = QFormLayout()
        form.addRow("Folder", self.output_widget)
        form.addRow(self.output_hint)
        form.addRow(self.sar)
        form.addRow(self.overwrite)
        layout.addWidget(_box("Output", form))

        # Actions
        actions = QVBoxLayout()
        row = QHBoxLayout()
        self.run_button = QPushButton("Run")
        self.run_button.setToolTip("Predict SIC, SOD and FLOE for the scene")
        self.run_button.clicked.connect(self.start_run)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_run)
        row.addWidget(self.run_button)
        row.addWidget(self.cancel_button)
        actions.addLayout(row)
        self.min_area = QDoubleSpinBox()
        self.min_area.setRange(0.0, 100000.0)
        self.min_area.setDecimals(1)
        self.min_area.setSuffix(" km²")
        self.min_area.setToolTip("Smaller regions join their largest neighbour (0: keep all)")
        self.smoothing = QDoubleSpinBox()
        self.smoothing.setRange(0.0, 50000.0)
        self.smoothing.setDecimals(0)
        self.smoothing.setSingleStep(250.0)
        self.smoothing.setSuffix(" m")
        self.smoothing.setToolTip("How far a boundary may leave the cell edges (0: cell edges)")
        self.draft_button = QPushButton("Draft ice chart")
        self.draft_button.setToolTip("Editable polygons with egg codes, made from the last run")
        self.draft_button.clicked.connect(self.start_draft)
        form = QFormLayout()
        form.addRow("Minimum area", self.min_area)
        form.addRow("Smoothing", self.smoothing)
        form.addRow(self.draft_button)
        actions.addWidget(_box("Draft chart", form))
        self.chart_layer = QgsMapLayerComboBox()
        self.chart_layer.setFilters(QgsMapLayerProxyModel.Filter.PolygonLayer)
        self.chart_layer.setAllowEmptyLayer(True)
        _narrow(self.chart_layer)
        self.chart_hint = _wrapped_label()
        self._empty_chart_text()
        self.chart_layer.setToolTip(
            "A SIGRID-3 ice chart loaded in the project (shapefile or GeoPackage); empty: the "
            "chart stored in the scene file"
        )
        QgsProject.instance().layersAdded.connect(self._hide_own_layers)
        self._hide_own_layers()
        self.compare_button = QPushButton("Compare with ice chart")
        self.compare_button.setToolTip("Score the last run against the chosen ice chart")
        self.compare_button.clicked.connect(self.start_compare)
        form = QFormLayout()
        form.addRow("Ice chart", self.chart_layer)
        form.addRow(self.chart_hint)
        form.addRow(self.compare_button)
        actions.addWidget(_box("Comparison", form))
        row = QHBoxLayout()
        self.sheet_button = QPushButton("Map sheet")
        self.sheet_button.setToolTip("A print layout of the last run, exported to PDF and PNG")
        self.sheet_button.clicked.connect(self.make_map_sheet)
        self.diagnostics_button = QPushButton("Diagnostics")
        self.diagnostics_button.setToolTip("Copy a Markdown report for a bug report")
        self.diagnostics_button.clicked.connect(self.copy_diagnostics)
        row.addWidget(self.sheet_button)
        row.addWidget(self.diagnostics_button)
        actions.addLayout(row)
        layout.addWidget(_box("Actions", actions))

        # Results
        results = QVBoxLayout()
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.status = _wrapped_label()
        self.folder_label = _wrapped_label()
        self.folder_label.setOpenExternalLinks(True)
        self.next_step = _wrapped_label()
        self.next_step.setStyleSheet("font-style: italic")
        row = QHBoxLayout()
        self.open_existing_button = QPushButton("Open existing run")
        self.open_existing_button.clicked.connect(self.open_existing)
        self.overwrite_button = QPushButton("Overwrite")
        self.overwrite_button.clicked.connect(self.overwrite_existing)
        self.report_button = QPushButton("Open comparison report")
        self.report_button.clicked.connect(self.open_report)
        for button in (self.open_existing_button, self.overwrite_button, self.report_button):
            button.setVisible(False)
        row.addWidget(self.open_existing_button)
        row.addWidget(self.overwrite_button)
        for widget in (self.progress, self.status):
            results.addWidget(widget)
        results.addLayout(row)
        results.addWidget(self.report_button)
        results.addWidget(self.folder_label)
        results.addWidget(self.next_step)
        self.results_box = _box("Results", results)
        layout.addWidget(self.results_box)
        layout.addStretch(1)
        scroll = self.scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        # Never wider than the panel: long texts wrap instead of hiding behind a scroll bar.
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        # As wide as the content needs at least, so nothing hides behind the panel's edge.
        bar = scroll.verticalScrollBar().sizeHint().width()
        scroll.setMinimumWidth(body.minimumSizeHint().width() + bar + 4)
        scroll.setWidget(body)
        self.setWidget(scroll)

    def _empty_chart_text(self) -> None:
        """The picker's empty entry says what it means (QGIS >= 3.30 can name it; older
        versions get the words under the picker)."""
        try:
            self.chart_layer.setAllowEmptyLayer(True, EMPTY_CHART)
            self.chart_hint.setVisible(False)
        except TypeError:
            self.chart_hint.setText(f"Empty: {EMPTY_CHART[0].lower()}{EMPTY_CHART[1:]}.")

    def _hide_own_layers(self, *_) -> None:
        """The plugin's draft and comparison layers are not "the ice chart"."""
        own = [layer for layer in QgsProject.instance().mapLayers().values() if is_own_layer(layer)]
        self.chart_layer.setExceptedLayerList(own)

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
        self.min_area.setValue(s.draft_min_area_km2)
        self.smoothing.setValue(s.draft_smoothing_m)
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
        s.draft_min_area_km2 = self.min_area.value()
        s.draft_smoothing_m = self.smoothing.value()
        return s

    def run_folder_base(self) -> Path | None:
        """Where this scene's runs with the chosen weights go: one folder per model, so two
        models' runs of a scene never collide."""
        s = self.read_widgets()
        if not s.scene or not self.model_hash:
            return None
        return s.output_folder(self.model_hash)

    def _show_output_hint(self) -> None:
        base = self.run_folder_base()
        self.output_hint.setText(f"Runs go to {base}{os.sep}<scene>" if base is not None else "")

    # -- validation as the user picks -------------------------------------------------------
    def _recent_chosen(self, index: int) -> None:
        self.scene_widget.setFilePath(self.recent.itemText(index))

    def _scene_changed(self, path: str) -> None:
        """Ask the engine (``info``) about the scene; the answer shows under the picker."""
        if hasattr(self, "model_hash"):  # a product and a scene file may need other weights
            self._weights_changed(self.weights_widget.filePath())
        self._show_output_hint()
        if hasattr(self, "existing"):
            self._show_existing(None)  # offered for the previous scene
        if self.checking is not None:
            if self.checking_path == path:
                return  # already asked
            self.checking.cancel()
            self.checking = None
        if not path:
            self._show_scene_info("Pick a scene: an AI4Arctic .nc or a Sentinel-1 scene.", ok=None)
            return
        if path in self.scene_checks:  # asked before: the engine's answer stands
            self._show_scene_info(*self.scene_checks[path])
            return
        if engine_python() is None:
            self._show_scene_info(NOT_SET_UP, ok=False)
            return
        self._show_scene_info("Checking the scene…", ok=None)
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
            text = for_gui(task.error or "The engine could not check the scene.")
            self._show_scene_info(text, ok=False)
            return
        [scene] = task.result["scenes"]
        ok = bool(scene["ok"])
        self.scene_checks[path] = (scene["description"] if ok else for_gui(scene["message"]), ok)
        if path == self.scene_widget.filePath():
            self._show_scene_info(*self.scene_checks[path])

    def _show_scene_info(self, text: str, ok: bool | None) -> None:
        """``ok``: True valid, False invalid, None not known yet (checking, or no scene)."""
        self.scene_info.setText(text)
        self.scene_info.setStyleSheet(RED if ok is False else "")
        self.scene_ok = ok
        self._enable_run()
        if self.task is None and self.follow_up is None:
            self._suggest()

    def _enable_run(self) -> None:
        ready = engine_python() is not None and self.task is None
        self.run_button.setEnabled(ready and self.scene_ok is True and bool(self.model_hash))

    def _suggest(self) -> None:
        """The status line when nothing runs: what to do next."""
        if self.task is not None or self.follow_up is not None:
            return
        if engine_python() is None:
            text = "Set up the engine first."
        elif not self.scene_widget.filePath():
            text = "Pick a scene."
        elif self.scene_ok is None:
            text = "Checking the scene…"
        elif not self.scene_ok:
            self.status.setText(f"The scene cannot be used: {self.scene_info.text()}")
            self.status.setStyleSheet(RED)
            return
        elif not self.model_hash:
            text = "The weights cannot be used: see the message under them."
        elif self.last_run is None:
            text = "Ready: press Run."
        else:
            return  # a finished step says what comes next
        self.status.setText(text)
        self.status.setStyleSheet("")

    def engine_changed(self) -> None:
        """Slot for the engine set-up widget: the engine was installed, repaired or removed.

        Re-reads the engine interpreter, shows it, and enables what needs it.
        """
        python = engine_python()
        Standby.prepare(python)  # imports torch & co. while the analyst picks a scene
        if python is None:
            self.engine_info.setText(NOT_SET_UP)
            self.engine_info.setStyleSheet(RED)
        else:
            self.engine_info.setText(f"Engine: {breakable(python)}")
            self.engine_info.setStyleSheet("")
        self._enable_follow_up()
        self.scene_checks.clear()
        self._scene_changed(self.scene_widget.filePath())

    def _effective_weights(self, path: str) -> str:
        """The weights a run will use: the chosen bundle, else for a Sentinel-1 product the
        bundled SAFE-only one (a product has no AMSR2/ERA5 channels), else the default."""
        from ..core.model.manifest import BUNDLED_WEIGHTS

        safe_only = BUNDLED_WEIGHTS.with_name("safe-only.json")
        if not path and _is_product(self.scene_widget.filePath()) and safe_only.is_file():
            return str(safe_only)
        return path

    def _weights_changed(self, path: str) -> bool:
        from ..core.model.manifest import read_manifest, resolve_weights

        chosen, path = path, self._effective_weights(path)
        try:
            manifest = read_manifest(resolve_weights(path or None))
        except SeaIceMapperError as error:
            self.model_info.setText(for_gui(str(error)))
            self.model_info.setStyleSheet(RED)
            self.caveat.setText("")
            self.caveat.setVisible(False)
            self.model_hash = ""
        else:
            prefix = "" if chosen else "Bundled default: " if not path else "Bundled for products: "
            self.model_info.setText(prefix + manifest.summary())
            self.model_info.setStyleSheet("")
            self.caveat.setText(_caveat(manifest.training))
            self.caveat.setVisible(bool(self.caveat.text()))
            self.model_hash = manifest.weights_sha256[:8]
        self._show_output_hint()
        if hasattr(self, "scene_ok"):
            self._enable_run()
            self._suggest()
        return bool(self.model_hash)

    # -- running ----------------------------------------------------------------------------
    def start_run(self, overwrite: bool | None = None) -> EngineTask | None:
        settings = self.read_widgets()
        if overwrite is not None and not isinstance(overwrite, bool):
            overwrite = None  # called by a button's clicked(bool)
        if engine_python() is None:
            self._report(NOT_SET_UP, "critical")
            return None
        if not settings.scene:
            self._report("Pick a scene first.", "warning")
            return None
        if not self.scene_checks.get(settings.scene, ("", True))[1] or not self._weights_changed(
            settings.weights
        ):
            self._report("Fix the scene or model shown in red first.", "warning")
            return None
        settings.remember_scene(settings.scene)
        settings.save()
        self.recent.clear()
        self.recent.addItems(settings.recent_scenes)
        settings.weights = self._effective_weights(settings.weights)
        params = settings.params()
        if overwrite:
            from dataclasses import replace

            params = replace(params, overwrite=True)
        base = settings.output_folder(self.model_hash)
        args = predict_arguments([settings.scene], base, params)
        task = EngineTask(
            f"Sea Ice Mapper: {Path(settings.scene).name}", "predict", args, self._finished
        )
        task.progressChanged.connect(self._progress)
        self.task = task
        self.started = time.monotonic()
        self._show_existing(None)
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self._enable_follow_up()
        self.progress.setValue(0)
        self.status.setText("Starting…")
        self.status.setStyleSheet("")
        self.next_step.setText("")
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
        try:
            QgsProject.instance().layersAdded.disconnect(self._hide_own_layers)
        except (TypeError, RuntimeError):
            pass

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
        self.cancel_button.setEnabled(False)
        self._enable_run()
        self._enable_follow_up()
        elapsed = time.monotonic() - self.started
        if task.cancelled:
            self.progress.setValue(0)
            self.status.setText("Cancelled; nothing was written.")
            return
        result = task.result
        if result is None:
            self._fail(task, "The run failed.")
            return
        self._report_notices(task)
        if result["failed"]:
            [failed] = result["failed"]
            message = failed["message"]
            if not self._offer_existing(existing_output(message, "OutputExistsError")):
                self._report(for_gui(message), "critical")
            return
        if result["runs"]:
            run, done = result["runs"][0], f"Done in {elapsed:.0f} s"
        else:  # skipped: the same scene, weights and parameters already ran into this folder
            run, done = result["skipped"][0], "Already done with the same weights and parameters"
        folder, device = Path(run["folder"]), run["device"]
        if not self._show_run(folder):
            return
        if device:
            self.ran_on.setText(f"Ran on: {device}")
        self.progress.setValue(100)
        self._report(f"{done}: the charts of {folder.name} are in the Layers panel.", "success")
        self.next_step.setText(
            "Next: check the prediction over the SAR image, then draft an ice chart, compare "
            "with an official chart, or make a map sheet."
        )

    def _show_run(self, folder: Path) -> bool:
        try:
            add_run_layers(folder)
        except Exception as error:  # never let a layer problem take QGIS down
            self._report(f"The run finished but its layers could not be added: {error}", "critical")
            return False
        self.last_run = folder
        self.last_comparison = None
        self.report_button.setVisible(False)
        self._enable_follow_up()
        self._show_folder(folder)
        return True

    def _show_folder(self, folder: Path) -> None:
        url = QUrl.fromLocalFile(str(folder)).toString()
        self.folder_label.setText(f'Output folder: <a href="{url}">{breakable(folder)}</a>')

    def _fail(self, task: EngineTask, fallback: str) -> None:
        """An engine error (the analyst's to fix) or a crash (with the engine's log)."""
        message = task.error or fallback
        existing = existing_output(message, task.outcome.error_type)
        if task.outcome.command == "predict" and self._offer_existing(existing):
            return
        self._report(for_gui(message), "critical", task.details)

    def _offer_existing(self, existing: Path | None) -> bool:
        """A run refused because its folder exists: say so, offer Open existing / Overwrite."""
        if existing is None or not (existing / "run.json").exists():
            return False
        self._show_existing(existing)
        self.progress.setValue(0)
        self._report(
            f"This scene was already run with these weights, with other settings, into "
            f"{existing}. Open that run, or overwrite it.",
            "warning",
        )
        return True

    def _show_existing(self, folder: Path | None) -> None:
        self.existing = folder
        self.open_existing_button.setVisible(folder is not None)
        self.overwrite_button.setVisible(folder is not None)

    def open_existing(self) -> None:
        """Add the earlier run that a refused Run found, as it is."""
        folder, self.existing = self.existing, None
        self._show_existing(None)
        if folder is not None and self._show_run(folder):
            self.progress.setValue(100)
            self._report(f"Opened the earlier run {folder.name}.", "success")
            self.next_step.setText("Next: draft an ice chart, compare, or make a map sheet.")

    def overwrite_existing(self) -> EngineTask | None:
        """Run again, replacing the earlier run (once: the Overwrite box stays as it was)."""
        self._show_existing(None)
        return self.start_run(overwrite=True)

    # -- after a run: draft chart, comparison, map sheet ----------------------------------------
    def _enable_follow_up(self) -> None:
        ready = self.last_run is not None and self.follow_up is None and self.task is None
        for button in (self.draft_button, self.compare_button, self.sheet_button):
            button.setEnabled(ready)

    def _start_follow_up(self, task: EngineTask) -> EngineTask:
        self.follow_up = task
        self._enable_follow_up()
        self.next_step.setText("")
        QgsApplication.taskManager().addTask(task)
        return task

    def draft_params(self) -> DraftParams:
        return DraftParams(
            min_area_km2=self.min_area.value(),
            simplify_m=self.smoothing.value(),
            overwrite=self.overwrite.isChecked(),
        )

    def start_draft(self) -> EngineTask | None:
        """Draft chart of the last run, written as ``draft_chart.gpkg`` in its folder."""
        if self.last_run is None:
            self._report("Run a prediction first; the draft chart is made from it.", "info")
            return None
        folder = self.last_run
        out = folder / DRAFT_FILE
        params = self.draft_params()
        self.read_widgets().save()
        self.status.setText("Drafting the ice chart…")
        self.status.setStyleSheet("")
        task = EngineTask(
            f"Sea Ice Mapper: draft chart of {folder.name}",
            "chart",
            chart_arguments(folder, out, params),
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
            self._report(f"The draft chart was written but could not be added: {error}", "critical")
            return
        level = self._report_notices(task, quoted=True)
        r = task.result
        text = (
            f"Draft ice chart: {r['polygons']} polygons, the smallest {r['smallest_km2']:,.0f} "
            f"km², median {r['median_km2']:,.0f} km² (minimum area {self.min_area.value():g} km², "
            f"smoothing {self.smoothing.value():g} m)."
        )
        notices = task.outcome.notices()
        if level in ("warning", "critical"):
            text = f"{text} {for_gui(notices[0][1])}"
        self._report(text, "success" if level in ("info", "success") else level)
        self.next_step.setText(
            "Next: edit the draft (Toggle Editing); its Styles menu switches SIC, SOD, FLOE and "
            "an outline style for editing over SAR."
        )

    def start_compare(self) -> EngineTask | None:
        """Compare the last run with the chosen chart layer (or the scene's own chart)."""
        if self.last_run is None:
            self._report("Run a prediction first; the comparison scores it.", "info")
            return None
        folder = self.last_run
        layer = self.chart_layer.currentLayer()
        chart = Path(layer.source().split("|")[0]) if layer is not None else None
        args = compare_arguments(folder, chart, None, self.overwrite.isChecked())
        what = layer.name() if layer is not None else "the scene's own chart"
        self.status.setText(f"Comparing with {what}…")
        self.status.setStyleSheet("")
        task = EngineTask(
            f"Sea Ice Mapper: compare {folder.name}",
            "compare",
            args,
            lambda t: self._compare_finished(t, folder, layer.name() if layer else None, chart),
        )
        return self._start_follow_up(task)

    def _compare_finished(
        self, task: EngineTask, folder: Path, name: str | None, chart: Path | None
    ) -> None:
        self.follow_up = None
        self._enable_follow_up()
        if task.result is None:
            if not task.cancelled:
                self._fail(task, "The comparison failed.")
            return
        comparison = Path(task.result["folder"])
        try:
            add_comparison_layers(folder, comparison)
        except Exception as error:  # never let a layer problem take QGIS down
            self._report(
                f"The comparison was written but its layers could not be added: {error}",
                "critical",
            )
            return
        self.last_comparison = task.result
        self.report_button.setVisible(bool(task.result.get("html") or task.result.get("report")))
        self._report_notices(task, quoted=task.result.get("level", "success") != "success")
        r = task.result
        s = r["scores"]
        level = r.get("level", "success")
        share = r.get("share", 100.0)
        text = (
            f"Compared over {r['cells']:,} cells ({share:.0f} % of the scene): SIC {s['SIC']:.1f}, "
            f"SOD {s['SOD']:.1f}, FLOE {s['FLOE']:.1f}, combined {s['combined']:.1f}."
        )
        gravest = task.outcome.notices()
        if gravest and level != "success":
            text = f"{for_gui(gravest[0][1])} {text}"
        self._report(text, level)
        self.next_step.setText("Next: open the comparison report for the per-class figures.")
        if chart is not None:  # the official chart, in WMO colours like the prediction
            self._style_official(folder, comparison, chart, name or chart.stem)

    def _style_official(self, run: Path, comparison: Path, chart: Path, name: str) -> None:
        out = comparison / "ice_chart_wmo.gpkg"
        task = EngineTask(
            f"Sea Ice Mapper: style {name}",
            "style-chart",
            [str(chart), "--out", str(out), "--overwrite"],
            lambda t: self._styled(t, run, out, name),
        )
        self._start_follow_up(task)

    def _styled(self, task: EngineTask, run: Path, out: Path, name: str) -> None:
        self.follow_up = None
        self._enable_follow_up()
        if task.result is None:
            if not task.cancelled:
                self._report(
                    f"The chart {name} could not be styled: {for_gui(task.error or '')}", "warning"
                )
            return
        try:
            layer = add_styled_chart(run, out, f"Ice chart: {short_chart_name(name)}")
        except Exception as error:  # never let a layer problem take QGIS down
            self._report(f"The styled chart could not be added: {error}", "warning")
            return
        picked = [lyr for lyr in QgsProject.instance().mapLayersByName(name) if lyr is not layer]
        root = QgsProject.instance().layerTreeRoot()
        for original in picked:  # the raw chart would hide the styled one
            node = root.findLayer(original.id())
            if node is not None:
                node.setItemVisibilityChecked(False)

    def open_report(self) -> bool:
        """The last comparison's report, in the system's browser (HTML, figures embedded)."""
        if not self.last_comparison:
            return False
        path = self.last_comparison.get("html") or self.last_comparison.get("report")
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def make_map_sheet(self) -> Path | None:
        """A print layout of the last run (SAR, the three charts, legends), as PDF and PNG in
        the run folder; the layout stays in the project's layout manager."""
        from .mapsheet import MapSheetError, export_pdf, export_png, map_sheet, sheet_title

        if self.last_run is None:
            self._report("Run a prediction first; the map sheet shows it.", "info")
            return None
        project = QgsProject.instance()
        record = read_record(self.last_run)
        group = project.layerTreeRoot().findGroup(group_name(record))
        if group is None:
            self._show_run(self.last_run)
            group = project.layerTreeRoot().findGroup(group_name(record))
        try:
            title, subtitle = sheet_title(record)
            manager = project.layoutManager()
            old = manager.layoutByName(title)
            if old is not None:
                manager.removeLayout(old)
            layout = map_sheet(project, group, title, subtitle)
            pdf = export_pdf(layout, self.last_run / "map_sheet.pdf")
            export_png(layout, self.last_run / "map_sheet.png")
        except MapSheetError as error:
            self._report(f"No map sheet: {error}", "critical")
            return None
        self.last_sheet = pdf
        self._report(
            f"Map sheet written: {pdf.name} and map_sheet.png in the run folder.", "success"
        )
        self.next_step.setText("It is also in Project ▸ Layouts, to adjust and print.")
        if self.iface is not None and hasattr(self.iface, "openLayoutDesigner"):
            self.designer = self.iface.openLayoutDesigner(layout)
        return pdf

    # -- messages -------------------------------------------------------------------------------
    def _report_notices(self, task: EngineTask, quoted: bool = False) -> str:
        """Each warning in the message bar at its level; returns the gravest level.
        ``quoted``: the gravest warning (of level warning or critical) is part of the step's
        own message, so it is not pushed twice."""
        notices = task.outcome.notices()
        shown = notices[1:] if quoted and notices and notices[0][0] != "info" else notices
        for level, message in reversed(shown):  # the gravest ends on top of the bar
            self._push(for_gui(message), level)
        return notices[0][0] if notices else "success"

    def _push(self, text: str, level: str, details: str | None = None) -> None:
        bar = self.iface.messageBar() if self.iface is not None else None
        if bar is None:
            return
        qlevel = Qgis.MessageLevel.Success if level == "success" else qgis_level(level)
        if details:
            bar.pushMessage(LOG_TAG, text, details, qlevel, 0)
        else:  # warnings stay until dismissed; the rest fade
            bar.pushMessage(LOG_TAG, text, qlevel, 0 if level == "critical" else 10)

    def _report(self, text: str, level, details: str | None = None) -> None:
        """``level``: "success", "info", "warning" or "critical" (or a Qgis.MessageLevel)."""
        if not isinstance(level, str):
            level = {
                Qgis.MessageLevel.Success: "success",
                Qgis.MessageLevel.Warning: "warning",
                Qgis.MessageLevel.Critical: "critical",
            }.get(level, "info")
        self.last_report = (text, details)
        self.last_level = level
        self.status.setText(breakable_paths(text))
        self.status.setStyleSheet(LEVEL_STYLE.get(level, ""))
        # The answer and its actions in view: the results are the panel's last box.
        bar = self.scroll.verticalScrollBar()
        bar.setValue(bar.maximum())
        self._push(text, level, details)

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
        self._report("Diagnostics copied to the clipboard (Markdown).", "info")


def _caveat(training: dict) -> str:
    """The weights' own warning (e.g. demonstration weights), in one line for the panel."""
    note = str(training.get("note") or "")
    data = str(training.get("data") or "")
    if note:
        first = note.split(": ")[0].split(". ")[0].rstrip(".")
        return f"⚠ {first}: not fit for charting real scenes."
    if "synthetic" in data or "random" in data or "nothing" in data:
        return f"⚠ Trained on {data}: not fit for charting real scenes."
    return ""


def _engine_setup_widget(dock: SeaIceMapperDock) -> QWidget | None:
    """The env helper's *Set up engine* widget, when that module is installed with the plugin."""
    name = f"{__package__}.engine_setup"
    if importlib.util.find_spec(name) is None:
        return None
    module = importlib.import_module(name)
    return module.EngineSetupWidget(dock)


def _is_product(path: str) -> bool:
    """A Sentinel-1 product as the picker passes it: a .zip, a .SAFE folder or manifest.safe."""
    name = Path(path).name.lower() if path else ""
    return name.endswith((".zip", ".safe")) or name == "manifest.safe"
