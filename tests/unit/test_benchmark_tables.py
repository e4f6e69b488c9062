"""benchmarks/tables.py renders every benchmark's JSON result, every figure in it.

Results are written with ``results.write_result`` (machine, versions, commit, as the scripts
do) from payloads shaped like each script's, with figures unlikely to occur by chance; a table
that dropped or misplaced one would fail here. Two cheap benchmarks also run at a tiny size.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from repo_paths import REPO_ROOT

BENCHMARKS = REPO_ROOT / "benchmarks"


def _load(name: str) -> ModuleType:
    """A benchmarks/ module by its path (``tables`` is also PyTables' name)."""
    spec = importlib.util.spec_from_file_location(f"benchmarks_{name}", BENCHMARKS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tables = _load("tables")
results = _load("results")
summary, write_result = results.summary, results.write_result

PAYLOADS: dict[str, dict] = {
    "eggcode": {
        "polygons": 100000,
        "runs": 3,
        "seconds": summary([0.417, 0.409, 0.452]),
        "undecodable": 37,
        "target_s": 1.0,
    },
    "scene": {
        "size": "5000x5200",
        "runs": 3,
        "file_mb": 412.3,
        "generate": {"seconds": 17.61, "peak_rss_mb": 893.0},
        "read": {
            "strided_seconds": summary([1.34, 1.29, 1.52]),
            "full_each_seconds": summary([2.71, 2.66, 2.93]),
            "peak_rss_mb": summary([503.0, 499.0, 505.0]),
        },
    },
    "draft": {
        "run": "20210630T130226_cis",
        "size": "5000x5200",
        "min_area_km2": 100.0,
        "polygons": 123,
        "total_s": 1.83,
        "stages": {"reading": 0.41, "segmenting": 0.27, "writing": 0.36},
        "agreement_percent": {"SIC": 91.2, "SOD": 88.4, "FLOE": 86.7},
        "target_s": 10.0,
    },
    "safe": {
        "input": "folder",
        "image_40m": [10708, 10487],
        "shape_80m": [5354, 5243],
        "valid_share": 0.93,
        "build_s": 62.0,
        "reused": False,
        "runs": 3,
        "open_s": summary([0.21, 0.19, 0.23]),
        "sar_s": summary([4.11, 4.02, 4.37]),
        "wall_s": summary([5.51, 5.47, 6.38]),
        "cpu_s": summary([2.24, 2.2, 2.8]),
        "peak_rss_mb": summary([516.0, 514.0, 519.0]),
        "targets": {"wall_s": 6.0, "peak_rss_mb": 1024},
    },
    "engine": {
        "size": "400x460",
        "device": "cpu",
        "runs": 3,
        "think_s": 8.0,
        "in_process_warm_s": summary([0.88, 0.84, 0.97]),
        "in_process_cold_s": summary([3.14]),
        "in_process_peak_rss_mb": 321.0,
        "engine_standby_s": summary([1.17, 1.12, 1.31]),
        "engine_cold_s": summary([3.63, 3.58, 3.79]),
        "overhead_s": {"standby": 0.29, "cold": 2.75},
        "target_overhead_s": 1.5,
    },
    "train": {
        "preset": "cpu-tiny",
        "device": "CPU (cpu, float32)",
        "batch_size": 8,
        "patch_size": 64,
        "channels": 16,
        "scenes": 8,
        "size": "1200x1240",
        "steps": 200,
        "iterations_per_s": 5.83,
        "data_share": 0.029,
        "gpu_memory_gib": None,
        "validation_s_per_epoch": 4.56,
        "iterations": 600,
        "validations": 12,
        "projected_min": 2.67,
    },
}


def _kind(work: list[float], cpu: float, fixed: tuple[float, float], rss: float) -> dict:
    return {
        "work_s": summary(work),
        "cpu_s": summary([cpu]),
        "import_s": summary([fixed[0]]),
        "load_s": summary([fixed[1]]),
        "wall_s": summary([sum(work)]),
        "peak_rss_mb": summary([rss]),
    }


PAYLOADS["predict"] = {
    "size": "5000x5200",
    "device": "cpu",
    "runs": 3,
    "layouts": {
        "500x500": {
            "floor_whole": _kind([0.99, 0.98, 1.2], 0.98, (1.02, 0.0), 597.0),
            "floor_strided": _kind([0.84, 0.83, 0.85], 0.84, (1.01, 0.0), 305.0),
            "scoring": _kind([0.97, 0.93, 1.08], 1.21, (0.19, 1.41), 811.0),
            "scoring_alone": _kind([1.33, 1.29, 1.37], 1.69, (0.18, 0.99), 707.0),
            "reference": _kind([14.1, 12.3, 19.8], 24.1, (1.05, 0.31), 5961.0),
            "floor": "floor_strided",
            "ratios": {
                "scoring_over_floor": 1.155,
                "scoring_alone_over_floor": 1.583,
                "reference_over_scoring": 14.54,
                "reference_over_scoring_alone": 10.6,
                "scoring_alone_over_floor_cpu": 2.012,
                "reference_over_scoring_alone_cpu": 14.26,
                "scoring_over_floor_cpu": 1.547,
                "reference_over_scoring_cpu": 19.91,
            },
        }
    },
}
PAYLOADS["safe_zip"] = {
    **PAYLOADS["safe"],
    "input": "zip",
    "wall_s": summary([11.72, 11.7, 15.04]),
    "reused": True,
}

# What each table must show: the figures of its payload as rendered.
FIGURES: dict[str, list[str]] = {
    "eggcode": ["100000", "0.417 s (0.409 to 0.452, n = 3)", "37 undecodable", "< 1 s"],
    "scene": [
        "5000x5200",
        "412 MB",
        "17.61 s",
        "893 MB",
        "1.34 s (1.29 to 1.52, n = 3)",
        "503 MB",
        "2.71 s (2.66 to 2.93, n = 3)",
    ],
    "draft": [
        "123 polygons",
        "1.83 s",
        "≤ 10 s",
        "100 km²",
        "reading 0.41 s",
        "segmenting 0.27 s",
        "writing 0.36 s",
        "SIC 91.2 %",
        "SOD 88.4 %",
        "FLOE 86.7 %",
    ],
    "safe": [
        "10708 × 10487",
        "5354 × 5243",
        "built in 62 s",
        "the folder",
        "0.21 s (0.19 to 0.23, n = 3)",
        "4.11 s (4.02 to 4.37, n = 3)",
        "5.51 s (5.47 to 6.38, n = 3)",
        "2.24 s",
        "516 MB",
        "≤ 6 s",
    ],
    "predict": [
        "5000x5200",
        "3 fresh processes",
        "14.10 s (12.30 to 19.80, n = 3)",
        "0.97 s (0.93 to 1.08, n = 3)",
        "1.33 s (1.29 to 1.37, n = 3)",
        "0.84 s (0.83 to 0.85, n = 3)",
        "1.60 s",  # the scoring form's fixed costs: imports and weights, reading process started
        "811 MB",
        "5961 MB",
        "14.5×",
        "10.6×",
        "14.3×",
        "1.16×",
        "1.58×",
        "2.01×",
        "1.55×",
        "19.9×",
    ],
    "safe_zip": ["the zip", "11.72 s (11.70 to 15.04, n = 3)", "kept from an earlier run"],
    "engine": [
        "400x460",
        "8 s before",
        "0.88 s (0.84 to 0.97, n = 3)",
        "3.14 s",
        "1.17 s (1.12 to 1.31, n = 3)",
        "+0.29 s",
        "3.63 s (3.58 to 3.79, n = 3)",
        "+2.75 s",
        "≤ 1.5 s",
    ],
    "train": [
        "`cpu-tiny`",
        "batch 8, patch 64",
        "200 steps",
        "8 synthetic scenes of 1200x1240",
        "5.83 (47 patches/s)",
        "2.9 %",
        "4.56 s",
        "600 iterations and 12 validations",
        "2.7 min",
    ],
}


def _section(markdown: str, title: str) -> str:
    """The text under ``### title``, up to the next section."""
    return markdown.split(f"### {title}\n", 1)[1].split("\n### ", 1)[0]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("results")
    for name, payload in PAYLOADS.items():
        write_result(folder, name, payload)
    return tables.render(folder)


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_each_result_has_its_table_with_every_figure(rendered: str, name: str) -> None:
    title = tables.RENDERERS[name][0]
    section = _section(rendered, title)
    missing = [figure for figure in FIGURES[name] if figure not in section]
    assert not missing, f"{name}: {missing} not in\n{section}"
    assert f"*{name}.json, " in section  # the provenance line: machine, versions, commit
    assert "|---|" in section


def test_a_table_appears_only_for_the_results_present(tmp_path: Path) -> None:
    write_result(tmp_path, "eggcode", PAYLOADS["eggcode"])
    markdown = tables.render(tmp_path)
    assert markdown.startswith(f"### {tables.RENDERERS['eggcode'][0]}\n")
    assert markdown.count("### ") == 1


def test_a_training_result_from_gpu_check_renders_without_the_newer_fields(
    tmp_path: Path,
) -> None:
    old = {k: v for k, v in PAYLOADS["train"].items() if k not in ("scenes", "size", "validations")}
    old["gpu_memory_gib"] = 41.25
    write_result(tmp_path, "train", old)
    section = tables.render(tmp_path)
    assert "41.25 GiB" in section and "5.83" in section and "600 iterations |" in section


def test_cheap_benchmarks_write_results_the_tables_render(tmp_path: Path) -> None:
    """bench_eggcode and bench_scene at a tiny size, then tables.py from the command line."""
    for command in (
        ["bench_eggcode.py", str(tmp_path), "--polygons", "2000", "--runs", "2"],
        ["bench_scene.py", str(tmp_path), "--size", "120x130", "--runs", "2"],
    ):
        subprocess.run([sys.executable, str(BENCHMARKS / command[0]), *command[1:]], check=True)
    out = subprocess.run(
        [sys.executable, str(BENCHMARKS / "tables.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "2000 chart polygons" in _section(out, tables.RENDERERS["eggcode"][0])
    scene = _section(out, tables.RENDERERS["scene"][0])
    assert "Synthetic scene 120x130" in scene and "read 2 times" in scene
    assert "n = 2" in scene
