"""Benchmark: a prediction through the engine process vs the same prediction in-process.

Run: ``.venv/bin/python benchmarks/bench_engine.py OUT [--size 400x460] [--runs 3]
[--think 8]``; writes ``OUT/engine.json``. A small synthetic scene is predicted with the bundled
weights on the CPU:
- in-process, warm: ``run_prediction`` in a process that already imported torch and ran once
  (what the plugin cost when it ran the model inside QGIS, from its second run on);
- in-process, cold: the first ``run_prediction`` of a fresh process, imports included;
- engine, standby: the dock's way: ``EngineRun`` handing the command to a standby engine
  (``python -m core --json standby``) started ``--think`` seconds earlier (the dock starts one
  when it opens and after each run), from the command to the result event;
- engine, cold: ``python -m core --json predict`` started afresh (Processing's way).
The overhead of the engine is its time minus the warm in-process time (target ≤ 1.5 s).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from results import run_child, serve_child, summary, write_result  # noqa: E402

TARGET_OVERHEAD_S = 1.5


def _in_process(scene: str, out: str, repeat: int) -> dict:
    """Child: the first run (imports included), then ``repeat`` warm runs."""
    start = time.perf_counter()
    from core.predict.params import PredictParams
    from core.predict.run import run_prediction

    params = PredictParams(device="cpu", overwrite=True)
    run_prediction(scene, out, params)
    cold = time.perf_counter() - start
    warm = []
    for _ in range(repeat):
        start = time.perf_counter()
        run_prediction(scene, out, params)
        warm.append(time.perf_counter() - start)
    return {"cold": cold, "warm": warm}


def _engine(scene: str, out: str, repeat: int, python: str, think: float | None) -> list[float]:
    """Seconds per run; ``think``: use a standby engine started that long before each run."""
    from as_plugin import plugin_engine

    from core.engine.arguments import predict_arguments
    from core.predict.params import PredictParams

    engine = plugin_engine()
    engine_run, standby_engine = engine.EngineRun, engine.Standby

    args = predict_arguments([scene], out, PredictParams(device="cpu", overwrite=True))
    seconds = []
    for _ in range(repeat):
        if think is not None:
            standby_engine.prepare(Path(python))
            time.sleep(think)
        start = time.perf_counter()
        run = engine_run("predict", args, Path(python), standby=think is not None)
        outcome = run.follow()
        seconds.append(time.perf_counter() - start)
        if not outcome.ok:
            raise SystemExit(f"the engine failed: {outcome.message()}\n{outcome.log}")
    standby_engine.stop()
    return seconds


def measure(scene: str, tmp: str, runs: int, python: str, think: float) -> dict:
    inproc = run_child(Path(__file__), scene, f"{tmp}/inproc", str(runs))
    standby = _engine(scene, f"{tmp}/s", runs, python, think)
    cold = _engine(scene, f"{tmp}/c", runs, python, None)
    warm = summary(inproc["warm"])
    result = {
        "in_process_warm_s": warm,
        "in_process_cold_s": summary([inproc["cold"]]),
        "in_process_peak_rss_mb": inproc["peak_rss_mb"],
        "engine_standby_s": summary(standby),
        "engine_cold_s": summary(cold),
    }
    result["overhead_s"] = {
        "standby": result["engine_standby_s"]["median"] - warm["median"],
        "cold": result["engine_cold_s"]["median"] - warm["median"],
    }
    return result


def main() -> None:
    if serve_child(lambda scene, out, repeat: _in_process(scene, out, int(repeat))):
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for engine.json")
    parser.add_argument("--size", default="400x460", help="LINESxSAMPLES (default 400x460)")
    parser.add_argument("--runs", "--repeat", type=int, default=3, help="runs of each kind")
    parser.add_argument("--engine-python", default=sys.executable)
    parser.add_argument(
        "--think", type=float, default=8.0, help="seconds between standby start and run"
    )
    args = parser.parse_args()
    from core.synthetic.generate import SynthConfig, synthesize

    lines, samples = (int(n) for n in args.size.split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        scene = str(synthesize(Path(tmp), SynthConfig(lines=lines, samples=samples, seed=5)))
        measured = measure(scene, tmp, args.runs, args.engine_python, args.think)
    payload = {"size": args.size, "device": "cpu", "runs": args.runs, "think_s": args.think}
    payload.update(measured)
    payload["target_overhead_s"] = TARGET_OVERHEAD_S
    overhead = measured["overhead_s"]
    print(
        f"scene {args.size}, CPU, medians of {args.runs}: in-process warm "
        f"{measured['in_process_warm_s']['median']:.2f} s; engine overhead: standby "
        f"{overhead['standby']:+.2f} s, cold {overhead['cold']:+.2f} s"
    )
    print(write_result(args.out, "engine", payload))


if __name__ == "__main__":
    main()
