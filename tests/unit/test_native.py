"""Clashes between wheels' bundled libraries and the ones a program already shares.

A QGIS executable is linked with the system's GEOS, netCDF and HDF5. These tests recreate that
without QGIS: a fresh Python loads the system library with RTLD_GLOBAL before anything else,
which puts its symbols in the global scope exactly as linking the executable with it does.
"""

from __future__ import annotations

import ctypes.util
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from core.native import bundled_libraries, exposes, netcdf_clash
from repo_paths import REPO_ROOT


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
    return subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)  # fmt: skip


def test_a_plain_python_shares_no_geospatial_library():
    assert exposes("malloc")  # the C library is always shared: the probe itself works
    done = _python("from core.native import exposes; print(exposes('nc_open'), exposes('H5open'))")
    assert done.stdout.split() == ["False", "False"], done.stderr


def test_a_library_loaded_globally_is_seen():
    done = _python("from core.native import exposes; print(exposes('nc_open'))", "netcdf")
    assert done.stdout.split() == ["True"], done.stderr


def _fake_site(tmp_path: Path, libs_folder: str | None) -> Path:
    """A site folder holding a package ``netCDF4`` laid out as pip installs one."""
    (tmp_path / "netCDF4").mkdir()
    (tmp_path / "netCDF4" / "__init__.py").write_text("raise SystemExit('must not be imported')\n")
    if libs_folder:
        (tmp_path / libs_folder).mkdir()
    return tmp_path


@pytest.mark.parametrize("libs_folder", ["netCDF4.libs", "netcdf4.libs"])
def test_a_netcdf4_wheel_beside_the_system_netcdf_is_refused_before_import(tmp_path, libs_folder):
    site = _fake_site(tmp_path, libs_folder)
    code = "from core.native import netcdf_clash; print(netcdf_clash())"
    clashing = _python(code, "hdf5_serial", "netcdf", path=site)
    assert clashing.returncode == 0, clashing.stderr  # found without importing the package
    assert "pip wheel with its own HDF5" in clashing.stdout
    assert str(site) in clashing.stdout and "apt install python3-netcdf4" in clashing.stdout
    alone = _python(code, path=site)  # a plain Python loads the wheel's libraries privately
    assert alone.stdout.strip() == "None", alone.stderr


def test_a_netcdf4_built_against_the_system_is_accepted(tmp_path):
    site = _fake_site(tmp_path, None)
    done = _python("from core.native import netcdf_clash; print(netcdf_clash())", "netcdf",
                   path=site)  # fmt: skip
    assert done.stdout.strip() == "None", done.stderr


def test_the_installed_netcdf4_is_safe_in_this_project():
    """make setup builds netCDF4 against the system's libraries, so QGIS can import it."""
    assert bundled_libraries("netCDF4") is None
    assert netcdf_clash() is None


def test_draft_keeps_cell_edges_instead_of_crashing_on_an_older_shared_geos(bundled_run, tmp_path):
    """shapely's coverage_simplify segfaults where an older GEOS is shared (Debian's QGIS)."""
    geos = ctypes.util.find_library("geos_c")
    if geos and hasattr(ctypes.CDLL(geos), "GEOSCoverageSimplifyVW_r"):
        pytest.skip("the system GEOS is 3.12 or newer: nothing to fall back from")
    out = tmp_path / "draft.gpkg"
    code = f"""
        import json
        from core.native import coverage_simplify_is_safe
        from core.draft.make import draft_chart
        from core.draft.params import DraftParams
        result = draft_chart({str(bundled_run)!r}, {str(out)!r}, DraftParams(min_area_km2=0))
        print(json.dumps([coverage_simplify_is_safe(), result.warnings, result.agreement]))
    """
    done = _python(code, "geos_c")
    assert done.returncode == 0, done.stderr[-2000:]
    safe, warnings, agreement = json.loads(done.stdout.splitlines()[-1])
    assert not safe
    assert len(warnings) == 1 and "unsmoothed" in warnings[0] and "GEOS 3.12" in warnings[0]
    assert agreement == {"SIC": 100.0, "SOD": 100.0, "FLOE": 100.0}  # cell edges are exact
