"""Clashes between wheels' bundled libraries and the ones a program already shares.

A QGIS executable is linked with the system's GEOS, netCDF and HDF5. These tests recreate that
without QGIS: a fresh Python loads the system library with RTLD_GLOBAL before anything else,
which puts its symbols in the global scope exactly as linking the executable with it does.
"""

from __future__ import annotations

import ctypes.util
import importlib
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from core.native import bundled_libraries, exposes
from repo_paths import PLUGIN_PACKAGE, REPO_ROOT


def _python(code: str, *system_libraries: str, path: Path | None = None):
    """Run ``code`` in a fresh Python whose global scope first holds ``system_libraries``."""
    found = [ctypes.util.find_library(name) for name in system_libraries]
    if None in found:
        pytest.skip(f"needs the system libraries {system_libraries} (Debian: QGIS depends on them)")
    prelude = "import ctypes, sys\n" + "".join(
        f"ctypes.CDLL({name!r}, mode=ctypes.RTLD_GLOBAL)\n" for name in found
    )
    if path is not None:
        prelude += f"sys.path.insert(0, {str(path)!r})\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_plain_python_shares_no_geospatial_library():
    assert exposes("malloc")  # the C library is always shared: the probe itself works
    done = _python("from core.native import exposes; print(exposes('nc_open'), exposes('H5open'))")
    assert done.stdout.split() == ["False", "False"], done.stderr


def test_a_library_loaded_globally_is_seen():
    done = _python("from core.native import exposes; print(exposes('nc_open'))", "netcdf")
    assert done.stdout.split() == ["True"], done.stderr


def _fake_site(tmp_path: Path, module: str, libs_folder: str | None) -> Path:
    """A site folder holding a package ``module`` laid out as pip installs one."""
    (tmp_path / module).mkdir()
    (tmp_path / module / "__init__.py").write_text("raise SystemExit('must not be imported')\n")
    if libs_folder:
        (tmp_path / libs_folder).mkdir()
    return tmp_path


def _clash_message(plugins_folder: Path, *system_libraries: str, site: Path | None = None):
    """The plugin's verdict, imported as QGIS imports it, in a Python sharing those libraries."""
    code = f"""
        sys.path.append({str(plugins_folder)!r})
        from {PLUGIN_PACKAGE}.plugin.deps import clash_message
        print(clash_message())
    """
    return _python(code, *system_libraries, path=site)


@pytest.mark.parametrize("libs_folder", ["netCDF4.libs", "netcdf4.libs"])
def test_a_netcdf4_wheel_beside_the_system_netcdf_is_refused_before_import(
    tmp_path, libs_folder, plugins_folder
):
    site = _fake_site(tmp_path, "netCDF4", libs_folder)
    clashing = _clash_message(plugins_folder, "hdf5_serial", "netcdf", site=site)
    assert clashing.returncode == 0, clashing.stderr  # found without importing the package
    message = clashing.stdout
    assert f"netCDF4 in {site} is a pip wheel" in message and "crashes the program" in message
    assert "pip uninstall -y netCDF4" in message and "sudo apt install libnetcdf-dev" in message
    assert '--no-binary netCDF4 "numpy<2" "netCDF4==1.6.5"' in message
    alone = _clash_message(plugins_folder, site=site)  # a plain Python: the wheel loads privately
    assert alone.stdout.strip() == "None", alone.stderr


def test_a_shapely_wheel_beside_an_older_system_geos_is_refused(tmp_path, plugins_folder):
    geos = ctypes.util.find_library("geos_c")
    if geos and hasattr(ctypes.CDLL(geos), "GEOSCoverageSimplifyVW_r"):
        pytest.skip("the system GEOS is 3.12 or newer, which shapely wheels run on")
    site = _fake_site(tmp_path, "shapely", "shapely.libs")
    clashing = _clash_message(plugins_folder, "geos_c", site=site)
    assert clashing.returncode == 0, clashing.stderr
    message = clashing.stdout
    assert f"shapely in {site} is a pip wheel" in message and "system's GEOS 3." in message
    assert '"shapely==2.2.0"' in message and "libgeos-dev" in message
    assert _clash_message(plugins_folder, site=site).stdout.strip() == "None"


def test_a_package_built_against_the_system_is_accepted(tmp_path, plugins_folder):
    site = _fake_site(tmp_path, "netCDF4", None)
    done = _clash_message(plugins_folder, "netcdf", "geos_c", site=site)
    assert done.stdout.strip() == "None", done.stderr


def test_this_projects_packages_are_safe_inside_qgis(plugins_folder):
    """make setup builds these against the system's libraries, so QGIS can use them."""
    for module in ("netCDF4", "shapely", "rasterio", "pyogrio"):
        assert bundled_libraries(module) is None, module
    assert _clash_message(plugins_folder, "gdal", "netcdf").stdout.strip() == "None"


def test_source_build_pins_follow_requirements(plugins_folder, monkeypatch):
    monkeypatch.syspath_prepend(str(plugins_folder))
    SOURCE_BUILDS = importlib.import_module(f"{PLUGIN_PACKAGE}.plugin.deps").SOURCE_BUILDS  # noqa: N806

    pins = (REPO_ROOT / "requirements.txt").read_text().split()
    for _packages, pin in SOURCE_BUILDS.values():
        assert pin in pins
