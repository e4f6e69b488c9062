"""The demo behind ``make demo``: a synthetic scene charted with the bundled weights.

Generates (once) a full-size synthetic Sentinel-1 scene, predicts it with the bundled weights
(once per weights and parameters), scores the prediction against the scene's own chart labels
as AutoICE scored, and has QGIS write a project with the styled scene group and a PNG map sheet
(SAR beside SIC, SOD and FLOE, with legends). Ends by printing the paths and the scores.

As in the plugin, the engine's work (scene, prediction, scores) runs in the engine's Python
(``SEA_ICE_MAPPER_ENGINE_PYTHON``, else this one) and only the QGIS part in this process.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess  # nosec B404: this script in the engine's Python, argument list, no shell
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CHART_NAMES = ("SIC", "SOD", "FLOE")

SCENE_SEED = 4000  # neither a training (1000+), validation (2000+) nor held-out (3000+) seed


def demo_scene(folder: Path, lines: int, samples: int) -> Path:
    from core.synthetic.generate import SynthConfig, synthesize

    folder.mkdir(parents=True, exist_ok=True)
    found = sorted(folder.glob("*_prep.nc"))
    if found:
        print(f"scene: reusing {found[0].name}")
        return found[0]
    print(f"scene: generating a synthetic {lines} × {samples} scene (seed {SCENE_SEED})")
    return synthesize(folder, SynthConfig(lines=lines, samples=samples, seed=SCENE_SEED))


def predict(scene: Path, runs: Path, loaded) -> Path:
    from core.predict.batch import already_done
    from core.predict.params import PredictParams
    from core.predict.run import run_prediction

    params = PredictParams(overwrite=True)
    if already_done(scene, runs, loaded, params):
        folder = runs / scene.name[:19]
        print(f"prediction: reusing {folder}")
        return folder
    result = run_prediction(scene, runs, params, loaded)
    print(f"prediction: {sum(result.seconds.values()):.1f} s on {result.device}")
    return result.folder


def _plugin_package():
    """The plugin's modules imported as QGIS imports them: inside the repository's package
    (they reach the engine's plain modules by relative imports)."""
    import importlib.util

    name = "sea_ice_mapper"
    spec = importlib.util.spec_from_file_location(
        name, REPO / "__init__.py", submodule_search_locations=[str(REPO)]
    )
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    spec.loader.exec_module(package)
    importlib.import_module(f"{name}.plugin.layers")
    importlib.import_module(f"{name}.plugin.mapsheet")
    return package.plugin


def qgis_outputs(run: Path, out: Path) -> tuple[Path, Path]:
    """The project file and the PNG map sheet, both made by QGIS itself."""
    from qgis.core import QgsApplication, QgsProject

    from core.output.contract import read_record

    plugin = _plugin_package()
    add_run_layers = plugin.layers.add_run_layers
    export_png, map_sheet = plugin.mapsheet.export_png, plugin.mapsheet.map_sheet
    sheet_title = plugin.mapsheet.sheet_title

    app = QgsApplication([], False)
    app.initQgis()
    try:
        project = QgsProject.instance()
        project.clear()
        group = add_run_layers(run, project)
        sic = next(n.layer() for n in group.findLayers() if n.layer().name().startswith("Conc"))
        project.setCrs(sic.crs())
        title, subtitle = sheet_title(read_record(run))
        subtitle = f"Synthetic scene, demonstration weights · {subtitle}"
        layout = map_sheet(project, group, title, subtitle)
        png = export_png(layout, out / "demo-map.png")
        qgz = out / "demo.qgz"
        if not project.write(str(qgz)):
            raise RuntimeError(f"QGIS could not write {qgz}: {project.error()}")
        project.clear()
    finally:
        app.exitQgis()
    return qgz, png


def engine_part(out: Path, lines: int, samples: int) -> dict:
    """Scene, prediction and scores, in the engine's Python; the last output line is JSON."""
    from core.predict.run import LoadedModel
    from core.predict.score import score_scene

    scene = demo_scene(out / "scene", lines, samples)
    loaded = LoadedModel.load(None, "auto")  # the bundled weights
    run = predict(scene, out / "runs", loaded)
    return {
        "scene": str(scene),
        "run": str(run),
        "scores": {k: float(v) for k, v in score_scene(scene, loaded).scores().items()},
        "held_out": loaded.manifest.training.get("held_out", {}).get("scores", {}),
    }


def run_engine_part(out: Path, size: str) -> dict:
    engine = os.environ.get("SEA_ICE_MAPPER_ENGINE_PYTHON") or sys.executable
    command = [engine, str(Path(__file__).resolve()), "--engine-part", "--out", str(out)]
    done = subprocess.run(  # noqa: S603  # nosec B603: our own script, argument list
        [*command, "--size", size], stdout=subprocess.PIPE, text=True, check=False
    )
    lines = done.stdout.strip().splitlines()
    print("\n".join(lines[:-1]))
    if done.returncode != 0 or not lines:
        raise SystemExit(f"the engine part failed (exit status {done.returncode}): {engine}")
    return json.loads(lines[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=REPO / "build" / "demo")
    parser.add_argument("--size", default="5000x5200", help="LINESxSAMPLES (default: full)")
    parser.add_argument("--engine-part", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    lines, samples = (int(v) for v in args.size.split("x"))
    if args.engine_part:
        print(json.dumps(engine_part(args.out, lines, samples)))
        return 0
    start = time.perf_counter()
    engine = run_engine_part(args.out, args.size)
    scene, run, scores = Path(engine["scene"]), Path(engine["run"]), engine["scores"]
    qgz, png = qgis_outputs(run, args.out)
    held_out = engine["held_out"]
    print(f"\nDone in {time.perf_counter() - start:.0f} s.")
    print(f"  scene        {scene}")
    print(f"  map layers   {run}/ (sic.tif, sod.tif, floe.tif, confidences, SAR, chart, .qml)")
    print(f"  QGIS project {qgz}")
    print(f"  map sheet    {png}")
    print("\nScores of this scene against its own chart labels (AutoICE definitions, 80 m):")
    for name in (*CHART_NAMES, "combined"):
        extra = f"   (held-out synthetic scenes: {held_out[name]:.1f})" if name in held_out else ""
        print(f"  {name:<9}{scores[name]:6.1f}{extra}")
    print("Demonstration weights trained on synthetic scenes: not for charting real scenes.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
