"""The parameters of a prediction run (no torch needed: the plugin builds them without it)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..scene.schema import POLAR_STEREO_NORTH


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

    def result_fields(self) -> dict:
        """The parameters that change what a run writes (the cache key includes them)."""
        return {"crs": self.crs, "sar_layers": self.sar_layers, "chart_layers": self.chart_layers}
