"""The Python steps of ``gpu_check.sh``: detect the GPU, measure prediction, merge the results.

- ``detect OUT``: exit 3 (``NO_GPU``), with a clear message and ``OUT/gpu_check.json``, when
  torch sees no CUDA device; 0 otherwise.
- ``predict OUT DATA``: on a full synthetic scene, with the device's autocast (bf16 on H100/H200):
  the scoring form (warm, medians), end to end with every layer, and the out-of-memory fallback
  to tiles forced once, checked against the whole-scene pass. Writes ``OUT/gpu_predict.json``.
- ``summarise OUT STEP=RC ...``: merge every step's result into ``OUT/gpu_check.json`` and exit
  non-zero when a step failed.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from results import write_result  # noqa: E402

NO_GPU = 3
FALLBACK_AGREEMENT = 0.99  # share of pixels the tiled fallback must decide as the whole pass


def detect(out: Path) -> int:
    import torch

    if torch.cuda.is_available():
        print(f"GPU found: {torch.cuda.get_device_name(0)} (torch {torch.__version__})")
        return 0
    built = f"CUDA {torch.version.cuda}" if torch.version.cuda else "without CUDA"
    message = (
        f"No GPU found: torch {torch.__version__} (built {built}) sees no CUDA device, so "
        "nothing was measured. Run this on a machine with an NVIDIA GPU, its driver and a "
        "CUDA build of torch."
    )
    print(message, file=sys.stderr)
    write_result(out, "gpu_check", {"status": "no-gpu", "message": message})
    return NO_GPU


def _timed(function, runs: int) -> tuple[list[float], object]:
    seconds, value = [], None
    for _ in range(runs):
        start = time.perf_counter()
        value = function()
        seconds.append(time.perf_counter() - start)
    return seconds, value


def _forced_fallback(loaded, scene: Path) -> dict:
    """Raise one CUDA out-of-memory error in the whole-scene pass: the tiles must take over."""
    import numpy as np
    import torch

    from core.predict import forward as forward_module
    from core.predict.run import predict_classes

    whole = predict_classes(scene, loaded)
    original = forward_module._stack
    calls = {"whole": 0, "tiles": 0}

    def failing_once(model, x, device):
        if x.shape[-1] > 512 and calls["whole"] == 0:
            calls["whole"] += 1
            raise torch.OutOfMemoryError("forced by gpu_check")
        calls["tiles"] += 1
        return original(model, x, device)

    forward_module._stack = failing_once
    try:
        start = time.perf_counter()
        tiled = predict_classes(scene, loaded)
        seconds = time.perf_counter() - start
    finally:
        forward_module._stack = original
    agreement = {name: float(np.mean(tiled[name] == whole[name])) for name in whole}
    ok = (
        calls["whole"] == 1 and calls["tiles"] > 1 and min(agreement.values()) >= FALLBACK_AGREEMENT
    )
    return {"ok": ok, "seconds": seconds, "tiles": calls["tiles"], "agreement": agreement}


def predict(out: Path, data: Path) -> int:
    import torch
    from scenes import full_scene, random_weights

    from core.predict.params import PredictParams
    from core.predict.run import LoadedModel, predict_classes, run_prediction

    scene, weights = full_scene(data), random_weights(data)
    start = time.perf_counter()
    loaded = LoadedModel.load(weights, "cuda")
    load_s = time.perf_counter() - start
    torch.cuda.reset_peak_memory_stats()
    first_s, _ = _timed(lambda: predict_classes(scene, loaded), 1)
    scoring_s, _ = _timed(lambda: predict_classes(scene, loaded), 3)
    gpu_mem = torch.cuda.max_memory_allocated() / 2**30
    params = PredictParams(weights=weights, device="cuda", overwrite=True)
    with tempfile.TemporaryDirectory() as tmp:
        e2e_s, run = _timed(lambda: run_prediction(scene, tmp, params, loaded), 2)
    fallback = _forced_fallback(loaded, scene)
    payload = {
        "device": loaded.device.describe(),
        "load_s": load_s,
        "scoring_first_s": first_s[0],
        "scoring_warm_s": statistics.median(scoring_s),
        "scoring_runs": scoring_s,
        "scoring_gpu_memory_gib": gpu_mem,
        "end_to_end_s": statistics.median(e2e_s),
        "end_to_end_stages": run.seconds,  # type: ignore[attr-defined]
        "oom_fallback": fallback,
    }
    write_result(out, "gpu_predict", payload)
    print(json.dumps(payload, indent=2))
    if not fallback["ok"]:
        print(f"FAILED: the forced out-of-memory fallback: {fallback}", file=sys.stderr)
        return 1
    return 0


def summarise(out: Path, steps: list[str]) -> int:
    codes = {step: int(rc) for step, rc in (item.split("=") for item in steps)}
    figures: dict = {}
    predict_path, train_path = out / "gpu_predict.json", out / "gpu_train.json"
    if predict_path.exists():
        p = json.loads(predict_path.read_text("utf-8"))
        figures.update(
            {
                "device": p["device"],
                "scoring form, warm (median of 3)": f"{p['scoring_warm_s']:.2f} s",
                "scoring form, first call": f"{p['scoring_first_s']:.2f} s",
                "scoring form GPU memory": f"{p['scoring_gpu_memory_gib']:.2f} GiB",
                "end to end, all layers (median of 2)": f"{p['end_to_end_s']:.2f} s",
                "forced OOM → tiles": (
                    f"{p['oom_fallback']['tiles']} tiles, {p['oom_fallback']['seconds']:.2f} s, "
                    f"agreement {min(p['oom_fallback']['agreement'].values()):.4f}"
                ),
            }
        )
    if train_path.exists():
        t = json.loads(train_path.read_text("utf-8"))
        figures.update(
            {
                "training `paper`: warm iterations/s": f"{t['iterations_per_s']:.2f}",
                "training: data share of step time": f"{100 * t['data_share']:.1f} %",
                "training: GPU memory": f"{t.get('gpu_memory_gib') or float('nan'):.2f} GiB",
                "training: projected 150 000 iterations": f"{t['projected_min']:.1f} min",
            }
        )
    failed = [step for step, rc in codes.items() if rc != 0]
    status = "ok" if not failed else "failed"
    message = "every step passed" if not failed else f"failed steps: {', '.join(failed)}"
    write_result(
        out, "gpu_check", {"status": status, "message": message, "steps": codes, "figures": figures}
    )
    print(f"GPU check {status}: {message}")
    return 0 if not failed else 1


def main() -> int:
    command, out = sys.argv[1], Path(sys.argv[2])
    if command == "detect":
        return detect(out)
    if command == "predict":
        return predict(out, Path(sys.argv[3]))
    return summarise(out, sys.argv[3:])


if __name__ == "__main__":
    sys.exit(main())
