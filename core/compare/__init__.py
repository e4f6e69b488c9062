"""Compare a prediction with an ice chart: scores, difference rasters, polygon agreement, report."""
