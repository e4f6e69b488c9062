"""The dock in a real QGIS: the engine's run adds styled layers; cancel and errors behave."""

from dock_helpers import choose, wait_for, wait_for_check, wait_until
from gdal_io import read_band
from qgis.core import (
    QgsLayerTreeModel,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsProject,
    QgsSingleBandPseudoColorRenderer,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

from core.icechart.classes import SIC


def test_a_run_adds_one_styled_group_and_shows_the_device(
    dock, medium_scene, random_bundle, tmp_path
):
    choose(dock, medium_scene, random_bundle, tmp_path / "out")
    assert "400 × 460 pixels at 80 m" in dock.scene_info.text()
    assert "trained on nothing: random initialisation" in dock.model_info.text()
    assert dock.start_run() is not None
    assert not dock.run_button.isEnabled() and dock.cancel_button.isEnabled()
    wait_for(dock)
    assert dock.last_task.result is not None, dock.status.text()
    # It ran in the standby engine the dock had started ahead (torch already imported).
    assert dock.last_task.engine.process.args[-1] == "standby"
    assert dock.ran_on.text() == "Ran on: CPU (cpu, float32)"
    root = QgsProject.instance().layerTreeRoot()
    [group] = root.children()
    scene, model = medium_scene.name[:19], dock.model_hash
    assert group.name() == f"{scene} · model {model}" and len(model) == 8
    # Subgroups by kind; short layer names that lead with what they show.
    assert [node.name() for node in group.children()] == [
        "Prediction",
        "Confidence",
        "Scene's ice chart",
        "SAR",
    ]
    prediction, confidence, chart, sar = group.children()
    assert [n.name() for n in prediction.children()] == [
        "Concentration [%]",
        "Stage of development",
        "Floe size",
    ]
    assert [n.name() for n in confidence.children()] == [
        "Concentration confidence [%]",
        "Stage confidence [%]",
        "Floe size confidence [%]",
    ]
    assert "Ice chart: stage of development" in [n.name() for n in chart.children()]
    assert [n.name() for n in sar.children()] == ["SAR HH [dB]", "SAR HV [dB]"]
    assert max(len(node.name()) for node in group.findLayers()) <= 31  # default panel width
    sic = prediction.children()[0].layer()
    assert isinstance(sic.renderer(), QgsSingleBandPseudoColorRenderer)  # WMO classes
    items = sic.renderer().shader().rasterShaderFunction().colorRampItemList()
    assert [i.color.getRgb()[:3] for i in items] == [
        SIC.by_value(v).colour for v in (0, 3, 6, 8, 10)
    ]
    # The legend as analysts read it: the WMO classes, no "Band 1: …" line above them.
    model_of_tree = QgsLayerTreeModel(root)  # owns the legend nodes: keep it while reading
    legend = model_of_tree.layerLegendNodes(prediction.children()[0])
    assert [node.data(0) for node in legend] == [
        "Open water (< 1/10)",
        "Very open drift ice (1-3/10)",
        "Open drift ice (4-6/10)",
        "Close drift ice (7-8/10)",
        "Very close drift ice (9-10/10)",
    ]
    assert not confidence.itemVisibilityChecked()  # confidences off
    assert not group.findLayer(confidence.children()[0].layer()).isVisible()
    assert sic.source().startswith(str(tmp_path / "out" / f"model_{model}" / scene))
    # The status says what happened and what comes next; the folder is shown.
    assert dock.status.text().startswith("Done in") and "Layers panel" in dock.status.text()
    assert dock.next_step.text().startswith("Next:")
    shown = dock.folder_label.text().replace("\u200b", "")  # paths may break after a "/"
    assert str(tmp_path / "out" / f"model_{model}" / scene) in shown
    assert dock.settings.recent_scenes[0] == str(medium_scene)


def test_rendered_map_shows_wmo_colours_where_the_chart_says(
    dock, medium_scene, random_bundle, tmp_path
):
    choose(dock, medium_scene, random_bundle, tmp_path / "out")
    dock.start_run()
    wait_for(dock)
    sic_layer = QgsProject.instance().layerTreeRoot().children()[0].children()[0].children()[0]
    sic_layer = sic_layer.layer()
    settings = QgsMapSettings()
    settings.setLayers([sic_layer])
    settings.setDestinationCrs(sic_layer.crs())
    settings.setExtent(sic_layer.extent())
    size = QSize(sic_layer.width(), sic_layer.height())  # one map pixel per raster pixel
    settings.setOutputSize(size)
    settings.setBackgroundColor(QColor(0, 0, 0))
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    image.save(str(tmp_path / "map.png"))
    values = read_band(sic_layer.source()).values
    colours = {v: c.colour for v, c in zip(SIC.raster_values, SIC.classes)}
    checked = 0
    for row in range(1, values.shape[0] - 1, 3):
        for col in range(1, values.shape[1] - 1, 3):
            block = values[row - 1 : row + 2, col - 1 : col + 2]
            if block[1, 1] != 255 and (block == block[1, 1]).all():
                pixel = QColor(image.pixel(col, row)).getRgb()[:3]
                assert pixel == colours[int(block[1, 1])], (row, col)
                checked += 1
    assert checked > 20
    assert (image.width(), image.height()) == (size.width(), size.height())


def test_cancel_leaves_no_files_and_no_layers(dock, medium_scene, random_bundle, tmp_path):
    choose(dock, medium_scene, random_bundle, tmp_path / "out")
    task = dock.start_run()
    # The engine is at work (past start-up, short of the end): the model, or writing layers.
    assert wait_until(lambda: task.stage in ("model", "writing layers"), 60), task.stage
    dock.cancel_run()
    wait_for(dock)
    assert task.result is None and task.cancelled
    assert task.engine.process.returncode == 130  # SIGTERM: it cleaned up, then exited
    assert dock.status.text() == "Cancelled; nothing was written."
    out = tmp_path / "out"
    # No run and no staging folder: at most the empty folder of this model's runs.
    assert not out.exists() or not [p for p in out.rglob("*") if p.is_file()]
    assert not list(out.rglob(".*"))
    assert QgsProject.instance().layerTreeRoot().children() == []


def test_a_bad_scene_is_shown_inline_and_not_run(dock, random_bundle, tmp_path):
    broken = tmp_path / "20200101T000000_cis_prep.nc"
    broken.write_bytes(b"nonsense")
    choose(dock, broken, random_bundle, tmp_path / "out")
    assert "is not a netCDF file" in dock.scene_info.text()
    assert "b'" not in dock.scene_info.text()  # no byte repr in the panel
    assert not dock.run_button.isEnabled()  # Run waits for a valid scene
    assert dock.start_run() is None
    assert "Fix the scene" in dock.status.text()
    dock.scene_widget.setFilePath(str(tmp_path / "missing_prep.nc"))
    wait_for_check(dock)
    assert "does not exist" in dock.scene_info.text()


def test_status_is_never_stale(dock, medium_scene, random_bundle, tmp_path):
    assert dock.status.text() == "Pick a scene." and not dock.run_button.isEnabled()
    choose(dock, medium_scene, random_bundle, tmp_path / "out")
    assert dock.status.text() == "Ready: press Run." and dock.run_button.isEnabled()
    hint = dock.output_hint.text().replace("\u200b", "")
    assert hint.startswith(f"Runs go to {tmp_path / 'out'}")
    # The bundled weights carry their caveat, visible on its own line.
    dock.weights_widget.setFilePath("")
    assert dock.caveat.isVisibleTo(dock) and "Demonstration weights" in dock.caveat.text()
    assert "not fit for charting real scenes" in dock.caveat.text()


def test_the_picker_passes_sentinel1_products_to_the_engine(dock, tmp_path):
    """.SAFE folders, their manifest.safe and .zip files reach the engine's ``info``."""
    safe = tmp_path / "S1A_EW_GRDM_1SDH_20200101T000000_20200101T000100_0_0_0.SAFE"
    safe.mkdir()
    (safe / "manifest.safe").write_text("<xfdu/>")
    for path in (safe, safe / "manifest.safe", safe.with_suffix(".zip")):
        dock.scene_widget.setFilePath(str(path))
        assert dock.checking is not None and dock.checking.engine.args == [str(path)]
        wait_for_check(dock)
        assert dock.scene_info.text() and dock.scene_info.text() != "Checking the scene…"


def test_a_repeated_run_is_reused_and_a_different_one_offers_open_or_overwrite(
    dock, medium_scene, random_bundle, tmp_path
):
    choose(dock, medium_scene, random_bundle, tmp_path / "out")
    dock.start_run()
    wait_for(dock)
    dock.start_run()  # same scene, weights and parameters: the engine skips it
    wait_for(dock)
    assert "Already done with the same weights and parameters" in dock.status.text()
    assert len(QgsProject.instance().layerTreeRoot().children()) == 1  # the group, re-added
    dock.sar.setChecked(False)  # a different run into the same folder
    dock.start_run()
    wait_for(dock)
    text = dock.status.text()
    assert "already run with these weights" in text and "--overwrite" not in text
    assert dock.open_existing_button.isVisibleTo(dock)
    assert dock.overwrite_button.isVisibleTo(dock)
    assert dock.last_task.details is None  # a user error, not a plugin bug
    dock.open_existing()  # the earlier run, as it is
    assert dock.last_run is not None and "Opened the earlier run" in dock.status.text()
    dock.sar.setChecked(False)
    dock.start_run()
    wait_for(dock)
    assert dock.overwrite_button.isVisibleTo(dock)
    assert dock.overwrite_existing() is not None  # once, without ticking Overwrite
    wait_for(dock)
    assert dock.status.text().startswith("Done in"), dock.status.text()
    assert not dock.overwrite.isChecked()
    [group] = QgsProject.instance().layerTreeRoot().children()
    assert "SAR" not in [node.name() for node in group.children()]


def test_two_models_of_one_scene_run_into_two_folders(dock, medium_scene, random_bundle, tmp_path):
    choose(dock, medium_scene, random_bundle, tmp_path / "out")
    dock.start_run()
    wait_for(dock)
    first = dock.last_run
    dock.weights_widget.setFilePath("")  # the bundled weights
    dock.start_run()
    wait_for(dock)
    assert dock.last_run != first and dock.last_run.name == first.name, dock.status.text()
    assert first.parent.parent == dock.last_run.parent.parent == tmp_path / "out"
    assert len(QgsProject.instance().layerTreeRoot().children()) == 2  # one group per model


def test_settings_survive_a_new_dock(dock, medium_scene, random_bundle, tmp_path):
    from sea_ice_mapper.plugin.settings import DockSettings

    choose(dock, medium_scene, random_bundle, tmp_path / "out")
    dock.overwrite.setChecked(True)
    dock.read_widgets().save()
    again = DockSettings.load()
    assert again.weights == str(random_bundle) and again.device == "cpu" and again.overwrite
    assert again.output_folder() == tmp_path / "out"


def test_diagnostics_report_names_versions_and_devices(dock):
    from conftest import ENGINE_PYTHON

    assert dock.copy_diagnostics() is not None
    assert wait_until(lambda: dock.diagnostics_task is None, 60)
    report = dock.last_diagnostics
    assert report.startswith("## Sea Ice Mapper diagnostics")
    assert f"- Engine interpreter: {ENGINE_PYTHON}" in report
    for needle in ("QGIS:", "### Engine", "- torch: ", "CUDA available:", "- rasterio: "):
        assert needle in report


def test_without_an_engine_the_dock_says_how_to_set_it_up(dock, monkeypatch, medium_scene):
    from conftest import ENGINE_PYTHON, ENGINE_PYTHON_ENV

    monkeypatch.delenv(ENGINE_PYTHON_ENV)
    dock.engine_changed()  # what the set-up widget calls after a change
    assert "engine is not set up" in dock.engine_info.text()
    assert not dock.run_button.isEnabled()
    dock.scene_widget.setFilePath(str(medium_scene))
    assert "Set up engine" in dock.scene_info.text() and dock.start_run() is None
    monkeypatch.setenv(ENGINE_PYTHON_ENV, str(ENGINE_PYTHON))
    dock.engine_changed()
    assert dock.engine_info.text().replace("\u200b", "") == f"Engine: {ENGINE_PYTHON}"
    assert not dock.run_button.isEnabled()  # until the engine has checked the scene
    wait_for_check(dock)
    assert dock.run_button.isEnabled() and dock.status.text() == "Ready: press Run."
