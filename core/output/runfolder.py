"""Read back the charts of a finished run folder (what ``predict`` wrote) as class arrays."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from rasterio.crs import CRS
from rasterio.errors import RasterioIOError

from ..errors import RunFolderError
from ..icechart.classes import CHART_NAMES, CHARTS, MASK
from .contract import layer_file, layer_key, read_record, record_layers

MAX_RUN_PIXELS = 20000 * 20000  # a whole scene's swath on its map grid, with room to spare


@dataclass
class RunCharts:
    folder: Path
    record: dict
    crs: CRS
    transform: Affine
    shape: tuple[int, int]
    predicted: dict[str, np.ndarray]  # class values (SIC in tenths), MASK where none
    confidence: dict[str, np.ndarray] = field(default_factory=dict)  # percent, NaN where none
    reference: dict[str, np.ndarray] = field(default_factory=dict)  # the scene's own chart

    @property
    def scene(self) -> str:
        return str(self.record.get("scene", self.folder.name))

    @property
    def pixel_area_km2(self) -> float:
        return abs(self.transform.a * self.transform.e) / 1e6

    @property
    def valid(self) -> np.ndarray:
        return (
            (self.predicted["SIC"] != MASK)
            & (self.predicted["SOD"] != MASK)
            & (self.predicted["FLOE"] != MASK)
        )


def _classes(values: np.ndarray, chart: str) -> np.ndarray:
    """GeoTIFF values → class values (SIC is stored in percent)."""
    scale = CHARTS[chart].raster_scale
    out = values.astype(np.uint8, copy=True)
    if scale != 1:
        known = values != MASK
        out[known] = values[known] // scale
    return out


def read_run(folder: str | Path) -> RunCharts:
    """The predicted (and, when present, reference) charts of a run folder, on its grid."""
    folder = Path(folder)
    record = read_record(folder)
    # Files by key as run.json lists them (the contract), else by their fixed names.
    files = {layer.key: layer.file for layer in record_layers(record)}
    grid: tuple[CRS, Affine, tuple[int, int]] | None = None
    arrays: dict[str, np.ndarray] = {}
    kinds = ("prediction", "reference", "confidence")
    for key in [layer_key(kind, chart) for kind in kinds for chart in CHART_NAMES]:
        path = folder / files.get(key, layer_file(key))
        if not path.exists():
            continue
        try:
            with rasterio.open(path) as ds:
                here = (ds.crs, ds.transform, (ds.height, ds.width))
                if grid is None:
                    grid = here
                elif here != grid:
                    raise RunFolderError(
                        f"{path.name} is not on the grid of sic.tif in {folder}; the run folder "
                        "was altered. Run the prediction again."
                    )
                if ds.driver != "GTiff" or ds.height * ds.width > MAX_RUN_PIXELS:
                    raise RasterioIOError(ds.driver)
                arrays[key] = ds.read(1)
        except RasterioIOError:
            raise RunFolderError(
                f"{path.name} in {folder} is not a readable GeoTIFF of a run; the run folder was "
                "altered or damaged. Run the prediction again."
            ) from None
    missing = [n.lower() + ".tif" for n in CHART_NAMES if n.lower() not in arrays]
    if missing or grid is None:
        raise RunFolderError(
            f"{folder} lacks {', '.join(missing)}; a run folder holds sic.tif, sod.tif and "
            "floe.tif. Run the prediction again."
        )
    crs, transform, shape = grid
    run = RunCharts(
        folder,
        record,
        crs,
        transform,
        shape,
        {c: _classes(arrays[c.lower()], c) for c in CHART_NAMES},
    )
    for chart in CHART_NAMES:
        if f"chart_{chart.lower()}" in arrays:
            run.reference[chart] = _classes(arrays[f"chart_{chart.lower()}"], chart)
        if f"{chart.lower()}_confidence" in arrays:
            values = arrays[f"{chart.lower()}_confidence"].astype(np.float32)
            values[values == MASK] = np.nan
            run.confidence[chart] = values
    return run
