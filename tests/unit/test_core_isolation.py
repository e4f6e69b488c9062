"""core/ is plain Python: importing all of it, under any package name, loads no QGIS or Qt."""

import json
import subprocess
import sys

from repo_paths import PLUGIN_PACKAGE, REPO_ROOT

PROBE = """
import importlib, json, pkgutil, sys
prefix = sys.argv[1]
sys.path.insert(0, sys.argv[2])
package = importlib.import_module(prefix + "core")
names = [prefix + "core"]
for info in pkgutil.walk_packages(package.__path__, prefix + "core."):
    importlib.import_module(info.name)
    names.append(info.name)
banned = {"qgis", "PyQt5", "PyQt6", "PySide2", "PySide6"}
gui = sorted(m for m in sys.modules if m.split(".")[0] in banned)
print(json.dumps({"imported": names, "gui": gui}))
"""


def import_all_of_core(prefix: str, path: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, prefix, path],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def core_module_count() -> int:
    return len(list((REPO_ROOT / "core").rglob("*.py")))


def test_core_imports_without_qgis_or_qt_as_top_level_package():
    report = import_all_of_core("", str(REPO_ROOT))
    assert len(report["imported"]) == core_module_count()
    assert report["gui"] == []


def test_core_works_inside_the_plugin_package_under_another_name(plugins_folder):
    report = import_all_of_core(f"{PLUGIN_PACKAGE}.", str(plugins_folder))
    assert all(name.startswith(f"{PLUGIN_PACKAGE}.core") for name in report["imported"])
    assert len(report["imported"]) == core_module_count()
    assert report["gui"] == []


def test_ruff_config_bans_qgis_in_core():
    # --stdin-filename makes ruff apply the configuration of that (non-existent) file's folder.
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--no-cache",
            "--select",
            "TID251",
            "--output-format",
            "concise",
            "--stdin-filename",
            "core/probe.py",
            "-",
        ],
        input="import qgis.core\nimport PyQt5\n",
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO_ROOT,
        timeout=60,
    )
    assert result.returncode == 1
    assert "core/ must not import QGIS" in result.stdout
    assert "core/ must not import Qt" in result.stdout
