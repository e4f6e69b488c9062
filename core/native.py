"""Native libraries the process already shares with everything it loads, and the Python wheels
whose own copies of those libraries would clash with them.

On Linux an extension module's C symbols resolve first in the process's global scope: the
executable and the libraries it was linked with. A QGIS executable (the desktop application,
``qgis_process``) is linked with the system's GDAL, GEOS, netCDF and HDF5, so a pip wheel that
bundles its own copies ends up calling a mix of both. Where the two versions differ in ABI the
process crashes: the netCDF4 wheel (HDF5 1.14) segfaults on import in Debian's QGIS (HDF5
1.10), and the shapely wheel's GEOS 3.12+ functions crash when handed the system GEOS 3.11's
context. A plain Python that imports ``qgis`` loads it privately and is not affected; neither
are Windows and macOS, whose loaders bind each library to its own dependencies.
"""

from __future__ import annotations

import ctypes
import importlib.util
import sys
from pathlib import Path


def exposes(symbol: str) -> bool:
    """Whether ``symbol`` resolves in the global scope, where every later library looks first."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        return hasattr(ctypes.CDLL(None), symbol)
    except OSError:  # no handle on the running program: nothing to interpose either
        return False


def bundled_libraries(module: str) -> Path | None:
    """The folder of shared libraries a manylinux wheel of ``module`` brought (auditwheel puts
    it beside the package as ``<name>.libs``), found without importing the module."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    site = Path(next(iter(spec.submodule_search_locations))).parent
    for name in (f"{module}.libs", f"{module.lower()}.libs"):
        if (site / name).is_dir():
            return site / name
    return None


def netcdf_clash() -> str | None:
    """Why importing netCDF4 would crash this process, or None when it is safe."""
    libs = bundled_libraries("netCDF4")
    if libs is None or not (exposes("H5open") or exposes("nc_open")):
        return None
    return (
        f"netCDF4 in {libs.parent} is a pip wheel with its own HDF5 and netCDF libraries, and "
        "this program already uses the system's: importing it would crash QGIS. Replace it with "
        "a netCDF4 built against the system libraries, then restart QGIS: uninstall it "
        "(python3 -m pip uninstall netCDF4) and install the distribution's package "
        "(Debian/Ubuntu: sudo apt install python3-netcdf4), or build it "
        "(sudo apt install libnetcdf-dev libhdf5-dev; python3 -m pip install --user "
        '--no-binary netCDF4 "netCDF4==1.6.5").'
    )


def coverage_simplify_is_safe() -> bool:
    """Whether ``shapely.coverage_simplify`` (GEOS ≥ 3.12) can run here.

    Where the global scope holds an older GEOS, shapely's calls go to it except for the
    functions it lacks, which come from the wheel's own GEOS and crash on the other's context.
    """
    if exposes("GEOSversion") and not exposes("GEOSCoverageSimplifyVW_r"):
        return False
    import shapely

    return bool(shapely.geos_version >= (3, 12, 0))


def mixed_libraries() -> list[str]:
    """Wheels whose bundled library is shadowed by the program's own: they run on the system
    version (working for what this project calls, as tested in QGIS); for a bug report."""
    checks = {"rasterio": ("GDAL", "GDALOpenEx"), "pyogrio": ("GDAL", "GDALOpenEx"),
              "shapely": ("GEOS", "GEOSversion"), "netCDF4": ("netCDF", "nc_open")}  # fmt: skip
    return [
        f"{module} (wheel, {libs.name}) runs on this program's own {library}"
        for module, (library, symbol) in checks.items()
        if (libs := bundled_libraries(module)) is not None and exposes(symbol)
    ]
