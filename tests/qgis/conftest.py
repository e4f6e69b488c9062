"""Fixtures for tests in a real headless QGIS: the plugin loaded through QGIS's own machinery.

The plugin runs the engine as ``$SEA_ICE_MAPPER_ENGINE_PYTHON -m core``: the variable when set
(the Makefile points it at the engine's own environment), else this test Python. QGIS's Python
has none of the engine's packages, so the fixtures that make data (scenes, weights, run
folders) run the engine in a subprocess too, overriding tests/conftest.py's in-process ones.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
import qgis.utils
from engine_calls import ENGINE_PYTHON, ENGINE_PYTHON_ENV, engine_eval, predict, synth_scene
from qgis.core import QgsLayerTreeModel, QgsProject, QgsSettings
from qgis.gui import QgsLayerTreeView

from repo_paths import PLUGIN_PACKAGE

__all__ = ["ENGINE_PYTHON", "ENGINE_PYTHON_ENV"]  # tests import them from here


@pytest.fixture(scope="session")
def medium_scene(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A labelled synthetic scene of 400 × 460 pixels (40 × 46 at the model's ×10 grid)."""
    return synth_scene(tmp_path_factory.mktemp("medium_scene"), "400x460", 11)


RANDOM_BUNDLE = """
import json, sys
from pathlib import Path
import torch
from core.model.bundle import save_bundle
from core.model.manifest import Manifest
from core.model.unet import MultiTaskUNet, UNetConfig
torch.manual_seed(0)
manifest = Manifest(architecture={}, training={"data": "nothing: random initialisation"})
print(json.dumps(str(save_bundle(MultiTaskUNet(UNetConfig()), manifest, Path(sys.argv[1])))))
"""


@pytest.fixture(scope="session")
def random_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Randomly initialised weights of the winning configuration, as a bundle (manifest path)."""
    return Path(engine_eval(RANDOM_BUNDLE, tmp_path_factory.mktemp("weights") / "random"))


@pytest.fixture(scope="session")
def bundled_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run folder: a labelled 1200 × 1240 synthetic scene predicted with the bundled weights."""
    folder = tmp_path_factory.mktemp("bundled_run")
    scene = synth_scene(folder, "1200x1240", 4001)
    return predict(scene, folder / "runs", "--device", "cpu", "--no-sar")


class IfaceRecorder:
    """Records what the plugin adds to and removes from the interface.

    pytest-qgis's interface accepts toolbar icons, menus and docks but keeps no trace of them;
    this wraps those calls (the real ones still run) so tests can check that ``unload()``
    takes back everything ``initGui()`` added.
    """

    PAIRS: ClassVar[dict[str, str]] = {
        "addToolBarIcon": "removeToolBarIcon",
        "addPluginToRasterMenu": "removePluginRasterMenu",
        "addDockWidget": "removeDockWidget",
    }

    def __init__(self, iface, monkeypatch: pytest.MonkeyPatch) -> None:
        self.live: dict[str, list] = {add: [] for add in self.PAIRS}
        for add, remove in self.PAIRS.items():
            monkeypatch.setattr(iface, add, self._adder(add, getattr(iface, add)), raising=False)
            monkeypatch.setattr(
                iface, remove, self._remover(add, getattr(iface, remove)), raising=False
            )

    def _adder(self, kind, real):
        def add(*args):
            self.live[kind].append(args[-1])
            return real(*args)

        return add

    def _remover(self, kind, real):
        def remove(*args):
            self.live[kind].remove(args[-1])
            return real(*args)

        return remove


@pytest.fixture()
def iface_recorder(qgis_iface, monkeypatch) -> IfaceRecorder:
    return IfaceRecorder(qgis_iface, monkeypatch)


@pytest.fixture()
def plugin_on_path(plugins_folder: Path, monkeypatch) -> Iterator[str]:
    """Put the plugins folder where QGIS looks for plugins; unload the plugin afterwards."""
    monkeypatch.setattr(qgis.utils, "plugin_paths", [str(plugins_folder)])
    monkeypatch.syspath_prepend(str(plugins_folder))
    yield PLUGIN_PACKAGE
    if PLUGIN_PACKAGE in qgis.utils.active_plugins:
        qgis.utils.unloadPlugin(PLUGIN_PACKAGE)
    for name in [m for m in sys.modules if m.split(".")[0] == PLUGIN_PACKAGE]:
        del sys.modules[name]


@pytest.fixture()
def processing_framework(monkeypatch):
    """QGIS's own Processing plugin, initialised; yields its ``processing`` module."""
    from qgis.core import QgsApplication

    monkeypatch.syspath_prepend(str(Path(QgsApplication.pkgDataPath()) / "python" / "plugins"))
    from processing.core.Processing import Processing

    Processing.initialize()
    import processing

    yield processing
    QgsProject.instance().clear()


@pytest.fixture()
def processing(plugin_on_path, processing_framework, monkeypatch):
    """Processing with the plugin's provider started as qgis_process starts it."""
    # runAndLoadResults hands iface.layerTreeView() to C++ from QGIS 3.44 on: pytest-qgis's
    # mocked iface needs a real view there, as the desktop has.
    root = QgsProject.instance().layerTreeRoot()
    view = QgsLayerTreeView()
    view.setModel(QgsLayerTreeModel(root, view))
    if qgis.utils.iface is not None:
        monkeypatch.setattr(qgis.utils.iface, "layerTreeView", lambda: view, raising=False)
    qgis.utils.updateAvailablePlugins()
    assert qgis.utils.loadPlugin(plugin_on_path)
    assert qgis.utils.startProcessingPlugin(plugin_on_path)
    return processing_framework


@pytest.fixture()
def dock(plugin_on_path, qgis_iface):
    QgsSettings().remove("sea_ice_mapper")  # every test starts from the default settings
    qgis.utils.updateAvailablePlugins()
    assert qgis.utils.loadPlugin(plugin_on_path) and qgis.utils.startPlugin(plugin_on_path)
    plugin = qgis.utils.plugins[plugin_on_path]
    plugin.show_dock()
    yield plugin.dock
    QgsProject.instance().clear()
    QgsSettings().remove("sea_ice_mapper")
