"""Plain-Python core of Sea Ice Mapper: scenes, ice-chart semantics, inference, outputs.

Nothing in this package imports QGIS or Qt, so it serves the CLI, the QGIS plugin, the
Processing provider and the training package alike. Modules use relative imports so the
package works both as top-level ``core`` and as ``<plugin folder>.core`` inside QGIS.
"""
