"""QGIS finds, loads, starts and unloads the plugin through its own plugin machinery."""

import sys

import qgis.utils
from qgis.core import QgsApplication

PROVIDER_ID = "seaicemapper"


def test_qgis_discovers_the_plugin_from_its_metadata(plugin_on_path):
    qgis.utils.updateAvailablePlugins()
    assert plugin_on_path in qgis.utils.available_plugins
    assert qgis.utils.pluginMetadata(plugin_on_path, "name") == "Sea Ice Mapper"
    assert qgis.utils.pluginMetadata(plugin_on_path, "hasProcessingProvider") == "yes"


def test_start_adds_action_and_provider_and_unload_removes_them(plugin_on_path, iface_recorder):
    qgis.utils.updateAvailablePlugins()
    assert qgis.utils.loadPlugin(plugin_on_path)
    assert qgis.utils.startPlugin(plugin_on_path)
    assert plugin_on_path in qgis.utils.active_plugins

    plugin = qgis.utils.plugins[plugin_on_path]
    assert type(plugin).__module__ == f"{plugin_on_path}.plugin.main"
    [action] = iface_recorder.live["addToolBarIcon"]
    assert iface_recorder.live["addPluginToRasterMenu"] == [action]
    assert action.text() == "Sea Ice Mapper"
    assert QgsApplication.processingRegistry().providerById(PROVIDER_ID) is not None

    action.trigger()  # opens the (empty) dock
    [dock] = iface_recorder.live["addDockWidget"]
    assert dock.windowTitle() == "Sea Ice Mapper"

    assert qgis.utils.unloadPlugin(plugin_on_path)
    assert plugin_on_path not in qgis.utils.active_plugins
    assert all(not added for added in iface_recorder.live.values()), iface_recorder.live
    assert QgsApplication.processingRegistry().providerById(PROVIDER_ID) is None


def test_processing_only_start_registers_the_provider_once(plugin_on_path):
    # qgis_process starts plugins this way: initProcessing() without initGui().
    qgis.utils.updateAvailablePlugins()
    assert qgis.utils.loadPlugin(plugin_on_path)
    assert qgis.utils.startProcessingPlugin(plugin_on_path)
    registry = QgsApplication.processingRegistry()
    assert [p.id() for p in registry.providers()].count(PROVIDER_ID) == 1
    assert qgis.utils.unloadPlugin(plugin_on_path)
    assert registry.providerById(PROVIDER_ID) is None


def test_plugin_loads_and_starts_without_torch(plugin_on_path, iface_recorder, monkeypatch):
    # An analyst's QGIS may have no torch (nor rasterio...): the plugin must still load.
    for name in ("torch", "rasterio", "netCDF4", "xarray", "safetensors"):
        monkeypatch.setitem(sys.modules, name, None)  # any import of it now fails
    qgis.utils.updateAvailablePlugins()
    assert qgis.utils.loadPlugin(plugin_on_path)
    assert qgis.utils.startPlugin(plugin_on_path)
    assert iface_recorder.live["addToolBarIcon"]
    assert qgis.utils.unloadPlugin(plugin_on_path)
