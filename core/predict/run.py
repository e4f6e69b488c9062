"""One prediction run: a scene file in, the class arrays or a folder of map layers out.

``predict_classes`` is the scoring form (class arrays on the 80 m grid, what AutoICE scores);
``run_prediction`` writes the layers the plugin shows, atomically, into ``OUT/<scene name>/``
with a ``run.json`` recording provenance, parameters and timings.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ..about import about
from ..icechart.classes import CHART_NAMES
from ..model.manifest import Manifest
from ..output.contract import RUN_FILE, run_layers
from ..output.folder import atomic_folder, refuse_existing
from ..output.georef import SwathGeoref, parse_crs
from ..output.layers import LayerWriter
from ..scene.read_helper import ReadHelper
from ..scene.reader import Scene, SceneInfo, open_scene
from .decide import Prediction, decide, to_full_grid
from .inputs import Inputs, InputSpec, build_inputs
from .loading import LoadedModel, ModelLoader
from .memory import release_freed_memory
from .params import PredictParams
from .progress import Reporter
from .stages import STARTING, Stages

RUN_FORMAT_VERSION = 2  # 2: run.json "layers" is the list of core/output/contract.py


@dataclass
class RunResult:
    folder: Path
    layers: dict[str, Path]
    scene: SceneInfo
    device: str
    model_sha256: str
    seconds: dict[str, float] = field(default_factory=dict)


def read_inputs(
    scene: Scene, manifest: Manifest, report: Reporter, helper: ReadHelper | None = None
) -> Inputs:
    report("reading")
    spec = InputSpec.from_manifest(manifest)
    return build_inputs(scene, spec, lambda fraction: report("reading", fraction), helper)


def infer(
    inputs: Inputs,
    loaded: LoadedModel,
    tile_size: int | None,
    report: Reporter,
    masked: bool = True,
) -> Prediction:
    """Decided classes; ``masked``: 255 where the SAR has no data or the pixel is land."""
    from .forward import forward  # imports torch: not at the top (see loading.py)

    report("model")
    raw = forward(loaded.model, inputs.x, loaded.device, tile=tile_size)
    report("model", 0.9)
    everywhere = inputs.finite if inputs.finite is not None else np.ones_like(inputs.valid)
    return decide(raw, inputs.valid if masked else everywhere)  # non-finite inputs: never charted


def open_for(path: str | Path, manifest: Manifest) -> Scene:
    spec = InputSpec.from_manifest(manifest)
    return open_scene(path, required=spec.variables(), sar_fill_value=manifest.sar_fill_value)


def predict_classes(
    path: str | Path,
    loaded: LoadedModel,
    tile_size: int | None = None,
    helper: ReadHelper | None = None,
) -> dict[str, np.ndarray]:
    """The scoring form: SIC (tenths), SOD, FLOE as uint8 on the scene's 80 m grid.

    Unmasked, as the reference submits them: the official scoring uses the chart's own mask,
    and a block whose sampled pixel lacks SAR may still hold labelled pixels.
    """
    with open_for(path, loaded.manifest) as scene:
        inputs = read_inputs(scene, loaded.manifest, Reporter(), helper)
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
    loaded: LoadedModel | ModelLoader | None = None,
    report: Reporter | None = None,
    helper: ReadHelper | None = None,
) -> RunResult:
    """Predict one scene and write its layers into ``out_dir/<scene name>/``.

    ``loaded``: the model, or a ``ModelLoader`` still loading it; without one, the model loads
    in the background while the scene is opened and read. ``helper``: a second process that
    reads half the scene's bands (``scene/bands.py``).
    """
    if loaded is None:
        parse_crs(params.crs)  # a bad CRS fails before any loading starts
        with ModelLoader(params.weights, params.device) as loader:
            return run_prediction(scene_path, out_dir, params, loader, report, helper)
    stages = Stages()
    scene_path, out_dir = Path(scene_path), Path(out_dir)
    report = report or Reporter()
    parse_crs(params.crs)
    with open_for(scene_path, loaded.manifest) as scene:
        folder = out_dir / scene.info.scene_id.name
        refuse_existing(folder, params.overwrite)  # before any work, not after
        stages.lap("opening scene")
        inputs = read_inputs(scene, loaded.manifest, report, helper)
        stages.lap("reading")
        model = _wait_for_model(loaded, stages)
        prediction = infer(inputs, model, params.tile_size, report)
        stages.lap("model")
        report("writing layers")
        created = datetime.now(timezone.utc).isoformat(timespec="seconds")
        tags = {
            "SEA_ICE_MAPPER_VERSION": about().version,
            "SCENE": scene.info.scene_id.name,
            "MODEL_SHA256": model.manifest.weights_sha256,
            "DEVICE": model.device.describe(),
            "CREATED": created,
        }
        lat, lon = scene.latlon()
        georef = SwathGeoref(lat, lon, scene.info.shape, params.crs)
        with atomic_folder(folder, params.overwrite) as staging:
            n_layers = (
                6 + 2 * params.sar_layers + 3 * bool(params.chart_layers and scene.info.charts_in)
            )
            writer = LayerWriter(
                staging,
                georef,
                inputs.factor,
                tags,
                lambda key: report("writing layers", len(writer.written) / n_layers),
            )
            writer.charts(prediction.charts())
            writer.confidences(prediction.confidences())
            if params.chart_layers and scene.info.charts_in:
                labels = {c: scene.read_chart(c, step=inputs.factor) for c in CHART_NAMES}
                writer.charts(labels, labels=True)
            stages.lap("writing layers")
            if params.sar_layers:
                release_freed_memory()  # before the run's largest arrays (memory.py)
                writer.sar(scene)
                stages.lap("writing SAR layers")
            seconds = stages.seconds  # publishing the folder (a rename) is all that follows
            record = {
                "format_version": RUN_FORMAT_VERSION,
                "scene": scene.info.scene_id.name,
                "scene_file": scene_path.name,
                "scene_time": scene.info.time.isoformat(),
                "ice_service": scene.info.ice_service,
                "created": created,
                "version": about().version,
                "model": {
                    "sha256": model.manifest.weights_sha256,
                    "summary": model.manifest.summary(),
                    "path": str(model.path),
                },
                "device": model.device.describe(),
                "params": {**asdict(params), "weights": str(params.weights or "bundled")},
                "cache_key": cache_key(scene_path, model.manifest, params),
                "layers": run_layers(writer.written, staging),
                "seconds": seconds,
            }
            (staging / RUN_FILE).write_text(json.dumps(record, indent=2) + "\n", "utf-8")
    layers = {key: folder / path.name for key, path in writer.written.items()}
    return RunResult(
        folder,
        layers,
        scene.info,
        model.device.describe(),
        model.manifest.weights_sha256,
        seconds,
    )


def _wait_for_model(loaded: LoadedModel | ModelLoader, stages: Stages) -> LoadedModel:
    """The model, its loading recorded in the first run.json of a process that has it."""
    if isinstance(loaded, ModelLoader):
        model = loaded.get()
        if not model.load_recorded:
            model.load_recorded = True
            # Loaded in the background while this run opened and read its scene: the stage is
            # the time this run waited for the model, the part of its loading not overlapped.
            stages.lap("loading model")
        return model
    if not loaded.load_recorded:  # loaded before this run (by the caller): counted once
        loaded.load_recorded = True
        stages.moved_before(STARTING, "loading model", loaded.load_seconds)
    return loaded
