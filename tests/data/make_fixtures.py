"""Regenerate the tiny committed test scenes in tests/data/scenes (seeded, deterministic).

Run from the repository root: ``.venv/bin/python tests/data/make_fixtures.py``. A test
regenerates them into a temporary folder and compares every variable with the committed files.
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from core.synthetic.generate import SynthConfig, synthesize  # noqa: E402 (path set above)

SCENES = Path(__file__).resolve().parent / "scenes"
FIXTURES = {
    # A labelled training-style scene, 64 × 80 pixels (a 2 × 3 AMSR2/ERA5 grid).
    "20190315T101500_cis_prep.nc": SynthConfig(
        lines=64,
        samples=80,
        seed=11,
        ice_service="cis",
        time=datetime(2019, 3, 15, 10, 15, tzinfo=timezone.utc),
    ),
    # A test-style scene: labels in the separate _prep_reference.nc.
    "20210430T205436_dmi_prep.nc": SynthConfig(
        lines=96,
        samples=64,
        seed=12,
        ice_service="dmi",
        reference_split=True,
        time=datetime(2021, 4, 30, 20, 54, 36, tzinfo=timezone.utc),
    ),
}


def write_fixtures(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [synthesize(folder / name, config, overwrite=True) for name, config in FIXTURES.items()]


if __name__ == "__main__":
    for path in write_fixtures(SCENES):
        print(f"wrote {path}")
