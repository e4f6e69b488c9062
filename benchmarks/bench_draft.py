"""Benchmark: a full-size scene's prediction turned into a draft ice chart.

Run: ``.venv/bin/python benchmarks/bench_draft.py OUT [--run RUN_DIR] [--min-area KM2]
[--size 5000x5200] [--data DIR]``; writes ``OUT/draft.json``. Without ``--run`` a synthetic
scene (5000 × 5200, seed 4000) is generated and predicted with the bundled weights first (not
timed), kept in ``--data`` when given and reused from there. Records the polygons, the seconds
per stage (reading the run, segmenting, polygonising and simplifying, attributes, writing the
GeoPackage), the total and the agreement of the chart read back with the prediction. Target:
under 10 s on 2 CPU cores.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from results import write_result  # noqa: E402

from core.draft.make import draft_chart  # noqa: E402
from core.draft.params import DEFAULT_MIN_AREA_KM2, DraftParams  # noqa: E402

TARGET_S = 10.0


def predicted_run(folder: Path, size: str) -> Path:
    """A run folder of a synthetic scene of ``size`` in ``folder``, predicted once, then kept."""
    from core.output.contract import RUN_FILE
    from core.predict.params import PredictParams
    from core.predict.run import run_prediction
    from core.synthetic.generate import SynthConfig, synthesize

    done = sorted((folder / "runs").glob(f"*/{RUN_FILE}"))
    if done:
        return done[0].parent
    lines, samples = (int(x) for x in size.lower().split("x"))
    print(f"generating and predicting a {lines} × {samples} synthetic scene (not timed)...")
    config = SynthConfig(lines=lines, samples=samples, seed=4000)
    scene = synthesize(folder, config, overwrite=True)
    return run_prediction(scene, folder / "runs", PredictParams(sar_layers=False)).folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for draft.json")
    parser.add_argument("--run", type=Path, help="a run folder (default: predict one)")
    parser.add_argument("--min-area", type=float, default=DEFAULT_MIN_AREA_KM2)
    parser.add_argument("--size", default="5000x5200", help="of the scene predicted first")
    parser.add_argument("--data", type=Path, help="folder keeping the predicted scene")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data / f"draft_{args.size}" if args.data else Path(tmp)
        run = args.run or predicted_run(data, args.size)
        start = time.perf_counter()
        result = draft_chart(run, Path(tmp) / "draft.gpkg", DraftParams(min_area_km2=args.min_area))
        total = time.perf_counter() - start
    payload = {
        "run": run.name,
        "size": None if args.run else args.size,
        "min_area_km2": args.min_area,
        "polygons": result.n_polygons,
        "total_s": total,
        "stages": result.seconds,
        "agreement_percent": result.agreement,
        "target_s": TARGET_S,
    }
    print(
        f"draft chart of {run.name}: {result.n_polygons} polygons (min area {args.min_area} "
        f"km²) in {total:.2f} s including the read-back check"
    )
    print(write_result(args.out, "draft", payload))


if __name__ == "__main__":
    main()
