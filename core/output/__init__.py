"""Georeferenced outputs of a prediction run: warped GeoTIFFs, styles, run folder."""
