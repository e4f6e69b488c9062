"""Shared fixtures of the robustness suite: a bundle, a finished run, the CLI cases' results."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import pytest

from repo_paths import REPO_ROOT

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def small_run(tmp_path_factory: pytest.TempPathFactory, random_bundle: Path) -> Path:
    """A finished run folder of the committed 64 × 80 scene, predicted with random weights."""
    from robust_cases import GOOD_SCENE

    from core.predict.params import PredictParams
    from core.predict.run import run_prediction

    out = tmp_path_factory.mktemp("small_run")
    params = PredictParams(weights=random_bundle, device="cpu", sar_layers=False)
    return run_prediction(GOOD_SCENE, out, params).folder


def run_python(args: list[str], env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    full = {**os.environ, "PYTHONPATH": str(REPO_ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, *args], cwd=REPO_ROOT, env=full, capture_output=True, text=True, **kwargs
    )


@pytest.fixture(scope="session")
def cli_results(tmp_path_factory: pytest.TempPathFactory, random_bundle: Path, small_run: Path):
    """Every generated CLI case, run through the real ``core.cli.main`` in one subprocess."""
    import robust_cases as rc

    root = tmp_path_factory.mktemp("cli_cases")
    out = root / "out"
    cases = [
        *rc.scene_cases(root / "scenes", out, random_bundle),
        *rc.manifest_cases(root / "bundles", out, random_bundle),
        *rc.option_cases(root / "options", out, random_bundle, small_run),
        *rc.run_folder_cases(root / "runs", small_run),
        *rc.chart_cases(root / "charts", small_run),
        *rc.training_cases(root / "training", random_bundle),
    ]
    spec = root / "cases.json"
    spec.write_text(json.dumps([asdict(c) for c in cases], default=str), encoding="utf-8")
    done = run_python([str(HERE / "cli_driver.py"), str(spec), str(root / "results.json")])
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((root / "results.json").read_text(encoding="utf-8"))
    return {case.id: (case, result) for case, result in zip(cases, results)}, done.stderr
