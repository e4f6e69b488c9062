"""The engine side of the plugin/engine contract: ``python -m core --json COMMAND ...``.

The QGIS plugin never imports the heavy packages (torch, netCDF4, rasterio, ...): it starts
this package's CLI in a separate process and reads one JSON event per line from its stdout
(see ``protocol``).
"""
