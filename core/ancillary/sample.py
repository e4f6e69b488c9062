"""The ancillary channels of a Sentinel-1 scene: standard-scaled 2 km grids and provenance."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..safe.geo import polar_crs
from ..safe.product import POLARISATIONS
from ..safe.scene import SafeScene
from ..scene.statistics import scale
from .amsr2 import read_amsr2
from .era5 import read_era5
from .grid import cell_latlon


def coarse_channels(
    scene: SafeScene, era5: Path | None, amsr2: Path | None
) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    ann = scene.product.annotation[POLARISATIONS[0]]
    lat, lon = cell_latlon(ann.grid, scene.info.shape)
    grids: dict[str, np.ndarray] = {}
    provenance = {"era5_source": "none", "amsr2_source": "none"}
    if era5 is not None:
        fields = read_era5(era5, ann.start, lat, lon, ann.heading)
        grids |= {
            name: scale(name, values).astype(np.float32) for name, values in fields.fields.items()
        }
        provenance["era5_source"] = fields.source
        provenance["era5_wind_rotation"] = (
            "v10m_rotated along platformHeading, u10m_rotated 90 deg clockwise from it"
        )
    if amsr2 is not None:
        tbs = read_amsr2(amsr2, ann.start, lat, lon, polar_crs(ann.grid))
        grids |= {
            name: scale(name, values).astype(np.float32) for name, values in tbs.fields.items()
        }
        provenance["amsr2_source"] = tbs.source
    return grids, provenance
