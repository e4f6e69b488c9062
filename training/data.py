"""Training data: scene lists, a one-off downscaled cache, and loading it for training.

``prepare`` downscales every scene once with the very code inference uses
(``core.predict.inputs``: every channel straight at the downscaled grid, 2 km inputs aligned
exactly) and keeps, per scene, ``CACHE/<scene name>/``:
- ``x.npy``: float16 (channels, h, w), the model inputs in the manifest's channel order;
- ``y.npy``: uint8 (3, h, w), SIC/SOD/FLOE at the same grid (nearest, 255 = no label);
- ``meta.json``: channels, factor, method, the source file's size and the shapes.
Each scene folder appears atomically, and a scene whose cache matches (same file size, same
channels and downscaling) is skipped, so an interrupted preparation resumes where it stopped.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.errors import SeaIceMapperError
from core.icechart.classes import CHART_NAMES
from core.output.folder import atomic_folder
from core.predict.batch import collect_scenes
from core.predict.inputs import InputSpec, build_inputs
from core.scene.reader import open_scene
from core.scene.statistics import LATITUDE_MEAN_STD, LONGITUDE_MEAN_STD
from core.synthetic.generate import SynthConfig, synthesize

from .config import TrainConfig

CACHE_VERSION = 1


class DataError(SeaIceMapperError, ValueError):
    """Training data that cannot be used; raised before training starts."""


def input_spec(config: TrainConfig) -> InputSpec:
    return InputSpec(
        config.channels,
        config.downscale_factor,
        config.downscale_method,
        LATITUDE_MEAN_STD,
        LONGITUDE_MEAN_STD,
    )


def ensure_synthetic(config: TrainConfig, log: Callable[[str], None] = print) -> None:
    """Generate the preset's synthetic scenes once (fixed seeds), if it asks for them."""
    if config.synthetic is None:
        return
    n_train, n_val, lines, samples = config.synthetic
    for folder, count, first_seed in (
        (config.train_scenes, n_train, 1000),
        (config.val_scenes, n_val, 2000),
    ):
        path = Path(folder)
        if len(list(path.glob("*_prep.nc"))) >= count:
            continue
        log(f"generating {count} synthetic scenes of {lines} × {samples} in {path}")
        path.mkdir(parents=True, exist_ok=True)
        for seed in range(first_seed, first_seed + count):
            synthesize(path, SynthConfig(lines=lines, samples=samples, seed=seed), overwrite=True)


def scene_files(source: str) -> list[Path]:
    path = Path(source)
    if not path.exists():
        raise DataError(f"The scene list or folder {path} does not exist.")
    scenes = collect_scenes([path])
    if not scenes:
        raise DataError(f"{path} names no scenes (expected *_prep.nc files or a scene list).")
    missing = [p for p in scenes if not p.exists()]
    if missing:
        raise DataError(
            f"{len(missing)} scene(s) named by {path} do not exist, e.g. {missing[0]}. Download "
            "them or remove them from the list."
        )
    return scenes


def _meta(scene: Path, config: TrainConfig, shape: tuple[int, ...] = ()) -> dict:
    return {
        "version": CACHE_VERSION,
        "source": scene.name,
        "bytes": scene.stat().st_size,
        "channels": list(config.channels),
        "factor": config.downscale_factor,
        "method": config.downscale_method,
        "shape": list(shape),
    }


def cache_folder(config: TrainConfig, scene: Path) -> Path:
    return Path(config.cache_dir) / scene.name.removesuffix(".nc")


def _is_cached(folder: Path, wanted: dict) -> bool:
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return {k: v for k, v in meta.items() if k != "shape"} == {
        k: v for k, v in wanted.items() if k != "shape"
    }


def prepare(
    config: TrainConfig, scenes: list[Path], log: Callable[[str], None] = print
) -> list[Path]:
    """Downscale ``scenes`` into the cache (skipping those already there); their folders."""
    spec = input_spec(config)
    folders = []
    for i, scene in enumerate(scenes):
        folder = cache_folder(config, scene)
        folders.append(folder)
        if _is_cached(folder, _meta(scene, config)):
            continue
        log(f"caching [{i + 1}/{len(scenes)}] {scene.name}")
        try:
            with open_scene(scene, required=spec.variables()) as opened:
                if opened.info.charts_in is None:
                    raise DataError(f"{scene.name} has no SIC/SOD/FLOE labels to train on.")
                inputs = build_inputs(opened, spec)
                labels = np.stack(
                    [opened.read_chart(c, step=config.downscale_factor) for c in CHART_NAMES]
                )
        except SeaIceMapperError as error:
            raise DataError(f"Cannot use {scene} for training: {error}") from error
        with atomic_folder(folder, overwrite=True) as staging:
            np.save(staging / "x.npy", inputs.x.astype(np.float16))
            np.save(staging / "y.npy", labels)
            meta = _meta(scene, config, inputs.x.shape)
            (staging / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return folders


@dataclass
class CachedScene:
    name: str
    x: np.ndarray  # (channels, h, w) float16
    y: np.ndarray  # (3, h, w) uint8


def load_cached(folders: list[Path], config: TrainConfig) -> list[CachedScene]:
    """Cached scenes, checked for size; small ones padded (reference) or refused (default)."""
    scenes = []
    small = []
    for folder in folders:
        x = np.load(folder / "x.npy", allow_pickle=False)
        y = np.load(folder / "y.npy", allow_pickle=False)
        h, w = y.shape[1:]
        if min(h, w) <= config.patch_size:
            if not config.pad_small_scenes:
                small.append(f"{folder.name} ({h} × {w})")
                continue
            ph, pw = max(0, config.patch_size + 1 - h), max(0, config.patch_size + 1 - w)
            x = np.pad(x, ((0, 0), (0, ph), (0, pw)))
            y = np.pad(y, ((0, 0), (0, ph), (0, pw)), constant_values=255)
        scenes.append(CachedScene(folder.name, x, y))
    if small:
        raise DataError(
            f"{len(small)} scene(s) are not larger than a {config.patch_size}-pixel patch at "
            f"×{config.downscale_factor} downscaling: {', '.join(small[:5])}. Use a smaller "
            "patch_size, less downscaling, remove them, or set pad_small_scenes (what MMSeaIce "
            "does: pad with no-data)."
        )
    return scenes
