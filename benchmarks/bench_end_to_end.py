"""Benchmark: end to end (every layer of a run written) for one scene, and a batch of scenes.

Run: ``.venv/bin/python benchmarks/bench_end_to_end.py OUT [--runs 3] [--batch 20]
[--size 5000x5200] [--data DIR] [--weights BUNDLE]``; writes ``OUT/end_to_end.json``.

- ``single``: a fresh process predicts one full scene and writes every layer (charts,
  confidences, the scene's own chart, SAR HH/HV display layers, run.json), as ``predict`` does;
  ``run.json``'s stages are kept beside the process's wall time and peak RSS.
- ``no_sar``: the same without the SAR display layers (what the charts alone cost).
- ``plugin``: the dock's way: the command handed to a standby engine (``python -m core --json
  standby``, started ``THINK_S`` earlier, as the dock starts one when it opens and after each
  run), timed from the command to the end of the run, every layer written; peak RSS is the
  engine process's plus its reading process's.
- ``batch``: one process predicts ``--batch`` copies of the scene (distinct names), paying the
  fixed costs (interpreter, imports, model) once; reported as seconds per scene and scenes/hour.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

START = time.perf_counter()
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from results import (  # noqa: E402
    children_peak_rss_mb,
    peak_rss_mb,
    run_child,
    serve_child,
    summary,
    write_result,
)

THINK_S = 5.0  # an analyst choosing the next scene: the standby engine has imported torch


def _child(kind: str, source: str, weights: str, out: str) -> dict:
    from core.predict.params import PredictParams

    if kind == "plugin":
        return _plugin_run(Path(source), Path(weights), Path(out))

    params = PredictParams(
        weights=Path(weights), device="cpu", overwrite=True, sar_layers=kind != "no_sar"
    )
    if kind == "batch":
        from core.predict.batch import Shard, collect_scenes, run_batch

        import_s = time.perf_counter() - START
        scenes = collect_scenes([Path(source)])
        report = run_batch(scenes, Path(out), params, Shard())
        if len(report.done) != len(scenes):
            raise RuntimeError(report.summary())
        return {"import_s": import_s, "scenes": len(scenes)}
    from core.predict.run import run_prediction

    import_s = time.perf_counter() - START
    run = run_prediction(Path(source), Path(out), params)
    return {"import_s": import_s, "stages": run.seconds, "layers": len(run.layers)}


def _plugin_run(scene: Path, weights: Path, out: Path) -> dict:
    """One run through a standby engine, as the dock does it; the engine's peak RSS is read
    from /proc while it runs."""
    import threading

    from as_plugin import plugin_engine

    from core.engine.arguments import predict_arguments
    from core.predict.params import PredictParams

    engine = plugin_engine()
    python = Path(sys.executable)
    args = predict_arguments([scene], out, PredictParams(weights=weights, device="cpu"))
    engine.Standby.prepare(python)
    time.sleep(THINK_S)
    run = engine.EngineRun("predict", args, python, standby=True)
    peaks = [0.0]
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.05):
            if run.process is not None and run.process.poll() is None:
                pid = run.process.pid
                peaks.append(peak_rss_mb(pid) + children_peak_rss_mb(pid))

    threading.Thread(target=watch, daemon=True).start()
    start = time.perf_counter()
    outcome = run.follow()
    seconds = time.perf_counter() - start
    done.set()
    engine.Standby.stop()
    if not outcome.ok:
        raise RuntimeError(f"the engine failed: {outcome.message()}\n{outcome.log}")
    return {"plugin_s": seconds, "engine_peak_rss_mb": max(peaks)}


def _plugin(scene: Path, weights: Path, rounds: int) -> dict:
    runs = []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as out:
            runs.append(run_child(Path(__file__), "plugin", str(scene), str(weights), out))
    return {
        "wall_s": summary(run["plugin_s"] for run in runs),
        "peak_rss_mb": summary(run["engine_peak_rss_mb"] for run in runs),
        "think_s": THINK_S,
    }


def _single(kind: str, scene: Path, weights: Path, rounds: int) -> dict:
    runs = []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as out:
            runs.append(run_child(Path(__file__), kind, str(scene), str(weights), out))
    stages = sorted({name for run in runs for name in run["stages"]})
    return {
        "wall_s": summary(run["wall_s"] for run in runs),
        "import_s": summary(run["import_s"] for run in runs),
        "peak_rss_mb": summary(run["peak_rss_mb"] for run in runs),
        "stages": {name: summary(run["stages"].get(name, 0.0) for run in runs) for name in stages},
        "layers": runs[-1]["layers"],
    }


def _batch(scene: Path, weights: Path, count: int, single_wall: float) -> dict:
    from scenes import copies

    with tempfile.TemporaryDirectory() as tmp:
        folder = copies(scene, Path(tmp) / "scenes", count)[0].parent
        run = run_child(Path(__file__), "batch", str(folder), str(weights), str(Path(tmp) / "o"))
    per_scene = run["wall_s"] / count
    return {
        "scenes": count,
        "wall_s": run["wall_s"],
        "import_s": run["import_s"],
        "seconds_per_scene": per_scene,
        "scenes_per_hour": 3600 / per_scene,
        "per_scene_over_single_process": per_scene / single_wall,
        "peak_rss_mb": run["peak_rss_mb"],
    }


def main() -> None:
    if serve_child(_child):
        return
    from scenes import full_scene, random_weights

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for end_to_end.json")
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per kind")
    parser.add_argument("--batch", type=int, default=20, help="scenes in the batch (0: none)")
    parser.add_argument("--size", default="5000x5200")
    parser.add_argument("--data", type=Path, help="folder keeping generated scenes (default OUT)")
    parser.add_argument("--weights", type=Path, help="a weight bundle (default: random init)")
    args = parser.parse_args()
    data = args.data or args.out / "data"
    weights = args.weights or random_weights(data)
    scene = full_scene(data, args.size)
    payload: dict = {"size": args.size, "device": "cpu", "runs": args.runs}
    payload["single"] = _single("single", scene, weights, args.runs)
    print(f"single: {json.dumps(payload['single']['wall_s']['median'])} s", flush=True)
    payload["no_sar"] = _single("no_sar", scene, weights, args.runs)
    payload["plugin"] = _plugin(scene, weights, args.runs)
    print(f"plugin: {json.dumps(payload['plugin']['wall_s']['median'])} s", flush=True)
    if args.batch:
        single_wall = payload["single"]["wall_s"]["median"]
        payload["batch"] = _batch(scene, weights, args.batch, single_wall)
    print(write_result(args.out, "end_to_end", payload))


if __name__ == "__main__":
    main()
