"""The engine, asked from a QGIS test as the plugin asks it: in a separate process.

QGIS's Python (``.venv-qgis``) has none of the engine's packages (numpy 2, torch, rasterio,
netCDF4, shapely...), so tests that need a scene, a run folder or a computation of ``core``
run ``$SEA_ICE_MAPPER_ENGINE_PYTHON`` and read back what it wrote or printed.
"""

from __future__ import annotations

import json
import os
import subprocess  # nosec B404
import sys
from pathlib import Path
from typing import Any

from repo_paths import REPO_ROOT

ENGINE_PYTHON_ENV = "SEA_ICE_MAPPER_ENGINE_PYTHON"
os.environ.setdefault(ENGINE_PYTHON_ENV, sys.executable)
ENGINE_PYTHON = os.environ[ENGINE_PYTHON_ENV]
TIMEOUT_S = 900


def _run(argv: list[str]) -> subprocess.CompletedProcess:
    done = subprocess.run(  # nosec B603
        [ENGINE_PYTHON, *argv],
        cwd=REPO_ROOT,  # `-m core` and `import core` find the engine in the checkout
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(
            f"engine {argv[:4]} exited with {done.returncode}:\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return done


def run_engine(*args: str | Path) -> list[dict[str, Any]]:
    """``python -m core --json ARGS``: its events, in order (fails the test unless it exits 0)."""
    done = _run(["-m", "core", "--json", *map(str, args)])
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def engine_result(*args: str | Path) -> dict[str, Any]:
    """The ``result`` event's payload of ``python -m core --json ARGS``."""
    [result] = [e["result"] for e in run_engine(*args) if e["event"] == "result"]
    return result


def engine_eval(code: str, *args: str | Path) -> Any:
    """Run ``code`` in the engine's Python (``core`` importable, ARGS in ``sys.argv[1:]``); it
    prints one JSON value, returned here."""
    return json.loads(_run(["-c", code, *map(str, args)]).stdout)


def synth_scene(folder: Path, size: str, seed: int, *options: str) -> Path:
    """A labelled synthetic scene written by ``python -m core synth`` into ``folder``."""
    result = engine_result("synth", folder, "--size", size, "--seed", str(seed), *options)
    return Path(result["path"])


def predict(scene: Path, out: Path, *options: str) -> Path:
    """The run folder of ``scene`` predicted by ``python -m core predict``."""
    result = engine_result("predict", scene, "--out", out, *options)
    [run] = result["runs"]
    return Path(run["folder"])
