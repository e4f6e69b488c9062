"""Train the bundled demonstration weights and score them on held-out synthetic scenes.

    .venv/bin/python scripts/bundle_weights.py        (or: make weights)

Trains ``--preset bundled`` (seed 0; resumes or reuses a finished run in runs/bundled),
generates held-out synthetic scenes with seeds no training or validation scene uses, scores the
best epoch on them at 80 m as AutoICE did, and writes resources/weights/default.json +
default.safetensors with those scores in the manifest. The README quotes them.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.model.bundle import load_bundle, save_bundle  # noqa: E402
from core.model.manifest import BUNDLED_WEIGHTS  # noqa: E402
from core.synthetic.generate import SynthConfig, synthesize  # noqa: E402
from training.config import PRESETS  # noqa: E402
from training.evaluate import evaluate  # noqa: E402
from training.loop import train  # noqa: E402

PRESET = "bundled"
HELD_OUT = REPO / "build" / "synthetic" / "held_out"
HELD_OUT_SEEDS = range(3000, 3008)  # training uses 1000+, validation 2000+


def held_out_scenes(lines: int, samples: int) -> list[Path]:
    """One folder per seed, so a finished scene is found again without regenerating it."""
    scenes = []
    for seed in HELD_OUT_SEEDS:
        folder = HELD_OUT / f"seed{seed}"
        found = sorted(folder.glob("*_prep.nc"))
        if not found:
            folder.mkdir(parents=True, exist_ok=True)
            found = [synthesize(folder, SynthConfig(lines=lines, samples=samples, seed=seed))]
        scenes.append(found[0])
    return scenes


def main() -> int:
    config = PRESETS[PRESET]
    result = train(config)
    _, _, lines, samples = config.synthetic or (0, 0, 0, 0)
    scenes = held_out_scenes(lines, samples)
    report = evaluate(scenes, result.bundle, device="cpu")
    print(report.table())
    model, manifest = load_bundle(result.bundle)
    training = dict(manifest.training)
    training["preset"] = PRESET
    training["held_out"] = {
        "data": f"{len(scenes)} synthetic scenes of {lines} × {samples} pixels, seeds "
        f"{HELD_OUT_SEEDS.start}-{HELD_OUT_SEEDS.stop - 1}, never seen in training or validation",
        "scores": {k: round(v, 1) for k, v in report.scores.items()},
    }
    training["note"] = (
        "Demonstration weights trained on synthetic scenes only: they show the pipeline working "
        "and are not fit for charting real Sentinel-1 scenes. Train real weights on AI4Arctic "
        "with `python -m training train --preset paper` (docs/training.md)."
    )
    BUNDLED_WEIGHTS.parent.mkdir(parents=True, exist_ok=True)
    path = save_bundle(
        model, replace(manifest, training=training, created=""), BUNDLED_WEIGHTS, overwrite=True
    )
    print(f"bundled weights: {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
