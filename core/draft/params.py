"""Settings of a draft chart, as plain data (the CLI, Processing and the dock fill them in)."""

from __future__ import annotations

import math
from dataclasses import dataclass

# Smallest polygon kept: 1.5 km², i.e. at least 2 cells of the model's 800 m grid. A lone cell
# is noise: with ×10 nearest downscaling it stands for a single 80 m SAR pixel. Coarser
# generalisation is a choice (e.g. 10 km², 16 cells) that costs agreement with the pixels.
DEFAULT_MIN_AREA_KM2 = 1.5


@dataclass(frozen=True)
class DraftParams:
    min_area_km2: float = DEFAULT_MIN_AREA_KM2
    simplify_m: float | None = None  # boundary tolerance; None: half a grid cell (400 m)
    crs: str | None = None  # output CRS; None: the run's (EPSG:3413 by default)
    shapefile: bool = False  # also write a shapefile beside the GeoPackage
    overwrite: bool = False

    def __post_init__(self) -> None:
        if not math.isfinite(self.min_area_km2) or self.min_area_km2 < 0:
            raise ValueError(f"the minimum polygon area must be ≥ 0 km², not {self.min_area_km2}")
        if self.simplify_m is not None and not (
            math.isfinite(self.simplify_m) and self.simplify_m >= 0
        ):
            raise ValueError(f"the simplification tolerance must be ≥ 0 m, not {self.simplify_m}")
        if self.crs is not None:
            check_crs(self.crs)


def check_crs(text: str) -> None:
    """Refuse an output CRS that PROJ does not know, before any work."""
    from rasterio.crs import CRS
    from rasterio.errors import CRSError

    try:
        CRS.from_user_input(text)
    except (CRSError, ValueError):
        raise ValueError(
            f"unknown CRS {text!r}; give an EPSG code (e.g. EPSG:3413) or a WKT/PROJ definition"
        ) from None
