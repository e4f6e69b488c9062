"""The parameters of a prediction run (no torch needed: the plugin builds them without it)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import ParamsError
from ..scene.schema import POLAR_STEREO_NORTH

MIN_TILE = 16  # the U-Net pools four times: smaller tiles hold no context
MAX_TILE = 65536


@dataclass(frozen=True)
class PredictParams:
    """What a user chooses for a run (the dock, Processing and the CLI fill this in)."""

    weights: Path | None = None  # None: the bundled default weights
    device: str = "auto"  # auto, cpu, cuda, cuda:N
    crs: str = POLAR_STEREO_NORTH
    sar_layers: bool = True  # HH/HV display layers
    chart_layers: bool = True  # the scene's own ice chart, when it carries labels
    tile_size: int | None = None  # force tiled inference (None: whole scene, tiles on OOM)
    overwrite: bool = False

    def __post_init__(self) -> None:
        if self.tile_size is not None and (
            isinstance(self.tile_size, bool)
            or not isinstance(self.tile_size, int)
            or not MIN_TILE <= self.tile_size <= MAX_TILE
        ):
            raise ParamsError(
                f"tile size {self.tile_size!r} is not a whole number of pixels from {MIN_TILE} "
                f"to {MAX_TILE}; e.g. --tile 512, or leave it out to tile only when needed."
            )
        if not isinstance(self.crs, str) or not self.crs.strip():
            raise ParamsError(f"output CRS {self.crs!r} is empty; e.g. EPSG:3413 (the default).")
        if not isinstance(self.device, str) or not self.device.strip():
            raise ParamsError(f"device {self.device!r} is empty; use auto, cpu, cuda or cuda:N.")

    def result_fields(self) -> dict:
        """The parameters that change what a run writes (the cache key includes them)."""
        return {"crs": self.crs, "sar_layers": self.sar_layers, "chart_layers": self.chart_layers}
