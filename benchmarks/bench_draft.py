"""Benchmark: a full-size scene's prediction turned into a draft ice chart.

Run: ``.venv/bin/python benchmarks/bench_draft.py [--run RUN_DIR] [--min-area KM2]``. Without
``--run`` a full-size synthetic scene (5000 × 5200) is generated and predicted with the bundled
weights first (not timed). Prints the polygons, the seconds per stage (reading the run,
segmenting, polygonising and simplifying, attributes, writing the GeoPackage), the total and the
agreement of the chart read back with the prediction. Target: under 10 s on 2 CPU cores.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.draft.make import draft_chart  # noqa: E402
from core.draft.params import DEFAULT_MIN_AREA_KM2, DraftParams  # noqa: E402


def full_size_run(folder: Path) -> Path:
    from core.predict.params import PredictParams
    from core.predict.run import run_prediction
    from core.synthetic.generate import SynthConfig, synthesize

    print("generating and predicting a 5000 × 5200 synthetic scene (not timed)...")
    scene = synthesize(folder, SynthConfig(lines=5000, samples=5200, seed=4000))
    return run_prediction(scene, folder / "runs", PredictParams(sar_layers=False)).folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path, help="a run folder (default: predict one)")
    parser.add_argument("--min-area", type=float, default=DEFAULT_MIN_AREA_KM2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run = args.run or full_size_run(Path(tmp))
        start = time.perf_counter()
        result = draft_chart(run, Path(tmp) / "draft.gpkg", DraftParams(min_area_km2=args.min_area))
        total = time.perf_counter() - start
    stages = ", ".join(f"{k} {v:.2f} s" for k, v in result.seconds.items())
    print(f"draft chart of {run.name}: {result.n_polygons} polygons (min area {args.min_area} km²)")
    print(f"total {total:.2f} s including the read-back check; {stages}")
    print(
        "agreement read back: " + ", ".join(f"{k} {v:.1f} %" for k, v in result.agreement.items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
