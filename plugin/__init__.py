"""QGIS side of Sea Ice Mapper: the dock, the background task, the Processing provider."""
