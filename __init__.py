"""QGIS entry point of Sea Ice Mapper.

QGIS imports this package and calls ``classFactory``. The plugin is imported lazily; it never
imports the engine's packages (torch, rasterio, ...): those run in a separate engine process.
"""


def classFactory(iface):  # noqa: N802 (name fixed by QGIS)
    from .plugin.main import SeaIceMapperPlugin

    return SeaIceMapperPlugin(iface)
