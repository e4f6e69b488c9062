"""Every setting of a training run in one dataclass, with named presets.

``paper`` is the winning MMSeaIce configuration (spec §4.3-4.8): 16 channels downscaled ×10,
256 × 256 patches, batch 16, loss MSE + 3·CE + 3·CE, SGD lr 1e-3 momentum 0.9 weight decay
0.01, cosine annealing restarted every 20 epochs of 500 iterations and stepped per iteration,
300 epochs. ``cpu-tiny`` trains the same architecture on synthetic scenes in minutes on two CPU
cores (also the smoke test). Where the reference has quirks, the options default to the correct
behaviour and say how to get the reference's.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from core.errors import ParamsError
from core.model.manifest import MMSEAICE_CHANNELS


@dataclass(frozen=True)
class TrainConfig:
    # Data: scene folders or lists (.txt, or .json like the official datalists)
    train_scenes: str = "data/train"
    val_scenes: str = "data/val"
    cache_dir: str = "build/cache"
    out_dir: str = "runs/train"
    channels: tuple[str, ...] = MMSEAICE_CHANNELS
    downscale_factor: int = 10
    downscale_method: str = "nearest"
    patch_size: int = 256
    pad_small_scenes: bool = False  # the reference pads scenes under a patch; default: refuse
    min_valid_pixels: int = 2  # a patch needs more than one labelled SIC pixel (reference)
    data_on_device: bool = True  # keep the downscaled dataset in GPU memory; crop there
    # Model
    filters: tuple[int, ...] = (32, 32, 64, 64)
    separate_decoders: bool = False
    # Loss: SIC (MSE on class values), SOD and FLOE (cross-entropy), mask 255 ignored
    task_weights: tuple[float, float, float] = (1.0, 3.0, 3.0)
    # Optimisation
    batch_size: int = 16  # global: split over DDP processes
    lr: float = 1e-3
    momentum: float = 0.9
    weight_decay: float = 0.01
    epochs: int = 300
    epoch_len: int = 500
    restart_epochs: int = 20  # cosine warm restart period, in epochs; stepped every iteration
    amp: str = "auto"  # auto (bf16 on CUDA, else off), bf16, fp16 (with a gradient scaler), off
    # Augmentation (per patch; CutMix per batch)
    hflip_prob: float = 0.5
    vflip_prob: float = 0.5
    rotation_prob: float = 0.5
    rotation_degrees: int = 90  # integer angle uniform in [-90, 90)
    scale_prob: float = 0.5
    scale_range: tuple[float, float] = (0.9, 1.1)
    scale_otherwise: float = 1.0  # the reference zooms unscaled patches by 1.1: set 1.1
    cutmix_prob: float = 0.5
    # Run
    seed: int = 0
    device: str = "auto"
    checkpoint_every: int = 500  # iterations; also at every epoch end
    log_every: int = 10
    # Synthetic data for runs without AI4Arctic: (train scenes, val scenes, lines, samples)
    synthetic: tuple[int, int, int, int] | None = None
    description: str = "AI4Arctic ready-to-train scenes"

    @property
    def iterations(self) -> int:
        return self.epochs * self.epoch_len

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        tuples = {f.name for f in fields(cls) if str(f.type).startswith("tuple")}
        known: dict[str, Any] = {}
        for key, value in data.items():
            if key in cls.__dataclass_fields__:
                known[key] = tuple(value) if key in tuples and value is not None else value
        return cls(**known)

    def with_overrides(self, **overrides: Any) -> TrainConfig:
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


PRESETS: dict[str, TrainConfig] = {
    "paper": TrainConfig(),
    "cpu-tiny": TrainConfig(
        train_scenes="build/synthetic/train",
        val_scenes="build/synthetic/val",
        cache_dir="build/synthetic/cache",
        out_dir="runs/cpu-tiny",
        synthetic=(10, 3, 1200, 1240),
        description="synthetic scenes (core.synthetic), 10 of 1200 × 1240 pixels",
        patch_size=64,
        batch_size=8,
        lr=0.01,
        epochs=12,
        epoch_len=50,
        restart_epochs=12,
        checkpoint_every=50,
    ),
    # The bundled demonstration weights (scripts/bundle_weights.py): cpu-tiny, longer and wider.
    "bundled": TrainConfig(
        train_scenes="build/synthetic/bundled/train",
        val_scenes="build/synthetic/bundled/val",
        cache_dir="build/synthetic/bundled/cache",
        out_dir="runs/bundled",
        synthetic=(24, 4, 1200, 1240),
        description="synthetic scenes (core.synthetic), 24 of 1200 × 1240 pixels",
        patch_size=64,
        batch_size=8,
        lr=0.01,
        epochs=30,
        epoch_len=50,
        restart_epochs=30,
        checkpoint_every=50,
    ),
    # For tests: a few iterations on tiny synthetic scenes.
    "smoke": TrainConfig(
        train_scenes="build/smoke/train",
        val_scenes="build/smoke/val",
        cache_dir="build/smoke/cache",
        out_dir="runs/smoke",
        synthetic=(3, 1, 400, 440),
        description="synthetic scenes (core.synthetic), 3 of 400 × 440 pixels",
        patch_size=32,
        batch_size=4,
        lr=0.01,
        epochs=2,
        epoch_len=4,
        restart_epochs=2,
        checkpoint_every=2,
        log_every=1,
    ),
}


def load_config(path: Path) -> TrainConfig:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise TypeError("not a JSON object")
        return TrainConfig.from_dict(data)
    except (OSError, UnicodeDecodeError, ValueError, TypeError, RecursionError) as error:
        kind = "nested too deeply" if isinstance(error, RecursionError) else str(error)[:200]
        raise ParamsError(
            f"Cannot use the training config {path}: {kind}. Expected a JSON object of "
            "TrainConfig fields (see `python -m training train --print-config`)."
        ) from None
