"""run.json records every stage of a process: the stages of its runs add up to its wall time,
and a batch pays (and records) the process start and the model loading once: the time its
first scene waited for the model, which loads while that scene is read."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from repo_paths import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "benchmarks"))

BATCH = """
import sys
from pathlib import Path
sys.path.insert(0, {root!r})
from core.predict.batch import Shard, collect_scenes, run_batch
from core.predict.params import PredictParams
params = PredictParams(weights=Path({weights!r}), device="cpu")
report = run_batch(collect_scenes([Path({scenes!r})]), Path({out!r}), params, Shard())
assert len(report.done) == 2, report.summary()
"""


def test_a_batch_records_start_up_and_loading_once_and_its_stages_add_up(
    labelled_scene: Path, random_bundle: Path, tmp_path: Path
) -> None:
    from scenes import copies

    scenes = copies(labelled_scene, tmp_path / "scenes", 2)
    script = BATCH.format(
        root=str(REPO_ROOT),
        weights=str(random_bundle),
        scenes=str(scenes[0].parent),
        out=str(tmp_path / "out"),
    )
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", script], check=True)
    wall = time.perf_counter() - start
    first, second = (
        json.loads((tmp_path / "out" / s.name[:19] / "run.json").read_text("utf-8"))["seconds"]
        for s in scenes
    )
    assert {
        "starting and importing",
        "loading model",
        "opening scene",
        "reading",
        "model",
        "writing layers",
        "writing SAR layers",
    } <= set(first)
    assert "starting and importing" not in second and "loading model" not in second
    assert first["loading model"] > 0  # the wait for the model, loaded while reading
    order = list(first)
    assert order.index("reading") < order.index("loading model") < order.index("model")
    assert first["starting and importing"] > 0.1  # at least numpy, netCDF4 and rasterio
    total = sum(first.values()) + sum(second.values())
    assert total <= wall
    assert wall - total < max(1.0, 0.25 * wall), (wall, first, second)  # interpreter exit
