"""The demo behind ``make demo``: a synthetic scene charted with the bundled weights.

Generates (once) a full-size synthetic Sentinel-1 scene, predicts it with the bundled weights
(once per weights and parameters), scores the prediction against the scene's own chart labels
as AutoICE scored, and has QGIS write a project with the styled scene group and a PNG map sheet
(SAR beside SIC, SOD and FLOE, with legends). Ends by printing the paths and the scores.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.icechart.classes import CHART_NAMES  # noqa: E402
from core.predict.batch import already_done  # noqa: E402
from core.predict.params import PredictParams  # noqa: E402
from core.predict.run import LoadedModel, run_prediction  # noqa: E402
from core.predict.score import score_scene  # noqa: E402
from core.synthetic.generate import SynthConfig, synthesize  # noqa: E402

SCENE_SEED = 4000  # neither a training (1000+), validation (2000+) nor held-out (3000+) seed


def demo_scene(folder: Path, lines: int, samples: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    found = sorted(folder.glob("*_prep.nc"))
    if found:
        print(f"scene: reusing {found[0].name}")
        return found[0]
    print(f"scene: generating a synthetic {lines} × {samples} scene (seed {SCENE_SEED})")
    return synthesize(folder, SynthConfig(lines=lines, samples=samples, seed=SCENE_SEED))


def predict(scene: Path, runs: Path, loaded: LoadedModel) -> Path:
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
    import importlib
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=REPO / "build" / "demo")
    parser.add_argument("--size", default="5000x5200", help="LINESxSAMPLES (default: full)")
    args = parser.parse_args(argv)
    lines, samples = (int(v) for v in args.size.split("x"))
    start = time.perf_counter()
    scene = demo_scene(args.out / "scene", lines, samples)
    loaded = LoadedModel.load(None, "auto")  # the bundled weights
    run = predict(scene, args.out / "runs", loaded)
    scores = score_scene(scene, loaded).scores()
    qgz, png = qgis_outputs(run, args.out)
    held_out = loaded.manifest.training.get("held_out", {}).get("scores", {})
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
