"""Benchmark: the scoring form against MMSeaIce's plain path and against the I/O floor.

Run: ``.venv/bin/python benchmarks/bench_predict.py OUT [--runs 5] [--size 5000x5200]
[--chunks 500 1024] [--data DIR] [--weights BUNDLE]``; writes ``OUT/predict.json``.

Kinds of fresh process, interleaved round by round on the same scene file:
- ``scoring``: the project's scoring form, file -> SIC/SOD/FLOE uint8 on the 80 m grid, with
  the second reading process that batches and the engine use (``core/scene/read_helper.py``);
- ``scoring_alone``: the same in one process, for comparison;
- ``reference``: the same work as MMSeaIce does it (``reference_mmseaice.py``);
- ``floor_whole``, ``floor_strided``: only the reads (the four full-grid inputs, every 10th
  pixel), each chunk decompressed once, in the two simplest ways; the floor is the faster.
Each process reports its fixed costs (imports, loading weights, starting the reading process)
apart from its work, so the ratios compare work with work; fixed costs are paid once per batch
or engine process. Peak memory of the scoring form includes its reading process's. The
reference runs on the first chunk layout only (it reads whole variables either way).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

START = time.perf_counter()
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from results import (  # noqa: E402
    cpu_seconds,
    peak_rss_mb,
    run_child,
    serve_child,
    summary,
    write_result,
)

KINDS = ("floor_whole", "floor_strided", "scoring", "scoring_alone", "reference")
FLOORS = KINDS[:2]


def _child(kind: str, scene: str, weights: str) -> dict:
    path = Path(scene)
    if kind in FLOORS:
        from reference_mmseaice import read_floor

        from core.scene.schema import SAR_VARIABLES

        import_s = time.perf_counter() - START
        t0, c0 = time.perf_counter(), time.process_time()
        read_floor(path, SAR_VARIABLES, kind.split("_")[1])
        work_s, cpu_s = time.perf_counter() - t0, time.process_time() - c0
        return {"import_s": import_s, "load_s": 0.0, "work_s": work_s, "cpu_s": cpu_s}
    helper_rss_mb = helper_cpu_s = 0.0
    if kind.startswith("scoring"):
        from core.predict.run import LoadedModel, predict_classes
        from core.scene.read_helper import ReadHelper

        import_s = time.perf_counter() - START
        t0 = time.perf_counter()
        loaded = LoadedModel.load(Path(weights), "cpu")
        helper = ReadHelper.start() if kind == "scoring" else None
        if helper is not None and not helper.wait_ready():
            raise RuntimeError("the reading process did not start")
        load_s = time.perf_counter() - t0
        helper_c0 = cpu_seconds(helper.pid) if helper is not None else 0.0
        t0, c0 = time.perf_counter(), time.process_time()
        classes = predict_classes(path, loaded, helper=helper)
        if helper is not None:
            helper_cpu_s = cpu_seconds(helper.pid) - helper_c0
            helper_rss_mb = peak_rss_mb(helper.pid)
            helper.close()
    else:
        from reference_mmseaice import predict_reference

        from core.model.bundle import load_bundle

        import_s = time.perf_counter() - START
        t0 = time.perf_counter()
        model, manifest = load_bundle(Path(weights), "cpu")
        load_s = time.perf_counter() - t0
        t0, c0 = time.perf_counter(), time.process_time()
        classes = predict_reference(path, model, manifest)
    work_s, cpu_s = time.perf_counter() - t0, time.process_time() - c0
    if set(classes) != {"SIC", "SOD", "FLOE"}:
        raise RuntimeError(f"unexpected outputs {sorted(classes)}")
    return {
        "import_s": import_s,
        "load_s": load_s,
        "work_s": work_s,
        "cpu_s": cpu_s + helper_cpu_s,  # the reading process's too
        "extra_rss_mb": helper_rss_mb,
    }


def _summarise(runs: list[dict]) -> dict:
    for run in runs:  # the reading process's peak counts too (a sum of peaks: an upper bound)
        run["peak_rss_mb"] += run.pop("extra_rss_mb", 0.0)
    return {
        key: summary(run[key] for run in runs)
        for key in ("work_s", "cpu_s", "import_s", "load_s", "wall_s", "peak_rss_mb")
    }


def measure(scene: Path, weights: Path, kinds: tuple[str, ...], rounds: int) -> dict:
    """``rounds`` rounds, each running every kind once in a fresh process, interleaved."""
    runs: dict[str, list[dict]] = {kind: [] for kind in kinds}
    for _ in range(rounds):
        for kind in kinds:
            runs[kind].append(run_child(Path(__file__), kind, str(scene), str(weights)))
    result = {kind: _summarise(kind_runs) for kind, kind_runs in runs.items()}
    work = {kind: result[kind]["work_s"]["median"] for kind in kinds}
    result["floor"] = min(FLOORS, key=work.__getitem__)  # the faster way on this layout
    floor = work[result["floor"]]
    ratios = {"scoring_over_floor": work["scoring"] / floor}
    ratios["scoring_alone_over_floor"] = work["scoring_alone"] / floor
    if "reference" in work:
        ratios["reference_over_scoring"] = work["reference"] / work["scoring"]
        ratios["reference_over_scoring_alone"] = work["reference"] / work["scoring_alone"]
    # In CPU seconds (all threads of both processes): what a busy machine disturbs least.
    cpu = {kind: result[kind]["cpu_s"]["median"] for kind in kinds}
    for form in ("scoring", "scoring_alone"):
        ratios[f"{form}_over_floor_cpu"] = cpu[form] / cpu[result["floor"]]
        if "reference" in cpu:
            ratios[f"reference_over_{form}_cpu"] = cpu["reference"] / cpu[form]
    result["ratios"] = ratios
    return result


def main() -> None:
    if serve_child(_child):
        return
    from scenes import full_scene, random_weights

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for predict.json")
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per kind")
    parser.add_argument("--size", default="5000x5200")
    parser.add_argument("--chunks", type=int, nargs="+", default=[500, 1024])
    parser.add_argument("--data", type=Path, help="folder keeping generated scenes (default OUT)")
    parser.add_argument("--weights", type=Path, help="a weight bundle (default: random init)")
    args = parser.parse_args()
    data = args.data or args.out / "data"
    weights = args.weights or random_weights(data)
    layouts = {}
    for k, chunk in enumerate(args.chunks):
        scene = full_scene(data, args.size, chunk)
        kinds = KINDS if k == 0 else KINDS[:4]
        layouts[f"{chunk}x{chunk}"] = measure(scene, weights, kinds, args.runs)
        print(f"chunks {chunk}: {json.dumps(layouts[f'{chunk}x{chunk}']['ratios'])}", flush=True)
    path = write_result(
        args.out,
        "predict",
        {"size": args.size, "device": "cpu", "runs": args.runs, "layouts": layouts},
    )
    print(path)


if __name__ == "__main__":
    main()
