"""The layers of a prediction run, written into a (staging) folder.

File names are fixed so the plugin, the comparison and the draft-chart tools find them:
``sic.tif``, ``sod.tif``, ``floe.tif`` (SIC in percent, SOD/FLOE as class values, 255 = no
data), ``<chart>_confidence.tif`` (percent), ``sar_hh.tif``/``sar_hv.tif`` (backscatter in dB at
80 m, with overviews) and, when the scene carries its ice-chart labels, ``chart_sic.tif`` etc.
on the same grid as the prediction.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np

from ..icechart.classes import CHARTS, MASK
from ..icechart.qml import confidence_qml, raster_qml, sar_qml
from ..scene.reader import Scene
from ..scene.schema import SAR_VARIABLES
from ..scene.statistics import GLOBAL_MEAN_STD
from .georef import SwathGeoref, chart_resolution
from .geotiff import SMALL_CACHE_MB, block_cache, write_geotiff

SAR_NODATA = -9999.0
SAR_LAYERS = {"sar_hh": SAR_VARIABLES[0], "sar_hv": SAR_VARIABLES[1]}
STRETCH_PERCENTILES = (2, 98)
SAR_MAX_ERROR_DB = 0.01  # LERC: far below SAR radiometric accuracy, files 2.7 times smaller


def chart_file(chart: str) -> str:
    return f"{chart.lower()}.tif"


def confidence_file(chart: str) -> str:
    return f"{chart.lower()}_confidence.tif"


def label_file(chart: str) -> str:
    return f"chart_{chart.lower()}.tif"


def to_raster_values(chart: str, classes: np.ndarray) -> np.ndarray:
    scale = CHARTS[chart].raster_scale
    return np.where(classes == MASK, MASK, classes * scale).astype(np.uint8)


class LayerWriter:
    """Warps and writes one run's layers into ``folder``; returns what it wrote."""

    def __init__(
        self,
        folder: Path,
        georef: SwathGeoref,
        factor: int,
        tags: dict[str, str],
        on_layer: Callable[[str], None] | None = None,
    ) -> None:
        self.folder, self.georef, self.factor, self.tags = folder, georef, factor, tags
        resolution = chart_resolution(factor)
        self.chart_grid = georef.grid(resolution, snap=resolution)
        self.written: dict[str, Path] = {}
        self._on_layer = on_layer
        self._lock = threading.Lock()

    def _write(self, key: str, name: str, array: np.ndarray, **kwargs) -> None:
        path = self.folder / name
        write_geotiff(path, array, crs=self.georef.crs, tags={**self.tags, "LAYER": key}, **kwargs)
        with self._lock:  # SAR layers are written from threads
            self.written[key] = path
            if self._on_layer is not None:
                self._on_layer(key)

    def charts(self, charts: dict[str, np.ndarray], labels: bool = False) -> None:
        """Class arrays at the downscaled grid: the prediction, or the scene's own chart."""
        for chart, classes in charts.items():
            values = self.georef.warp(
                to_raster_values(chart, classes), self.factor, self.chart_grid, nodata=MASK
            )
            key = f"chart_{chart.lower()}" if labels else chart.lower()
            name = label_file(chart) if labels else chart_file(chart)
            what = "ice chart" if labels else "predicted"
            self._write(
                key,
                name,
                values,
                grid=self.chart_grid,
                nodata=MASK,
                description=f"{CHARTS[chart].title} ({what})",
                chart=CHARTS[chart],
                style=raster_qml(CHARTS[chart]),
            )

    def confidences(self, confidences: dict[str, np.ndarray]) -> None:
        for chart, percent in confidences.items():
            values = self.georef.warp(percent, self.factor, self.chart_grid, nodata=MASK)
            self._write(
                f"{chart.lower()}_confidence",
                confidence_file(chart),
                values,
                grid=self.chart_grid,
                nodata=MASK,
                style=confidence_qml(),
                description=f"{chart} confidence [%]",
            )

    def sar(self, scene: Scene) -> None:
        """HH and HV in dB at 80 m for display, stretched 2-98 % by their styles, on the swath
        grid with its tie points as GCPs (see ``georef``: no warp), with overviews.

        Each band is read and converted here (netCDF is not thread-safe) and written by GDAL
        in a thread of its own, so HH is compressed while HV is read: 2.0 s instead of 2.5 s
        on two cores, for a second full-resolution band in memory. (Not more: rasterio holds
        the GIL while GDAL builds overviews, and GDAL's own threads deadlock building them.)
        """
        grid = self.georef.swath_grid()
        writing: list[Future[None]] = []
        with block_cache(SMALL_CACHE_MB), ThreadPoolExecutor(len(SAR_LAYERS)) as writers:
            for key, name in SAR_LAYERS.items():
                db, (low, high) = sar_decibels(scene, name)
                writing.append(
                    writers.submit(
                        self._write,
                        key,
                        f"{key}.tif",
                        db,
                        grid=grid,
                        nodata=SAR_NODATA,
                        description=f"{key[4:].upper()} backscatter [dB]",
                        overviews=True,
                        lossy_error=SAR_MAX_ERROR_DB,
                        style=sar_qml(low, high),
                    )
                )
                del db
            for future in writing:  # an interrupt here waits for the writers, then unwinds
                future.result()


def sar_decibels(scene: Scene, name: str) -> tuple[np.ndarray, tuple[float, float]]:
    """A SAR band in dB (``SAR_NODATA`` where it has no data) and its 2 and 98 % points,
    converted in place: one full-resolution array, not three."""
    db = scene.read(name).astype(np.float32, copy=False)
    invalid = ~np.isfinite(db)
    invalid |= db == scene.fill_value(name)
    mean, std = GLOBAL_MEAN_STD[name]
    db *= np.float32(std)
    db += np.float32(mean)
    db[invalid] = SAR_NODATA
    sample = db[::4, ::4][~invalid[::4, ::4]]
    del invalid
    if not sample.size:
        return db, (0.0, 1.0)
    low, high = np.percentile(sample, STRETCH_PERCENTILES)
    return db, (float(low), float(high))
