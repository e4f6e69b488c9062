"""Write one map layer: a tiled, compressed GeoTIFF with what GIS users expect around it.

Class layers carry a GDAL colour table and category names (in the ``.aux.xml`` sidecar GDAL
reads them from: GeoTIFF itself has no place for them); every layer carries provenance tags and
a ``.qml`` style sidecar, which QGIS applies when it opens the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from html import escape
from pathlib import Path

import numpy as np
import rasterio
from rasterio.crs import CRS
from rasterio.enums import Resampling
from rasterio.env import get_gdal_config, set_gdal_config

from ..icechart.classes import ChartClasses
from .georef import SwathGrid, TargetGrid

OVERVIEW_LEVELS = (2, 4, 8, 16)
SMALL_CACHE_MB = 64


def colour_table(chart: ChartClasses) -> dict[int, tuple[int, int, int, int]]:
    return {v: (*c.colour, 255) for v, c in zip(chart.raster_values, chart.classes)}


def category_names(chart: ChartClasses) -> list[str]:
    """GDAL category names: entry i names raster value i ("" where no class has that value)."""
    names = [""] * (max(chart.raster_values) + 1)
    for value, ice_class in zip(chart.raster_values, chart.classes):
        names[value] = ice_class.label
    return names


def _aux_xml(names: list[str]) -> str:
    categories = "\n".join(f"      <Category>{escape(name)}</Category>" for name in names)
    return f"""<PAMDataset>
  <PAMRasterBand band="1">
    <CategoryNames>
{categories}
    </CategoryNames>
  </PAMRasterBand>
</PAMDataset>
"""


@contextmanager
def block_cache(megabytes: int) -> Iterator[None]:
    """GDAL's block cache limited to ``megabytes`` inside, restored after (rasterio's Env
    does not restore GDAL_CACHEMAX). Process-wide: set it once around parallel writers.

    For large layers: GDAL's default cache (5 % of RAM) keeps a whole band's blocks resident
    while building overviews (peak RSS 1.04 GB end to end; 0.8 GB with this). Those figures
    were taken while this set 64 bytes (rasterio takes a number as bytes); 64 MB measured the
    same peaks and times.
    """
    before = get_gdal_config("GDAL_CACHEMAX")
    set_gdal_config("GDAL_CACHEMAX", megabytes << 20)  # rasterio passes a number on as bytes
    try:
        yield
    finally:
        set_gdal_config("GDAL_CACHEMAX", before)


def write_geotiff(
    path: Path,
    array: np.ndarray,
    grid: TargetGrid | SwathGrid,
    crs: CRS,
    nodata: float,
    tags: dict[str, str],
    description: str,
    chart: ChartClasses | None = None,
    overviews: bool = False,
    style: str | None = None,
    lossy_error: float | None = None,
) -> None:
    """Write ``array`` (already on ``grid``) to ``path`` with its sidecars.

    ``lossy_error``: store floats with LERC to within this absolute error (fast, small enough);
    otherwise lossless deflate.
    """
    dtype = str(array.dtype)
    placement = (
        {"transform": grid.transform} if isinstance(grid, TargetGrid) else {"gcps": grid.gcps}
    )
    compression = (
        # LERC alone: zstd on top saved 30 % of the bytes for twice the CPU time (writing and
        # building overviews, which reads the full resolution back).
        {"compress": "lerc", "max_z_error": lossy_error}
        if lossy_error is not None
        else {"compress": "deflate", "predictor": 3 if np.dtype(dtype).kind == "f" else 2}
    )
    profile = dict(
        driver="GTiff",
        width=grid.width,
        height=grid.height,
        count=1,
        dtype=dtype,
        crs=crs,
        nodata=nodata,
        tiled=True,
        blockxsize=256,
        blockysize=256,
        **placement,
        **compression,
    )
    # Compressed on one thread: with GDAL 3.6.2, multi-threaded compression (NUM_THREADS)
    # deadlocked while building overviews through a small block cache (see block_cache).
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(array, 1)
        dst.set_band_description(1, description)
        dst.update_tags(**tags)
        if chart is not None:
            dst.write_colormap(1, colour_table(chart))
        if overviews:
            dst.build_overviews(list(OVERVIEW_LEVELS), Resampling.average)
            dst.update_tags(ns="rio_overview", resampling="average")
    if chart is not None:
        aux = path.with_name(path.name + ".aux.xml")
        aux.write_text(_aux_xml(category_names(chart)), encoding="utf-8")
    if style is not None:
        path.with_suffix(".qml").write_text(style, encoding="utf-8")
