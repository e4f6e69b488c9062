"""Write a synthetic scene in the exact AI4Arctic ready-to-train format, block by block."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import netCDF4
import numpy as np
from rasterio.warp import transform as transform_points

from ..errors import ParamsError
from ..icechart.classes import MASK
from ..output.folder import atomic_outputs
from ..scene import schema
from ..scene.names import SceneId
from ..scene.statistics import GLOBAL_MEAN_STD, scale
from .charts import ChartLayout, make_chart
from .fields import (
    blur,
    distance_cells,
    gaussian_cdf,
    smooth_noise,
    upsample_bilinear,
    upsample_nearest,
)
from .physics import (
    ENL,
    HV_NOISE_FLOOR_DB,
    ICE_DB,
    ICE_SLOPE_DB_PER_DEG,
    LAND,
    OLD,
    TB,
    TB_BLUR_CELLS,
    WATER,
    brightness_temperature,
    water_backscatter,
)

BLOCK_LINES = 500
NEAR_RANGE_DEG, FAR_RANGE_DEG = 19.0, 46.5  # Sentinel-1 EW swath (real annotation: 18.9-46.4)


@dataclass(frozen=True)
class SynthConfig:
    lines: int = 5000  # sar_lines at 80 m (a real scene: about 5000)
    samples: int = 5200  # sar_samples
    seed: int = 0
    ice_service: str | None = None  # "cis"/"dmi"; None: drawn from the seed
    time: datetime | None = None  # acquisition; None: drawn from the seed (2018-2021)
    reference_split: bool = False  # labels in <name>_prep_reference.nc, as AI4Arctic test scenes
    compress: bool = True  # zlib level 1, as the real files
    wind_speed: float | None = None  # mean 10 m wind (m/s); None: drawn from the seed (2-13)
    centre: tuple[float, float] | None = None  # (lat, lon) of the swath centre; None: drawn


MAX_SIZE = 20000  # lines or samples: the reader refuses larger scenes (see core.scene.reader)


@dataclass(frozen=True)
class _Coarse:
    """Fields on the 2 km grid shared by SAR (wind), AMSR2, ERA5 and the distance map."""

    u: np.ndarray
    v: np.ndarray
    ice: np.ndarray
    distance_km: np.ndarray


def synthesize(
    out: str | Path, config: SynthConfig = SynthConfig(), overwrite: bool = False
) -> Path:
    """Write one scene; ``out`` is a file name or a folder (named from the scene id)."""
    rng = np.random.default_rng(config.seed)
    scene_id = _scene_id(rng, config)
    out = Path(out)
    # A name ending in .nc is the file; anything else is a folder (made if missing), so
    # `synth DIR/` never writes a file called DIR.
    path = out if out.suffix == ".nc" and not out.is_dir() else out / scene_id.prep_file
    shape = (config.lines, config.samples)
    if min(shape) < 32 or max(shape) > MAX_SIZE:
        raise ParamsError(
            f"scene size {shape} is outside 32 x 32 .. {MAX_SIZE} x {MAX_SIZE} pixels"
        )
    layout = make_chart(rng, (max(8, shape[0] // 10), max(8, shape[1] // 10)))
    coarse_shape = (
        max(1, shape[0] // schema.COARSE_FACTOR),
        max(1, shape[1] // schema.COARSE_FACTOR),
    )
    coarse = _coarse_fields(rng, layout, coarse_shape, config.wind_speed)

    reference = path.with_name(scene_id.reference_file)
    names = [path.name] + ([reference.name] if config.reference_split else [])
    # scene and reference appear together or not at all
    with atomic_outputs(path.parent, names, overwrite=overwrite) as staging:
        with _netcdf(staging / path.name) as ds:
            _define(ds, scene_id, shape, coarse_shape, config)
            _write_coarse(ds, rng, coarse, layout)
            _write_tie_points(ds, rng, shape, config.centre)
            if config.reference_split:
                with _netcdf(staging / reference.name) as ref:
                    _define_charts(ref, shape, config)
                    _write_full_grid(ds, ref, rng, layout, coarse, shape)
            else:
                _write_full_grid(ds, ds, rng, layout, coarse, shape)
    return path


@contextmanager
def _netcdf(path: Path) -> Iterator[netCDF4.Dataset]:
    ds = netCDF4.Dataset(path, "w", format="NETCDF4")
    try:
        yield ds
    finally:
        ds.close()


def _scene_id(rng: np.random.Generator, config: SynthConfig) -> SceneId:
    start = datetime(2018, 1, 1, tzinfo=timezone.utc)
    drawn = start + timedelta(seconds=int(rng.integers(0, 4 * 365 * 86400)))
    service = str(rng.choice(["cis", "dmi"]))
    return SceneId(config.time or drawn, config.ice_service or service)


def _define(ds, scene_id: SceneId, shape, coarse_shape, config: SynthConfig) -> None:
    ds.createDimension(schema.SAR_DIMS[0], shape[0])
    ds.createDimension(schema.SAR_DIMS[1], shape[1])
    ds.createDimension(schema.TIE_DIMS[0], schema.TIE_POINTS)
    ds.createDimension(schema.TIE_DIMS[1], schema.TIE_POINTS)
    ds.createDimension(schema.COARSE_DIMS[0], coarse_shape[0])
    ds.createDimension(schema.COARSE_DIMS[1], coarse_shape[1])
    platform = "S1A" if scene_id.time.year % 2 else "S1B"
    stop = scene_id.time + timedelta(minutes=1)
    ds.setncatts(
        {
            "scene_id": scene_id.prep_file,
            "original_id": f"{platform}_EW_GRDM_1SDH_{scene_id.time:%Y%m%dT%H%M%S}_"
            f"{stop:%Y%m%dT%H%M%S}_000000_000000_0000_icechart_{scene_id.ice_service}_"
            "synthetic.nc",
            "ice_service": scene_id.ice_service,
            "flip": 0,
            "pixel_spacing": schema.PIXEL_SPACING_M,
            "title": "Synthetic AI4Arctic ready-to-train scene (Sea Ice Mapper)",
            "synthetic": 1,
        }
    )
    opts = _compression(config, shape)
    for name in schema.SAR_VARIABLES:
        var = ds.createVariable(name, "f4", schema.SAR_DIMS, **opts)
        var.setncattr("variable_fill_value", np.float32(schema.SAR_FILL_FALLBACK))
    for name in schema.LATLON_VARIABLES:
        ds.createVariable(name, "f8", schema.TIE_DIMS)
    for name in schema.COARSE_VARIABLES:
        ds.createVariable(name, "f4", schema.COARSE_DIMS, zlib=config.compress, complevel=1)
    if not config.reference_split:
        _define_charts(ds, shape, config)


def _define_charts(ds, shape, config: SynthConfig) -> None:
    if schema.SAR_DIMS[0] not in ds.dimensions:
        ds.createDimension(schema.SAR_DIMS[0], shape[0])
        ds.createDimension(schema.SAR_DIMS[1], shape[1])
    titles = {"SIC": "Sea Ice Concentration", "SOD": "Stage of Development", "FLOE": "Floe Size"}
    for name in schema.CHART_VARIABLES:
        var = ds.createVariable(name, "u1", schema.SAR_DIMS, **_compression(config, shape))
        var.setncatts({"chart_fill_value": np.uint8(schema.CHART_FILL), "polygon": titles[name]})


def _compression(config: SynthConfig, shape) -> dict:
    if not config.compress:
        return {}
    chunks = (min(shape[0], 500), min(shape[1], 500))
    return {"zlib": True, "complevel": 1, "shuffle": True, "chunksizes": chunks}


def _coarse_fields(rng, layout: ChartLayout, shape, wind_speed: float | None) -> _Coarse:
    ice_layout = layout.concentration[layout.index]
    ice = np.clip(upsample_bilinear(ice_layout, shape), 0, 1)
    land = upsample_nearest(layout.kind_a[layout.index] == LAND, shape)
    speed_mean = rng.uniform(2.0, 13.0) if wind_speed is None else wind_speed
    direction = rng.uniform(0, 2 * np.pi)
    sigma = max(shape) / 4
    gust = 0.15 * speed_mean + 0.5  # variability grows with the wind
    u = speed_mean * np.cos(direction) + gust * smooth_noise(rng, shape, sigma)
    v = speed_mean * np.sin(direction) + gust * smooth_noise(rng, shape, sigma)
    if land.any():
        km = distance_cells(land) * schema.COARSE_SPACING_M / 1000
    else:
        km = np.full(shape, 200.0, dtype=np.float32)
    return _Coarse(u=u, v=v, ice=ice.astype(np.float32), distance_km=km.astype(np.float32))


def _write_coarse(ds, rng, coarse: _Coarse, layout: ChartLayout) -> None:
    shape = (coarse.ice.shape[0], coarse.ice.shape[1])
    land = upsample_nearest((layout.kind_a[layout.index] == LAND).astype(np.float32), shape)
    old = upsample_bilinear(
        np.where(layout.kind_a == OLD, layout.share_a, 0)[layout.index]
        + np.where(layout.kind_b == OLD, 1 - layout.share_a, 0)[layout.index],
        shape,
    )
    wind = np.hypot(coarse.u, coarse.v)
    ice_blurred = blur(coarse.ice, 2.0)
    for channel in TB:
        tb = brightness_temperature(channel, coarse.ice, old, land, wind)
        tb = blur(tb, TB_BLUR_CELLS[channel[:-1]])  # "36_5h" → "36_5"
        tb += rng.normal(0, 0.6, shape).astype(np.float32)
        ds.variables[f"btemp_{channel}"][:] = scale(f"btemp_{channel}", tb)
    t2m = 272.0 - 16.0 * ice_blurred + 1.5 * smooth_noise(rng, shape, max(shape) / 5)
    skt = t2m - 2.0 * ice_blurred + 0.5 * smooth_noise(rng, shape, max(shape) / 8)
    tcwv = np.clip(
        3.0 + 7.0 * (1 - ice_blurred) + smooth_noise(rng, shape, max(shape) / 5), 0.3, None
    )
    tclw = np.clip(0.04 + 0.05 * smooth_noise(rng, shape, max(shape) / 6), 0.0, None)
    for name, values in (
        ("u10m_rotated", coarse.u),
        ("v10m_rotated", coarse.v),
        ("t2m", t2m),
        ("skt", skt),
        ("tcwv", tcwv),
        ("tclw", tclw),
    ):
        ds.variables[name][:] = scale(name, values.astype(np.float32))
        ds.variables[name].units = {
            "t2m": "K",
            "skt": "K",
            "tcwv": "kg m**-2",
            "tclw": "kg m**-2",
        }.get(name, "m s**-1")


def _write_tie_points(ds, rng, shape, centre: tuple[float, float] | None) -> None:
    """A 400 km swath somewhere between Baffin Bay and the Greenland Sea, near-polar orbit."""
    lat0, lon0 = rng.uniform(62.0, 79.0), rng.uniform(-72.0, -8.0)  # drawn even if given
    if centre is not None:
        lat0, lon0 = centre
    heading = np.deg2rad(rng.uniform(-25.0, 25.0))  # along-track, roughly north-south
    (x0,), (y0,) = transform_points("EPSG:4326", "EPSG:3413", [lon0], [lat0])
    rows = np.linspace(0, shape[0] - 1, schema.TIE_POINTS) - (shape[0] - 1) / 2
    cols = np.linspace(0, shape[1] - 1, schema.TIE_POINTS) - (shape[1] - 1) / 2
    r, c = np.meshgrid(rows, cols, indexing="ij")  # axis 0 along lines, as MMSeaIce reads it
    spacing = schema.PIXEL_SPACING_M
    x = x0 + spacing * (c * np.cos(heading) + r * np.sin(heading))
    y = y0 + spacing * (c * np.sin(heading) - r * np.cos(heading))
    lon, lat = transform_points("EPSG:3413", "EPSG:4326", x.ravel().tolist(), y.ravel().tolist())
    ds.variables["sar_grid2d_latitude"][:] = np.reshape(lat, r.shape)
    ds.variables["sar_grid2d_longitude"][:] = np.reshape(lon, r.shape)


def _write_full_grid(ds, charts_ds, rng, layout: ChartLayout, coarse: _Coarse, shape) -> None:
    lines, samples = shape
    floe_grid = smooth_noise(rng, (max(2, lines // 4), max(2, samples // 4)), 2.0)
    stage_grid = smooth_noise(rng, (max(2, lines // 20), max(2, samples // 20)), 3.0)
    texture_grid = smooth_noise(rng, (max(2, lines // 3), max(2, samples // 3)), 1.5)
    speed = np.hypot(coarse.u, coarse.v)
    distance = np.minimum(coarse.distance_km, 60.0)  # zone index saturates far from land
    cut = rng.uniform(1.3, 1.7)  # a slanted swath edge (often outside the scene): no data beyond
    bands = rng.uniform(-1.5, 1.5, 5)
    phases = rng.uniform(0, 2 * np.pi, 5)
    col = np.arange(samples)
    incidence_1d = NEAR_RANGE_DEG + (FAR_RANGE_DEG - NEAR_RANGE_DEG) * col / max(samples - 1, 1)
    subswath = np.minimum(col * 5 // samples, 4)

    for start in range(0, lines, BLOCK_LINES):
        rows = slice(start, min(start + BLOCK_LINES, lines))
        r = np.arange(lines)[rows][:, None].astype(np.float32)
        n = r.shape[0]
        incidence = np.broadcast_to(incidence_1d + 0.3 * r / lines, (n, samples))
        index = upsample_nearest(layout.index, shape, rows)
        concentration = layout.concentration[index]
        ice = gaussian_cdf(upsample_bilinear(floe_grid, shape, rows)) < concentration
        second = gaussian_cdf(upsample_bilinear(stage_grid, shape, rows)) >= layout.share_a[index]
        kind = np.where(second, layout.kind_b[index], layout.kind_a[index])
        kind = np.where(ice | (kind == LAND), kind, WATER)
        texture = upsample_bilinear(texture_grid, shape, rows) * np.where(kind == OLD, 2.0, 1.2)

        hh_water, hv_water = water_backscatter(upsample_bilinear(speed, shape, rows), incidence)
        db = []
        for pol, water in enumerate((hh_water, hv_water)):
            surface = ICE_DB[kind, pol] + ICE_SLOPE_DB_PER_DEG[pol] * (incidence - 35.0) + texture
            db.append(np.where(kind == WATER, water, surface))
        power = [
            10 ** (d / 10) * rng.standard_gamma(ENL, (n, samples), dtype=np.float32) / ENL
            for d in db
        ]
        scallop = bands[subswath] + np.sin(2 * np.pi * r / 70.0 + phases[subswath])
        power[1] = power[1] + 10 ** ((HV_NOISE_FLOOR_DB + scallop) / 10)
        hh, hv = (10 * np.log10(p) for p in power)

        nodata = (r / lines + 0.5 * col / samples > cut) | (col < 2)
        fills = {
            "nersc_sar_primary": hh,
            "nersc_sar_secondary": hv,
            "sar_incidenceangle": incidence,
            "distance_map": np.where(kind == LAND, 0.0, upsample_bilinear(distance, shape, rows)),
        }
        for name, values in fills.items():
            scaled = scale(name, values.astype(np.float32))
            ds.variables[name][rows, :] = np.where(nodata, schema.SAR_FILL_FALLBACK, scaled)
        for name in schema.CHART_VARIABLES:
            label = getattr(layout.classes, name)[index]
            charts_ds.variables[name][rows, :] = np.where(nodata, MASK, label).astype(np.uint8)


__all__ = ["GLOBAL_MEAN_STD", "SynthConfig", "synthesize"]
