"""benchmarks/gpu_check.sh on a machine without a GPU: a clear message and its own exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from repo_paths import REPO_ROOT

NO_GPU = 3


def test_without_a_gpu_it_says_so_and_exits_with_its_own_code(tmp_path: Path) -> None:
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": "", "PYTHON": sys.executable}
    out = subprocess.run(
        ["bash", str(REPO_ROOT / "benchmarks" / "gpu_check.sh"), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == NO_GPU, out.stderr
    assert "No GPU found" in out.stderr
    result = json.loads((tmp_path / "out" / "gpu_check.json").read_text("utf-8"))
    assert result["status"] == "no-gpu"
    assert "No GPU found" in result["message"]
    assert result["machine"]["cores"] == os.cpu_count()


def test_without_an_output_folder_it_prints_its_usage() -> None:
    out = subprocess.run(
        ["bash", str(REPO_ROOT / "benchmarks" / "gpu_check.sh")], capture_output=True, text=True
    )
    assert out.returncode == 2
    assert "usage" in out.stderr
