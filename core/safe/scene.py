"""A Sentinel-1 product as the same ``Scene`` the ready-to-train reader gives.

Opening parses and checks the XML only (well under a second); the 80 m arrays are computed on
first use and kept: HH and HV (calibrated, denoised, floored σ⁰ in dB), incidence angle and the
distance map, each standard-scaled with AI4Arctic's global statistics, NaN where there is no
SAR, aligned across the four variables and replaced by the fill value (0) as in the ready-to-
train files; and the evenly spaced 21 × 21 latitude/longitude grid. Everything downstream
(input channels, tiling, GCP warp, layers) reads it through the ``Scene`` methods unchanged.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np

from ..errors import SceneFormatError
from ..scene.names import SceneId
from ..scene.reader import Scene, SceneInfo, Window
from ..scene.schema import COARSE_DIMS, LATLON_VARIABLES, SAR_FILL_FALLBACK, SAR_VARIABLES
from ..scene.statistics import (
    GLOBAL_MEAN_STD,
    LATITUDE_MEAN_STD,
    LONGITUDE_MEAN_STD,
    unscale,
)
from .geo import even_latlon, incidence_80m
from .landmask import distance_km
from .product import POLARISATIONS, Product, ProductWarning
from .radiometry import grid_shape, sigma0_db

SAFE_TAG = "safe"  # stands where a ready-to-train name has its ice service (cis/dmi)
OUT_OF_RANGE_SIGMA = 3.0  # lat/lon z-score beyond which the location channels extrapolate
HH, HV, INCIDENCE, DISTANCE = SAR_VARIABLES
SAFE_VARIABLES = SAR_VARIABLES + LATLON_VARIABLES  # what a product provides by itself


class SafeScene(Scene):
    """An open Sentinel-1 EW GRDM product. Use ``with open_scene(path) as scene:``.

    ``coarse`` holds already standard-scaled 2 km ancillary grids (ERA5, AMSR2) by variable
    name, when the caller has them.
    """

    reads_shareable = False  # the 80 m arrays are computed here, once: another process cannot

    def __init__(
        self,
        path: str | Path,
        required: Iterable[str] = SAFE_VARIABLES,
        sar_fill_value: float | None = None,
        coarse: Mapping[str, np.ndarray] | None = None,
    ) -> None:
        self.path = Path(path)
        self._sar_fill_override = sar_fill_value
        self._coarse = dict(coarse or {})
        self._arrays: dict[str, np.ndarray] = {}
        self.product = Product(self.path)
        try:
            self.shape = grid_shape(self.product.image_shape)
            self.info = self._describe(tuple(required))
            self._warn_location()
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> SafeScene:
        return self

    def close(self) -> None:
        self.product.close()

    @property
    def variables(self) -> tuple[str, ...]:
        return SAR_VARIABLES + LATLON_VARIABLES + tuple(self._coarse)

    def _describe(self, required: tuple[str, ...]) -> SceneInfo:
        missing = [name for name in required if name not in self.variables]
        if missing:
            raise SceneFormatError(
                f"{self.product.name} provides {', '.join(self.variables)}, but "
                f"{', '.join(missing)} are needed. A Sentinel-1 product holds only the SAR "
                "channels: pass the ancillary files (ERA5 --era5, AMSR2 --amsr2) or use weights "
                "trained without those channels (a SAFE-only bundle)."
            )
        ann = self.product.annotation[POLARISATIONS[0]]
        coarse_shape = next(iter(self._coarse.values())).shape if self._coarse else (0, 0)
        return SceneInfo(
            path=self.path,
            scene_id=SceneId(ann.start.replace(microsecond=0), SAFE_TAG),
            shape=self.shape,
            coarse_shape=(int(coarse_shape[0]), int(coarse_shape[1])),
            original_id=self.product.name,
            charts_in=None,
        )

    def _warn_location(self) -> None:
        grid = self.product.annotation[POLARISATIONS[0]].grid
        for what, values, (mean, std) in (
            ("latitude", grid.latitude, LATITUDE_MEAN_STD),
            ("longitude", grid.longitude, LONGITUDE_MEAN_STD),
        ):
            z = (values - mean) / std
            if np.abs(z).max() > OUT_OF_RANGE_SIGMA:
                warnings.warn(
                    f"{self.product.name}: {what} {values.min():.1f}..{values.max():.1f}° lies up "
                    f"to {np.abs(z).max():.1f} standard deviations from the training data's "
                    f"({mean:.1f} ± {std:.1f}°): "
                    "models with location channels extrapolate here; prefer weights without them "
                    "and check the result against a chart.",
                    ProductWarning,
                    stacklevel=4,
                )

    # -- arrays ------------------------------------------------------------------------------
    def chunk_shape(self, name: str) -> tuple[int, ...] | None:
        """Computed, not stored: the whole grid is one band, so each variable is computed once
        (a read of any window computes the whole variable)."""
        return self.shape

    def fill_value(self, name: str) -> float:
        return SAR_FILL_FALLBACK if self._sar_fill_override is None else self._sar_fill_override

    def physical(self, name: str) -> np.ndarray:
        """An 80 m variable in physical units (dB, degrees, km), NaN where there is no SAR.
        Incidence and distance are computed afresh on each call (not kept: 112 MB each)."""
        if name in (HH, HV):
            return self._sar_db(name)
        grid = self.product.annotation[POLARISATIONS[0]].grid
        if name == INCIDENCE:
            values = incidence_80m(grid, self.shape)
        elif name == DISTANCE:
            values = distance_km(grid, self.shape)
        else:
            raise SceneFormatError(f"{self.product.name} has no 80 m variable {name!r}.")
        values[self._no_data()] = np.nan
        return values

    def _sar_db(self, name: str) -> np.ndarray:
        self._compute_sar()
        if name in self._arrays:
            return self._arrays[name]
        # Only the scaled copy is kept once the model's inputs were read (half the memory).
        values = unscale(name, self._arrays[f"scaled:{name}"])
        values[self._arrays["_gap"]] = np.nan
        return values

    def _compute_sar(self) -> None:
        if "_gap" not in self._arrays:
            image = self.product.image_shape
            for var, pol in zip((HH, HV), POLARISATIONS):
                self._arrays[var] = sigma0_db(
                    self.product.measurement_path(pol),
                    self.product.calibration(pol),
                    self.product.noise(pol),
                    image,
                )
            gap = np.isnan(self._arrays[HH]) | np.isnan(self._arrays[HV])
            if gap.all():
                raise SceneFormatError(
                    f"{self.product.name} has no valid SAR data (every DN is 0); the scene is "
                    "empty."
                )
            for var in (HH, HV):
                self._arrays[var][gap] = np.nan
            self._arrays["_gap"] = gap

    def _no_data(self) -> np.ndarray:
        self._compute_sar()
        return self._arrays["_gap"]

    def _scaled(self, name: str) -> np.ndarray:
        key = f"scaled:{name}"
        if key not in self._arrays:
            values = self.physical(name)
            if name in (HH, HV):
                values = self._arrays.pop(name)  # scaled in place: one copy of each SAR grid
            mean, std = GLOBAL_MEAN_STD[name]
            values -= mean
            values /= std
            values[self._no_data()] = self.fill_value(name)
            self._arrays[key] = values
        return self._arrays[key]

    def _latlon_grid(self) -> tuple[np.ndarray, np.ndarray]:
        if "_lat" not in self._arrays:
            grid = self.product.annotation[POLARISATIONS[0]].grid
            self._arrays["_lat"], self._arrays["_lon"] = even_latlon(grid, self.shape)
        return self._arrays["_lat"], self._arrays["_lon"]

    def read(self, name: str, step: int = 1, window: Window | None = None) -> np.ndarray:
        if name in SAR_VARIABLES:
            values = self._scaled(name)
        elif name in LATLON_VARIABLES:
            values = self._latlon_grid()[LATLON_VARIABLES.index(name)]
        elif name in self._coarse:
            values = self._coarse[name]
        else:
            raise SceneFormatError(
                f"{self.product.name} has no variable {name!r}; it has {', '.join(self.variables)}."
            )
        rows, cols = window or (slice(None), slice(None))
        return np.array(values[rows, cols][::step, ::step])


def coarse_grid_shape(shape80: tuple[int, int]) -> tuple[int, int]:
    """The 2 km grid of an 80 m scene: one cell per 25 × 25 pixels (``COARSE_DIMS``)."""
    return shape80[0] // 25, shape80[1] // 25


__all__ = ["COARSE_DIMS", "SAFE_VARIABLES", "SafeScene", "coarse_grid_shape"]
