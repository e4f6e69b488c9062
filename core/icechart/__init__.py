"""Ice-chart semantics: the one place that knows classes, egg codes and colours.

- ``classes``: SIC/SOD/FLOE class tables (values, names, WMO colours, the 255 mask).
- ``eggcode``: SIGRID-3 egg codes → AI4Arctic classes, vectorised.
- ``sigrid``: reading official SIGRID-3 charts; ``rasterize``: charts onto raster grids.
- ``qml``: QGIS styles generated from the class tables.
"""
