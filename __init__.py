"""QGIS entry point of Sea Ice Mapper.

QGIS imports this package and calls ``classFactory``. Everything else is imported lazily so
that the plugin loads even when optional dependencies (torch, rasterio, ...) are missing.
"""


def classFactory(iface):  # noqa: N802 (name fixed by QGIS)
    from .plugin.main import SeaIceMapperPlugin

    return SeaIceMapperPlugin(iface)
