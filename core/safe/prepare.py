"""``python -m core prepare``: a Sentinel-1 product written as an AI4Arctic ready-to-train file.

The file has the ready-to-train layout (``core/scene/schema.py``): the four 80 m inputs
standard-scaled with NaN → 0 (``variable_fill_value``), the 21 × 21 latitude/longitude grid,
the 2 km ERA5/AMSR2 grids when given, and SIC/SOD/FLOE burnt from a SIGRID-3 chart when given
(so an ice service can build training scenes from its own archive). Global attributes record
where everything came from: product, IPF, calibration and noise removal, ancillary files. The
file appears only once complete and is never overwritten without ``overwrite``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ..about import about
from ..scene import schema
from ..scene.writer import netcdf_for_writing
from .landmask import CAP_KM
from .product import POLARISATIONS
from .radiometry import FLOOR_DB
from .scene import SafeScene

CHART_TITLES = {"SIC": "Sea Ice Concentration", "SOD": "Stage of Development", "FLOE": "Floe Size"}


@dataclass(frozen=True)
class PrepareParams:
    product: Path  # .SAFE folder, manifest.safe or .zip
    out: Path  # the ready-to-train file to write (…_prep.nc)
    era5: Path | None = None  # ERA5 single levels netCDF (new CDS)
    amsr2: Path | None = None  # AMSR2 brightness temperatures
    chart: Path | None = None  # SIGRID-3 chart to burn SIC/SOD/FLOE from
    overwrite: bool = False


def _ancillary(params: PrepareParams, scene: SafeScene) -> tuple[dict[str, np.ndarray], dict]:
    """Scaled 2 km grids and provenance attributes of the ancillary files given."""
    coarse: dict[str, np.ndarray] = {}
    attrs = {"era5_source": "none", "amsr2_source": "none"}
    if params.era5 is not None or params.amsr2 is not None:
        from ..ancillary.sample import coarse_channels

        coarse, attrs = coarse_channels(scene, params.era5, params.amsr2)
    return coarse, attrs


def prepare(params: PrepareParams) -> Path:
    """Write ``params.out``; returns its path. Raises SceneFormatError/ChartError on bad input."""
    with SafeScene(params.product, required=()) as scene:
        coarse, provenance = _ancillary(params, scene)
        charts = _charts(params.chart, scene) if params.chart is not None else {}
        ann = scene.product.annotation[POLARISATIONS[0]]
        noise = scene.product.noise(POLARISATIONS[0])
        shape = scene.info.shape
        with netcdf_for_writing(params.out, params.overwrite) as ds:
            ds.createDimension(schema.SAR_DIMS[0], shape[0])
            ds.createDimension(schema.SAR_DIMS[1], shape[1])
            for dim in schema.TIE_DIMS:
                ds.createDimension(dim, schema.TIE_POINTS)
            chunks = tuple(min(c, n) for c, n in zip((500, 500), shape))
            for name in schema.SAR_VARIABLES:
                var = ds.createVariable(
                    name,
                    "f4",
                    schema.SAR_DIMS,
                    zlib=True,
                    complevel=1,
                    shuffle=True,
                    chunksizes=chunks,
                )
                var.setncattr("variable_fill_value", np.float32(scene.fill_value(name)))
                var[:] = scene.read(name)
            lat, lon = scene.latlon()
            for name, values in zip(schema.LATLON_VARIABLES, (lat, lon)):
                ds.createVariable(name, "f8", schema.TIE_DIMS)[:] = values
            if coarse:
                first = next(iter(coarse.values()))
                for dim, n in zip(schema.COARSE_DIMS, first.shape):
                    ds.createDimension(dim, n)
                for name, values in coarse.items():
                    ds.createVariable(name, "f4", schema.COARSE_DIMS, zlib=True, complevel=1)[:] = (
                        values
                    )
            for name, values in charts.items():
                var = ds.createVariable(
                    name,
                    "u1",
                    schema.SAR_DIMS,
                    zlib=True,
                    complevel=1,
                    shuffle=True,
                    chunksizes=chunks,
                )
                var.setncatts(
                    {"chart_fill_value": np.uint8(schema.CHART_FILL), "polygon": CHART_TITLES[name]}
                )
                var[:] = values
            ds.setncatts(
                {
                    "scene_id": f"{scene.info.scene_id.name}_prep.nc",
                    "original_id": scene.product.name,
                    "ice_service": scene.info.ice_service,
                    "flip": 0,
                    "pixel_spacing": schema.PIXEL_SPACING_M,
                    "source": "Sentinel-1 SAFE product",
                    "source_product": scene.product.name,
                    "mission": scene.product.manifest.mission,
                    "ipf_version": scene.product.manifest.ipf,
                    "acquisition_start": ann.start.isoformat(),
                    "orbit_pass": ann.orbit_pass,
                    "platform_heading_deg": ann.heading,
                    "calibration": "ESA sigmaNought LUT",
                    "noise_removal": f"ESA thermal noise annotation: {noise.schema}",
                    "sar_averaging": "2x2 mean in linear intensity (40 m -> 80 m), then dB",
                    "sar_floor_db": FLOOR_DB,
                    "distance_map_encoding": (
                        f"0 on land, else distance to land in km capped at {CAP_KM:g} "
                        "(global-land-mask 1.0.0)"
                    ),
                    "ice_chart_source": str(params.chart.name) if params.chart else "none",
                    **provenance,
                    "created_by": f"{about().name} {about().version}",
                    "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                }
            )
    return params.out


def _charts(path: Path, scene: SafeScene) -> dict[str, np.ndarray]:
    from ..icechart.rasterize import chart_on_scene
    from ..icechart.sigrid import read_chart

    lat, lon = scene.latlon()
    charts = chart_on_scene(read_chart(path), lat, lon, scene.info.shape, step=1)
    gap = scene.read("nersc_sar_primary") == scene.fill_value("nersc_sar_primary")
    out = {}
    for name, values in charts.items():
        labels = np.asarray(values, np.uint8)
        labels[gap] = schema.CHART_FILL  # masks aligned as AI4Arctic did
        out[name] = labels
    return out
