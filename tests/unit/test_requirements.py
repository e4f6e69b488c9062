"""The requirements table (core/requirements.py) against what core/ imports, requirements.txt,
docs/install.md and a real Python's installed packages."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys

from core.requirements import REQUIREMENTS, check, problems, requirements_hash, version_tuple
from repo_paths import REPO_ROOT

TABLE = {r.module: r for r in REQUIREMENTS}


def third_party_imports() -> dict[str, set[str]]:
    """Third-party top-level names that core/ imports (not stdlib, not core) → the files."""
    found: dict[str, set[str]] = {}
    for path in sorted((REPO_ROOT / "core").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in {"core", "__future__"}:
                    found.setdefault(top, set()).add(str(path.relative_to(REPO_ROOT)))
    return found


def test_every_package_core_imports_is_in_the_table_and_nothing_more():
    imported = third_party_imports()
    assert "numpy" in imported and "pandas" in imported  # the scan sees real imports
    lacking = {name: files for name, files in imported.items() if name not in TABLE}
    assert not lacking, f"core/ imports packages missing from core/requirements.py: {lacking}"
    unused = sorted(set(TABLE) - set(imported))
    assert not unused, f"core/requirements.py lists packages core/ never imports: {unused}"


def test_requirements_txt_is_the_table():
    lines = [
        line.split("#")[0].strip()
        for line in (REPO_ROOT / "requirements.txt").read_text().splitlines()
    ]
    assert [line for line in lines if line] == [r.pip_spec for r in REQUIREMENTS]


def test_the_install_doc_lists_each_package_with_its_minimum():
    text = (REPO_ROOT / "docs" / "install.md").read_text(encoding="utf-8")
    for r in REQUIREMENTS:
        assert re.search(rf"\| {re.escape(r.package)} \| {re.escape(r.minimum)} \|", text), r


def test_each_pin_in_constraints_meets_the_tables_minimum():
    pins = dict(
        line.split("==", 1)
        for line in (REPO_ROOT / "constraints.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    )
    for r in REQUIREMENTS:
        assert version_tuple(pins[r.package]) >= version_tuple(r.minimum), r.package


def test_versions_compare_by_their_release_numbers():
    assert version_tuple("2.13.0+cpu") == (2, 13, 0)
    assert version_tuple("1.7.5.1.post1") > version_tuple("1.6.5")
    assert version_tuple("1.10") > version_tuple("1.9")  # not a string comparison


def test_this_environment_is_complete():
    found = check()
    assert problems(found) == []
    assert {item.requirement.package for item in found if item.version} >= {"torch", "numpy"}


def _check_in(*python_options: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *python_options, "-m", "core.requirements"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_check_reports_an_engine_python_as_json():
    done = _check_in()
    report = json.loads(done.stdout)
    assert done.returncode == 0, report
    assert report["requirements_hash"] == requirements_hash()
    assert report["found"]["numpy"].startswith("2.")


def test_the_check_names_what_is_missing_in_a_bare_python():
    done = _check_in("-S")  # no site-packages: nothing of the table is installed
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert "torch is not installed (needs torch>=2.2)" in report["problems"]
    assert not any("matplotlib" in line for line in report["problems"])  # optional


def test_the_table_imports_nothing_heavy():
    heavy = {r.module for r in REQUIREMENTS}
    code = f"import sys, core.requirements; print(sorted(set(sys.modules) & {heavy!r}))"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == "[]", done.stderr
