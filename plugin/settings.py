"""The dock's settings: a dataclass kept in QgsSettings, translated into core run parameters."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

from qgis.core import QgsSettings

from ..core.draft.params import DEFAULT_MIN_AREA_KM2, DEFAULT_SMOOTHING_M
from ..core.predict.params import PredictParams

PREFIX = "sea_ice_mapper/"
MAX_RECENT = 10
DEVICES = ("auto", "cuda", "cpu")


@dataclass
class DockSettings:
    scene: str = ""
    recent_scenes: list[str] = field(default_factory=list)
    weights: str = ""  # "": the bundled default weights
    device: str = "auto"
    output_dir: str = ""  # "": a folder "sea_ice_mapper" next to the scene
    crs: str = "EPSG:3413"
    sar_layers: bool = True
    overwrite: bool = False
    draft_min_area_km2: float = DEFAULT_MIN_AREA_KM2
    draft_smoothing_m: float = DEFAULT_SMOOTHING_M

    @classmethod
    def load(cls, settings: QgsSettings | None = None) -> DockSettings:
        settings = settings or QgsSettings()
        loaded = cls()
        for f in fields(cls):
            default = getattr(loaded, f.name)
            value = settings.value(PREFIX + f.name, default)
            if isinstance(default, bool):
                value = value in (True, "true", "True", "1", 1)
            elif isinstance(default, float):
                try:
                    value = max(0.0, float(value))
                except (TypeError, ValueError):
                    value = default
            elif isinstance(default, list):
                value = [v for v in (value if isinstance(value, list) else [value]) if v]
            setattr(loaded, f.name, value if value is not None else default)
        if loaded.device not in DEVICES:
            loaded.device = "auto"
        return loaded

    def save(self, settings: QgsSettings | None = None) -> None:
        settings = settings or QgsSettings()
        for f in fields(self):
            settings.setValue(PREFIX + f.name, getattr(self, f.name))

    def remember_scene(self, path: str) -> None:
        self.scene = path
        self.recent_scenes = [path, *(p for p in self.recent_scenes if p != path)][:MAX_RECENT]

    def output_folder(self, model: str | None = None) -> Path:
        """Where runs go: the chosen folder, else ``sea_ice_mapper`` beside the scene; with
        ``model`` (the first digits of the weights' hash) a ``model_<hash>`` folder inside it,
        so runs of one scene with two models never share a folder."""
        base = Path(self.output_dir) if self.output_dir else None
        base = base or Path(self.scene).resolve().parent / "sea_ice_mapper"
        return base / f"model_{model}" if model else base

    def params(self) -> PredictParams:
        return PredictParams(
            weights=Path(self.weights) if self.weights else None,
            device=self.device,
            crs=self.crs,
            sar_layers=self.sar_layers,
            overwrite=self.overwrite,
        )
