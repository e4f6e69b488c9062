"""Settings of a draft chart, as plain data (the CLI, Processing and the dock fill them in).

Defaults are chart scale, taken from what analysts draw (docs/charts.md has the figures): the
DMI regional charts in ../shared/data/real/ice_charts/dmi hold tens of polygons per chart, the
smallest ice polygons a few tens of km², the median hundreds to thousands of km².
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Smallest polygon kept, km². Regions smaller than this join their largest neighbour. 100 km²
# (about 156 cells of the 800 m grid, a 10 km × 10 km patch): nine in ten of the polygons in
# the DMI charts are larger (10th percentile 92 km²). 0 keeps every region down to one cell.
DEFAULT_MIN_AREA_KM2 = 100.0

# Smoothing tolerance, metres: how far a boundary may leave the cell edges it was traced on
# before its corners are rounded. 2 km (2.5 cells) removes the 800 m staircase and the cell-size
# wiggles an analyst would not draw, and stays well inside the 10 km width of the smallest
# polygon. 0 keeps the cell edges exactly.
DEFAULT_SMOOTHING_M = 2000.0


def _check(name: str, value: float, unit: str, flag: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"the {name} must be a number of {unit}, not {value!r}")
    if not math.isfinite(value) or value < 0:
        raise ValueError(
            f"the {name} must be a finite number ≥ 0 {unit}, not {value!r}: give e.g. "
            f"{flag} (0 turns it off)"
        )


@dataclass(frozen=True)
class DraftParams:
    min_area_km2: float = DEFAULT_MIN_AREA_KM2
    # Smoothing tolerance in metres (see DEFAULT_SMOOTHING_M); None: that default.
    simplify_m: float | None = None
    crs: str | None = None  # output CRS; None: the run's (EPSG:3413 by default)
    shapefile: bool = False  # also write a shapefile beside the GeoPackage
    overwrite: bool = False

    def __post_init__(self) -> None:
        _check(
            "minimum polygon area", self.min_area_km2, "km²", f"--min-area {DEFAULT_MIN_AREA_KM2:g}"
        )
        if self.simplify_m is not None:
            _check(
                "smoothing tolerance", self.simplify_m, "m", f"--simplify {DEFAULT_SMOOTHING_M:g}"
            )

    @property
    def smoothing_m(self) -> float:
        return DEFAULT_SMOOTHING_M if self.simplify_m is None else float(self.simplify_m)


def check_crs(text: str) -> None:
    """Refuse an output CRS that PROJ does not know, before any work (engine side: the plugin
    builds these params in QGIS, where rasterio must not be imported)."""
    from rasterio.crs import CRS
    from rasterio.errors import CRSError

    try:
        CRS.from_user_input(text)
    except (CRSError, ValueError):
        raise ValueError(
            f"unknown CRS {text!r}; give an EPSG code (e.g. EPSG:3413) or a WKT/PROJ definition"
        ) from None
