"""Which Python runs the engine (``python -m core``): the one contract between plugin and engine.

The engine runs torch, netCDF4, rasterio, shapely and pyogrio in its own process, never inside
QGIS, so their native libraries cannot clash with the ones QGIS has loaded.
"""

from __future__ import annotations

import os
from pathlib import Path

ENGINE_PYTHON_ENV = "SEA_ICE_MAPPER_ENGINE_PYTHON"  # an existing engine Python (conda, cluster)


def engine_python() -> Path | None:
    """The engine interpreter: the environment variable, else None (no engine set up)."""
    configured = os.environ.get(ENGINE_PYTHON_ENV, "")
    if configured and Path(configured).is_file():
        return Path(configured)
    return None
