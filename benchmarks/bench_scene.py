"""Benchmark: generate a full-size synthetic scene, then read it as inference will.

Run: ``.venv/bin/python benchmarks/bench_scene.py OUT [--size 5000x5200] [--runs 1]
[--keep DIR]``; writes ``OUT/scene.json``. Each stage runs in a fresh process so its peak RSS
is its own: the scene is generated once, then read ``--runs`` times. Reading for inference
means: open and validate, the four full-grid inputs every 10th pixel (the nearest ×10
downscaling of MMSeaIce's test path) plus the valid-SAR mask, the 15 coarse inputs and the tie
points; and, for comparison, each full-grid input read whole, one at a time.
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

SCENE_NAME = "20190101T000000_cis_prep.nc"


def _generate(path: str, lines: int, samples: int) -> dict:
    from core.synthetic.generate import SynthConfig, synthesize

    start = time.perf_counter()
    synthesize(path, SynthConfig(lines=lines, samples=samples, seed=0), overwrite=True)
    return {"seconds": time.perf_counter() - start}


def _read(path: str) -> dict:
    from core.scene.reader import open_scene
    from core.scene.schema import COARSE_VARIABLES, SAR_VARIABLES

    start = time.perf_counter()
    with open_scene(path) as scene:
        strided = [scene.read(name, step=10) for name in SAR_VARIABLES]
        valid = scene.valid_sar(step=10)
        coarse = [scene.read(name) for name in COARSE_VARIABLES]
        scene.latlon()
        strided_s = time.perf_counter() - start
        full_start = time.perf_counter()
        for name in SAR_VARIABLES:
            scene.read(name).sum()
        full_s = time.perf_counter() - full_start
    assert strided[0].shape == valid.shape and coarse
    return {"strided_seconds": strided_s, "full_each_seconds": full_s}


def _child(stage: str, path: str, lines: str, samples: str) -> dict:
    if stage == "generate":
        return _generate(path, int(lines), int(samples))
    return _read(path)


def measure(path: Path, lines: int, samples: int, runs: int) -> dict:
    dims = (str(lines), str(samples))
    gen = run_child(Path(__file__), "generate", str(path), *dims)
    size_mb = path.stat().st_size / 1e6
    reads = [run_child(Path(__file__), "read", str(path), *dims) for _ in range(runs)]
    return {
        "size": f"{lines}x{samples}",
        "runs": runs,
        "file_mb": size_mb,
        "generate": {"seconds": gen["seconds"], "peak_rss_mb": gen["peak_rss_mb"]},
        "read": {
            key: summary(read[key] for read in reads)
            for key in ("strided_seconds", "full_each_seconds", "peak_rss_mb")
        },
    }


def main() -> None:
    if serve_child(_child):
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for scene.json")
    parser.add_argument("--size", default="5000x5200")
    parser.add_argument("--runs", type=int, default=1, help="fresh reading processes")
    parser.add_argument("--keep", type=Path, help="folder to keep the scene in")
    args = parser.parse_args()
    lines, samples = (int(x) for x in args.size.split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        payload = measure(folder / SCENE_NAME, lines, samples, args.runs)
    gen, read = payload["generate"], payload["read"]
    print(
        f"scene {args.size}: generated in {gen['seconds']:.1f} s, file "
        f"{payload['file_mb']:.0f} MB; read for inference "
        f"{read['strided_seconds']['median']:.2f} s, each input whole "
        f"{read['full_each_seconds']['median']:.2f} s (medians of {args.runs})"
    )
    print(write_result(args.out, "scene", payload))


if __name__ == "__main__":
    main()
