"""One prediction run: a scene file in, the class arrays or a folder of map layers out.

``predict_classes`` is the scoring form (class arrays on the 80 m grid, what AutoICE scores);
``run_prediction`` writes the layers the plugin shows, atomically, into ``OUT/<scene name>/``
with a ``run.json`` recording provenance, parameters and timings.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import torch

from ..about import about
from ..icechart.classes import CHART_NAMES
from ..model.bundle import load_bundle
from ..model.manifest import Manifest, read_manifest, resolve_weights
from ..model.unet import MultiTaskUNet, fold_batch_norm
from ..output.contract import RUN_FILE, run_layers
from ..output.folder import atomic_folder, refuse_existing
from ..output.georef import SwathGeoref, parse_crs
from ..output.layers import LayerWriter
from ..scene.reader import Scene, SceneInfo, open_scene
from .decide import Prediction, decide, to_full_grid
from .device import DeviceChoice, choose_device
from .forward import forward
from .inputs import Inputs, InputSpec, build_inputs
from .params import PredictParams
from .progress import Reporter
from .stages import STARTING, Stages

RUN_FORMAT_VERSION = 2  # 2: run.json "layers" is the list of core/output/contract.py


@dataclass
class LoadedModel:
    model: MultiTaskUNet
    manifest: Manifest
    device: DeviceChoice
    path: Path
    load_seconds: float = 0.0
    load_recorded: bool = False  # a run.json counted the loading already (batches load once)

    @classmethod
    def load(cls, weights: Path | None = None, device: str = "auto") -> LoadedModel:
        start = time.perf_counter()
        choice = choose_device(device)
        path = resolve_weights(weights)
        model, manifest = load_bundle(path, choice.device)
        model = fold_batch_norm(model)
        model.to(memory_format=torch.channels_last)  # type: ignore[call-overload]
        return cls(model, manifest, choice, path, time.perf_counter() - start)


@dataclass
class ScenePrediction:
    info: SceneInfo
    prediction: Prediction
    factor: int
    seconds: dict[str, float]


@dataclass
class RunResult:
    folder: Path
    layers: dict[str, Path]
    scene: SceneInfo
    device: str
    model_sha256: str
    seconds: dict[str, float] = field(default_factory=dict)


def read_inputs(scene: Scene, manifest: Manifest, report: Reporter) -> Inputs:
    report("reading")
    spec = InputSpec.from_manifest(manifest)
    return build_inputs(scene, spec, lambda i, n: report("reading", i / n))


def infer(
    inputs: Inputs,
    loaded: LoadedModel,
    tile_size: int | None,
    report: Reporter,
    masked: bool = True,
) -> Prediction:
    """Decided classes; ``masked``: 255 where the SAR has no data or the pixel is land."""
    report("model")
    raw = forward(loaded.model, inputs.x, loaded.device, tile=tile_size)
    report("model", 0.9)
    everywhere = inputs.finite if inputs.finite is not None else np.ones_like(inputs.valid)
    return decide(raw, inputs.valid if masked else everywhere)  # non-finite inputs: never charted


def predict_open_scene(
    scene: Scene, loaded: LoadedModel, tile_size: int | None = None, report: Reporter | None = None
) -> ScenePrediction:
    report = report or Reporter()
    start = time.perf_counter()
    inputs = read_inputs(scene, loaded.manifest, report)
    read_s = time.perf_counter() - start
    prediction = infer(inputs, loaded, tile_size, report)
    seconds = {"reading": read_s, "model": time.perf_counter() - start - read_s}
    return ScenePrediction(scene.info, prediction, inputs.factor, seconds)


def open_for(path: str | Path, manifest: Manifest) -> Scene:
    spec = InputSpec.from_manifest(manifest)
    return open_scene(path, required=spec.variables(), sar_fill_value=manifest.sar_fill_value)


def predict_classes(
    path: str | Path, loaded: LoadedModel, tile_size: int | None = None
) -> dict[str, np.ndarray]:
    """The scoring form: SIC (tenths), SOD, FLOE as uint8 on the scene's 80 m grid.

    Unmasked, as the reference submits them: the official scoring uses the chart's own mask,
    and a block whose sampled pixel lacks SAR may still hold labelled pixels.
    """
    with open_for(path, loaded.manifest) as scene:
        inputs = read_inputs(scene, loaded.manifest, Reporter())
    prediction = infer(inputs, loaded, tile_size, Reporter(), masked=False)  # file closed
    return {
        name: to_full_grid(classes, inputs.full_shape, inputs.factor)
        for name, classes in prediction.charts().items()
    }


def cache_key(scene_path: Path, manifest: Manifest, params: PredictParams) -> str:
    """Same scene file, same weights, same output-changing parameters: same key."""
    identity = {
        "scene": scene_path.name,
        "scene_bytes": scene_path.stat().st_size,
        "model": manifest.weights_sha256,
        "params": params.result_fields(),
        "run_format": RUN_FORMAT_VERSION,
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()


def finished_run(folder: Path) -> dict | None:
    """The ``run.json`` of a complete run folder, or None."""
    try:
        return json.loads((folder / RUN_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None


def run_prediction(
    scene_path: str | Path,
    out_dir: str | Path,
    params: PredictParams,
    loaded: LoadedModel | None = None,
    report: Reporter | None = None,
) -> RunResult:
    """Predict one scene and write its layers into ``out_dir/<scene name>/``."""
    stages = Stages()
    scene_path, out_dir = Path(scene_path), Path(out_dir)
    report = report or Reporter()
    parse_crs(params.crs)
    manifest = loaded.manifest if loaded else read_manifest(resolve_weights(params.weights))
    with open_for(scene_path, manifest) as scene:
        folder = out_dir / scene.info.scene_id.name
        refuse_existing(folder, params.overwrite)  # before any work, not after
        stages.lap("opening scene")
        if loaded is None:
            loaded = LoadedModel.load(params.weights, params.device)
            loaded.load_recorded = True
            stages.lap("loading model")
        elif not loaded.load_recorded:  # loaded before this run, by a batch: counted once
            loaded.load_recorded = True
            stages.moved_before(STARTING, "loading model", loaded.load_seconds)
        result = predict_open_scene(scene, loaded, params.tile_size, report)
        stages.absorb(result.seconds)
        report("writing layers")
        created = datetime.now(timezone.utc).isoformat(timespec="seconds")
        tags = {
            "SEA_ICE_MAPPER_VERSION": about().version,
            "SCENE": result.info.scene_id.name,
            "MODEL_SHA256": loaded.manifest.weights_sha256,
            "DEVICE": loaded.device.describe(),
            "CREATED": created,
        }
        lat, lon = scene.latlon()
        georef = SwathGeoref(lat, lon, result.info.shape, params.crs)
        with atomic_folder(folder, params.overwrite) as staging:
            n_layers = (
                6 + 2 * params.sar_layers + 3 * bool(params.chart_layers and result.info.charts_in)
            )
            writer = LayerWriter(
                staging,
                georef,
                result.factor,
                tags,
                lambda key: report("writing layers", len(writer.written) / n_layers),
            )
            writer.charts(result.prediction.charts())
            writer.confidences(result.prediction.confidences())
            if params.chart_layers and result.info.charts_in:
                labels = {c: scene.read_chart(c, step=result.factor) for c in CHART_NAMES}
                writer.charts(labels, labels=True)
            stages.lap("writing layers")
            if params.sar_layers:
                writer.sar(scene)
                stages.lap("writing SAR layers")
            seconds = stages.seconds  # publishing the folder (a rename) is all that follows
            record = {
                "format_version": RUN_FORMAT_VERSION,
                "scene": result.info.scene_id.name,
                "scene_file": scene_path.name,
                "scene_time": result.info.time.isoformat(),
                "ice_service": result.info.ice_service,
                "created": created,
                "version": about().version,
                "model": {
                    "sha256": loaded.manifest.weights_sha256,
                    "summary": loaded.manifest.summary(),
                    "path": str(loaded.path),
                },
                "device": loaded.device.describe(),
                "params": {**asdict(params), "weights": str(params.weights or "bundled")},
                "cache_key": cache_key(scene_path, loaded.manifest, params),
                "layers": run_layers(writer.written, staging),
                "seconds": seconds,
            }
            (staging / RUN_FILE).write_text(json.dumps(record, indent=2) + "\n", "utf-8")
    layers = {key: folder / path.name for key, path in writer.written.items()}
    return RunResult(
        folder,
        layers,
        result.info,
        loaded.device.describe(),
        loaded.manifest.weights_sha256,
        seconds,
    )
