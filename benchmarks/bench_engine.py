"""Benchmark: a prediction through the engine process vs the same prediction in-process.

Run: ``.venv/bin/python benchmarks/bench_engine.py [--size 400x460] [--repeat 3]``. A small
synthetic scene is predicted with the bundled weights on the CPU:
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
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _in_process(scene: str, out: str, repeat: int) -> dict:
    """Child: the first run (imports included), then ``repeat`` warm runs."""
    sys.path.insert(0, str(ROOT))
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
    sys.path.insert(0, str(ROOT))
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="400x460", help="LINESxSAMPLES (default 400x460)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engine-python", default=sys.executable)
    parser.add_argument(
        "--think", type=float, default=8.0, help="seconds between standby start and run"
    )
    parser.add_argument(
        "--child", nargs=3, metavar=("SCENE", "OUT", "REPEAT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        scene, out, repeat = args.child
        print(json.dumps(_in_process(scene, out, int(repeat))))
        return
    sys.path.insert(0, str(ROOT))
    from core.synthetic.generate import SynthConfig, synthesize

    lines, samples = (int(n) for n in args.size.split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        scene = str(synthesize(Path(tmp), SynthConfig(lines=lines, samples=samples, seed=5)))
        child = subprocess.run(
            [sys.executable, __file__, "--child", scene, f"{tmp}/inproc", str(args.repeat)],
            capture_output=True,
            text=True,
            check=True,
        )
        inproc = json.loads(child.stdout.strip().splitlines()[-1])
        standby = _engine(scene, f"{tmp}/s", args.repeat, args.engine_python, args.think)
        cold = _engine(scene, f"{tmp}/c", args.repeat, args.engine_python, None)
    warm = statistics.median(inproc["warm"])
    print(f"scene {args.size}, CPU, bundled weights, median of {args.repeat}")
    print(f"in-process, warm : {warm:6.2f} s")
    print(f"in-process, cold : {inproc['cold']:6.2f} s (first run of a process, imports included)")
    for name, runs in (("standby", standby), ("cold", cold)):
        median = statistics.median(runs)
        each = ", ".join(f"{s:.2f}" for s in runs)
        print(f"engine, {name:8} : {median:6.2f} s, overhead {median - warm:+.2f} s (runs: {each})")


if __name__ == "__main__":
    main()
