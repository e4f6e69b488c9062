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
import re
import sys
from dataclasses import dataclass
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


def shared_geos_version() -> tuple[int, ...] | None:
    """The version of the GEOS in the global scope, or None when there is none."""
    if not exposes("GEOSversion"):
        return None
    version = ctypes.CDLL(None).GEOSversion
    version.restype = ctypes.c_char_p
    text = version().decode()  # "3.11.1-CAPI-1.17.1"
    return tuple(int(part) for part in re.findall(r"\d+", text.split("-")[0])[:3])


@dataclass(frozen=True)
class Clash:
    module: str
    libs: Path  # the wheel's own libraries
    system: str  # what the program shares instead
    effect: str


def clashing_system_library(module: str) -> str | None:
    """The shared library a wheel of ``module`` (netCDF4 or shapely) would clash with here,
    e.g. "GEOS 3.11.1", or None. A build against the system's libraries is what fits."""
    if module == "netCDF4" and (exposes("nc_open") or exposes("H5open")):
        return "netCDF and HDF5"
    geos = shared_geos_version()
    if module == "shapely" and geos is not None and geos < (3, 12):
        return f"GEOS {'.'.join(map(str, geos))}"
    return None


EFFECTS = {
    "netCDF4": "importing it crashes the program (a segmentation fault, no error message)",
    "shapely": "its calls end up in that GEOS and give wrong or empty polygons, errors or crashes",
}


def library_clashes() -> list[Clash]:
    """Wheels that would break this process through the libraries it already shares.

    GDAL wheels (rasterio, pyogrio) are left out: they run on a shared older GDAL, and every
    test of this project passes that way (see ``mixed_libraries``).
    """
    clashes = []
    for module, effect in EFFECTS.items():
        libs, system = bundled_libraries(module), clashing_system_library(module)
        if libs is not None and system is not None:
            clashes.append(Clash(module, libs, system, effect))
    return clashes


def coverage_simplify_is_safe() -> bool:
    """Whether ``shapely.coverage_simplify`` (GEOS ≥ 3.12) can run here: where an older GEOS
    is shared, shapely's calls go to it, and this function would crash on its context."""
    geos = shared_geos_version()
    if geos is not None and geos < (3, 12):
        return False
    import shapely

    return bool(shapely.geos_version >= (3, 12, 0))


def mixed_libraries() -> list[str]:
    """Every wheel whose bundled library is shadowed by the program's own, for a bug report.
    (The unit tests pass with the rasterio and pyogrio wheels on Debian's shared GDAL.)"""
    checks = {
        "rasterio": ("GDAL", "GDALOpenEx"),
        "pyogrio": ("GDAL", "GDALOpenEx"),
        "shapely": ("GEOS", "GEOSversion"),
        "netCDF4": ("netCDF", "nc_open"),
    }
    return [
        f"{module} (wheel, {libs.name}) runs on this program's own {library}"
        for module, (library, symbol) in checks.items()
        if (libs := bundled_libraries(module)) is not None and exposes(symbol)
    ]
