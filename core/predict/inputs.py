"""The model's input stack at the downscaled grid, built straight from a scene file.

Every channel is produced at the downscaled size directly, never via the 80 m grid:
- 80 m variables (SAR, incidence angle, distance map): every ``factor``-th pixel (``nearest``,
  the top-left pixel of each block, as MMSeaIce's test path) or the mean of each block's valid
  pixels (``mean``);
- 2 km AMSR2/ERA5 variables: the cell that contains the full-grid position each downscaled pixel
  stands for. MMSeaIce instead stretches the 2 km grid over the scene (``interpolate(size=...)``),
  which puts pixels up to one cell into the wrong cell because a scene is not a whole number of
  cells long; here cell k covers exactly lines 25k .. 25k + 24;
- latitude/longitude: the tie-point grid interpolated bilinearly at those positions (MMSeaIce
  upsamples the 21 × 21 grid by nearest neighbour, which is blocky and shifted by half a block),
  then normalised with the manifest's mean/std;
- month: the constant 2·(month − 1)/11 − 1 of MMSeaIce.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..model.manifest import Manifest
from ..scene.bands import read_strided
from ..scene.geolocation import interpolate_longitude, interpolate_tie_grid
from ..scene.reader import Scene
from ..scene.schema import COARSE_FACTOR, COARSE_VARIABLES, LATLON_VARIABLES, SAR_VARIABLES
from ..scene.statistics import unscale

if TYPE_CHECKING:
    from ..scene.read_helper import ReadHelper

HH = SAR_VARIABLES[0]
DISTANCE_MAP = SAR_VARIABLES[3]
BLOCK_ROWS = 50  # downscaled rows per read when averaging blocks (500 lines at ×10)


@dataclass(frozen=True)
class InputSpec:
    """What a model expects as input, as its manifest records it."""

    channels: tuple[str, ...]
    factor: int = 10
    method: str = "nearest"
    latitude_mean_std: tuple[float, float] = (0.0, 1.0)
    longitude_mean_std: tuple[float, float] = (0.0, 1.0)

    @classmethod
    def from_manifest(cls, manifest: Manifest) -> InputSpec:
        return cls(
            channels=manifest.channels,
            factor=manifest.downscale_factor,
            method=manifest.downscale_method,
            latitude_mean_std=manifest.latitude_mean_std,
            longitude_mean_std=manifest.longitude_mean_std,
        )

    def variables(self) -> tuple[str, ...]:
        """File variables a scene needs for this spec (the mask needs HH and distance map)."""
        wanted = [c for c in self.channels if not c.startswith("aux_")]
        if any(c in ("aux_lat", "aux_long") for c in self.channels):
            wanted += LATLON_VARIABLES
        return tuple(dict.fromkeys([*wanted, HH, DISTANCE_MAP]))


@dataclass
class Inputs:
    x: np.ndarray  # (channels, h, w) float32
    valid: np.ndarray  # (h, w) bool: SAR has data and the pixel is not land
    full_shape: tuple[int, int]
    factor: int
    finite: np.ndarray | None = None  # (h, w) bool: every input channel finite there


def downscaled_shape(shape: tuple[int, int], factor: int) -> tuple[int, int]:
    return -(-shape[0] // factor), -(-shape[1] // factor)


def represented_positions(n: int, factor: int, method: str) -> np.ndarray:
    """Full-grid position each downscaled pixel along an axis of length ``n`` stands for."""
    starts = np.arange(0, n, factor, dtype=np.float64)
    if method == "nearest":
        return starts
    return (starts + np.minimum(starts + factor, n) - 1) / 2  # block centre


def coarse_indices(positions: np.ndarray, n_cells: int) -> np.ndarray:
    """The 2 km cell containing each full-grid position (25 pixels per cell)."""
    return np.minimum((positions + 0.5) // COARSE_FACTOR, n_cells - 1).astype(np.intp)


def block_mean(scene: Scene, name: str, factor: int, fill: float) -> tuple[np.ndarray, np.ndarray]:
    """Mean of each block's valid pixels and the share of valid pixels, in row bands."""
    h, w = downscaled_shape(scene.info.shape, factor)
    pad_w = w * factor - scene.info.shape[1]
    means = np.empty((h, w), np.float32)
    shares = np.empty((h, w), np.float32)
    for top in range(0, h, BLOCK_ROWS):
        bottom = min(top + BLOCK_ROWS, h)
        band = scene.read(name, window=(slice(top * factor, bottom * factor), slice(None)))
        rows = bottom - top
        band = np.pad(
            band, ((0, rows * factor - band.shape[0]), (0, pad_w)), constant_values=np.nan
        )
        ok = np.isfinite(band) & (band != fill)
        blocks = (rows, factor, w, factor)
        count = ok.reshape(blocks).sum(axis=(1, 3))
        total = np.where(ok, band, 0).reshape(blocks).sum(axis=(1, 3), dtype=np.float64)
        means[top:bottom] = np.where(count > 0, total / np.maximum(count, 1), fill)
        shares[top:bottom] = count / factor**2
    return means, shares


def build_inputs(
    scene: Scene,
    spec: InputSpec,
    on_progress: Callable[[float], None] | None = None,
    helper: ReadHelper | None = None,
) -> Inputs:
    """The (channels, h, w) float32 stack of ``spec`` for ``scene``, plus the validity mask;
    the full-grid variables are read first, with ``helper`` when there is one."""
    shape = scene.info.shape
    h, w = downscaled_shape(shape, spec.factor)
    rows = represented_positions(shape[0], spec.factor, spec.method)
    cols = represented_positions(shape[1], spec.factor, spec.method)
    cache: dict[str, np.ndarray] = {}
    strided: dict[str, np.ndarray] = {}  # read, not yet checked for fill and NaN
    if spec.method == "nearest":
        names = [c for c in spec.variables() if c in SAR_VARIABLES]
        strided = read_strided(scene, names, spec.factor, helper, on_progress)
    valid = np.ones((h, w), bool)
    finite_all = np.ones((h, w), bool)  # every channel finite: the model sees real values

    def full_grid(name: str) -> np.ndarray:
        if name not in cache:
            fill = scene.fill_value(name)
            if spec.method == "nearest":
                values = strided.pop(name)
                finite = np.isfinite(values)
                ok = finite & (values != fill)
                values = np.where(finite, values, fill)
                finite_all[...] &= finite  # NaN/inf in any channel: no prediction there
            else:
                values, share = block_mean(scene, name, spec.factor, fill)
                ok = share >= 0.5
            if name == HH:
                valid[...] &= ok
            cache[name] = values
        return cache[name]

    def channel(name: str) -> np.ndarray:
        if name in SAR_VARIABLES:
            return full_grid(name)
        if name in COARSE_VARIABLES:
            grid = scene.read(name).astype(np.float32, copy=False)
            cells = np.ix_(coarse_indices(rows, grid.shape[0]), coarse_indices(cols, grid.shape[1]))
            finite = np.isfinite(grid)[cells]
            finite_all[...] &= finite  # e.g. t2m = inf: masked, never a confident chart
            return np.where(finite, grid[cells], 0)
        if name == "aux_time":
            return np.full((h, w), 2 * (scene.info.time.month - 1) / 11 - 1, np.float32)
        lat, lon = scene.latlon()
        if name == "aux_lat":
            mean, std = spec.latitude_mean_std
            return ((interpolate_tie_grid(lat, shape, rows, cols) - mean) / std).astype(np.float32)
        if name == "aux_long":
            mean, std = spec.longitude_mean_std
            lon_px = interpolate_longitude(lon, shape, rows, cols)
            return ((lon_px - mean) / std).astype(np.float32)
        raise ValueError(f"unknown channel {name!r}")  # manifests are validated before this

    x = np.empty((len(spec.channels), h, w), np.float32)
    for i, name in enumerate(spec.channels):
        x[i] = channel(name)
    full_grid(HH)
    land = unscale(DISTANCE_MAP, full_grid(DISTANCE_MAP)) < 0.5  # distance zone 0 is land
    return Inputs(
        x=x,
        valid=valid & finite_all & ~land,
        full_shape=shape,
        factor=spec.factor,
        finite=finite_all,
    )
