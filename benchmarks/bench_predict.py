"""Benchmark: predict a full-size synthetic scene, in the scoring form and end to end.

Run: ``.venv/bin/python benchmarks/bench_predict.py [--size 5000x5200] [--scene FILE]
[--weights BUNDLE] [--device auto]``. Without ``--scene`` a synthetic scene is generated (and
kept with ``--keep DIR``); without ``--weights`` randomly initialised weights are used (same
cost as trained ones). Each measurement runs in a fresh process so its peak RSS is its own:
- scoring form: scene file -> SIC/SOD/FLOE uint8 arrays on the 80 m grid (what AutoICE scores);
- end to end: scene file -> every GeoTIFF of a run written (charts, confidences, the scene's own
  chart, SAR HH/HV at 80 m with overviews).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _child(stage: str, scene: str, weights: str, device: str, out: str) -> dict:
    sys.path.insert(0, str(ROOT))
    start = time.perf_counter()
    from core.predict.run import LoadedModel, PredictParams, predict_classes, run_prediction

    import_s = time.perf_counter() - start
    if stage == "scoring":
        loaded = LoadedModel.load(Path(weights), device)
        load_s = time.perf_counter() - start - import_s
        classes = predict_classes(scene, loaded)
        assert set(classes) == {"SIC", "SOD", "FLOE"}
        result = {"import_s": import_s, "load_s": load_s, "device": loaded.device.describe()}
    else:
        params = PredictParams(weights=Path(weights), device=device, overwrite=True)
        run = run_prediction(scene, out, params)
        result = {"import_s": import_s, "stages": run.seconds, "device": run.device}
    result["seconds"] = time.perf_counter() - start
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def _run(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _prepare(folder: Path, size: str, scene: Path | None, weights: Path | None) -> tuple:
    sys.path.insert(0, str(ROOT))
    from core.model.bundle import save_bundle
    from core.model.manifest import Manifest
    from core.model.unet import MultiTaskUNet, UNetConfig
    from core.synthetic.generate import SynthConfig, synthesize

    if scene is None:
        lines, samples = (int(x) for x in size.split("x"))
        scene = folder / "20190101T000000_cis_prep.nc"
        if not scene.exists():
            synthesize(scene, SynthConfig(lines=lines, samples=samples, seed=0))
    if weights is None:
        weights = folder / "random_init.json"
        save_bundle(MultiTaskUNet(UNetConfig()), Manifest(architecture={}), weights, overwrite=True)
    return scene, weights


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="5000x5200")
    parser.add_argument("--scene", type=Path)
    parser.add_argument("--weights", type=Path)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--keep", type=Path, help="folder to keep the scene and outputs in")
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(*args.child)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        scene, weights = _prepare(folder, args.size, args.scene, args.weights)
        out = str(folder / "runs")
        scoring = _run("scoring", str(scene), str(weights), args.device, out)
        e2e = _run("end-to-end", str(scene), str(weights), args.device, out)
    print(f"scene {scene.name}, device {scoring['device']}")
    print(
        f"scoring form (file -> 80 m class arrays): {scoring['seconds']:.2f} s "
        f"(of which importing torch & core {scoring['import_s']:.2f} s, loading weights "
        f"{scoring['load_s']:.2f} s), peak RSS {scoring['peak_rss_mb']:.0f} MB"
    )
    stages = ", ".join(f"{k} {v:.2f} s" for k, v in e2e["stages"].items())
    print(
        f"end to end (file -> all GeoTIFFs): {e2e['seconds']:.2f} s, peak RSS "
        f"{e2e['peak_rss_mb']:.0f} MB; stages: importing {e2e['import_s']:.2f} s, {stages}"
    )


if __name__ == "__main__":
    main()
