"""Lazy, validating reader of AI4Arctic ready-to-train scenes.

Opening checks the file (is it netCDF, complete, with the variables, dimensions and dtypes of
the format) and reads nothing large; variables are read on request, whole, strided (every n-th
pixel) or by window, so a full 5000 × 5200 scene is usable in a few hundred MB.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import netCDF4
import numpy as np

from ..errors import SceneError, SceneFormatError, SceneNotFoundError
from .geolocation import tie_grid_problem
from .names import SceneId, parse_scene_id, reference_path
from .schema import (
    CHART_CLASS_VALUES,
    CHART_FILL,
    CHART_VARIABLES,
    COARSE_DIMS,
    COARSE_FACTOR,
    COARSE_VARIABLES,
    DIMS,
    INPUT_VARIABLES,
    LATLON_VARIABLES,
    PIXEL_SPACING_M,
    SAR_DIMS,
    SAR_FILL_FALLBACK,
    SAR_VARIABLES,
)

NETCDF_MAGIC = (b"CDF\x01", b"CDF\x02", b"CDF\x05", b"\x89HDF\r\n\x1a\n")
DEFAULT_REQUIRED = INPUT_VARIABLES + LATLON_VARIABLES
READ_BLOCK_ROWS = 500  # rows per block of a strided read: ~10 MB of float32 for a full scene
# Per-variable HDF5 chunk cache: one 500 × 500 float32 chunk. Reads here are whole variables
# or bands of whole chunk rows (scene/bands.py), which decompress each chunk once without a
# cache: 16 MB (one band) read no faster and kept 45 MB more per process, netCDF's default
# (64 MB per variable) 390 MB more.
CHUNK_CACHE_BYTES = 1 << 20
# An EW scene is about 5000 × 5300 pixels at 80 m, IW smaller: 20000 leaves room for mosaics
# and refuses a small corrupt file that declares 200000² pixels before anything is allocated.
MAX_SCENE_PIXELS = 20000
Window = tuple[slice, slice]


@dataclass(frozen=True)
class SceneInfo:
    path: Path
    scene_id: SceneId
    shape: tuple[int, int]  # (sar_lines, sar_samples) at 80 m
    coarse_shape: tuple[int, int]  # (2km_grid_lines, 2km_grid_samples)
    original_id: str
    charts_in: Path | None  # the file holding SIC/SOD/FLOE, if any

    @property
    def time(self) -> datetime:
        return self.scene_id.time

    @property
    def ice_service(self) -> str:
        return self.scene_id.ice_service

    def describe(self) -> str:
        lines, samples = self.shape
        return (
            f"{self.scene_id.name}: {self.time:%Y-%m-%d %H:%M} UTC, {self.ice_service.upper()}, "
            f"{lines} × {samples} pixels at 80 m, "
            f"{'with' if self.charts_in else 'without'} ice-chart labels"
        )


class Scene:
    """An open scene. Use ``with open_scene(path) as scene:``; arrays come back as numpy."""

    reads_shareable = True  # a second process reading the file gets the same values

    @classmethod
    def unchecked(cls, path: Path) -> Scene:
        """The file opened for ``read`` alone, unvalidated: for a process reading bands of a
        scene that its caller has opened and checked (``read_helper``)."""
        scene = cls.__new__(cls)
        scene.path = path
        scene._sar_fill_override = None
        scene._reference = None
        scene._ds = _open_netcdf(path)
        return scene

    def __init__(
        self,
        path: str | Path,
        required: Iterable[str] = DEFAULT_REQUIRED,
        sar_fill_value: float | None = None,
    ) -> None:
        self.path = Path(path)
        self._sar_fill_override = sar_fill_value
        self._ds = _open_netcdf(self.path)
        self._reference: netCDF4.Dataset | None = None
        try:
            self.info = self._validate(tuple(required))
        except BaseException:
            self.close()
            raise

    # -- life cycle -------------------------------------------------------------------------
    def __enter__(self) -> Scene:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for ds in (self._ds, self._reference):
            if ds is not None and ds.isopen():
                ds.close()

    # -- reading ----------------------------------------------------------------------------
    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(self._ds.variables)

    def read(self, name: str, step: int = 1, window: Window | None = None) -> np.ndarray:
        """One variable, every ``step``-th pixel of ``window`` (full-grid slices) or all.

        Strided reads go through blocks of rows subsampled in memory: HDF5 hyperslabs with a
        stride are slower than reading the rows whole (measured 1.8x on a full scene).
        """
        if not self._ds.isopen():
            raise SceneError(
                f"{self.path.name} was closed; read its variables inside `with open_scene(...)`."
            )
        if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or step < 1:
            raise ValueError(f"step must be a whole number ≥ 1 (every n-th pixel), not {step!r}")
        var = self._dataset_holding(name).variables[name]
        try:
            var.set_var_chunk_cache(size=CHUNK_CACHE_BYTES)
        except (AttributeError, RuntimeError):  # netCDF-3 variables have no chunk cache
            pass
        rows, cols = window or (slice(None), slice(None))
        r0, r1, _ = rows.indices(var.shape[0])
        try:
            if step == 1 or var.ndim != 2:
                return np.asarray(var[rows, cols][::step, ::step])
            block = step * max(1, READ_BLOCK_ROWS // step)
            # Copies, not views: a view would keep each whole band alive until the end.
            parts = [
                np.asarray(var[start : min(start + block, r1), cols])[::step, ::step].copy()
                for start in range(r0, r1, block)
            ]
            return np.concatenate(parts) if parts else np.asarray(var[rows, cols])
        except (RuntimeError, OSError, IndexError) as error:
            raise SceneFormatError(
                f"Could not read {name!r} from {self.path.name}: {error}. The file is probably "
                "truncated or corrupt; download or copy it again."
            ) from error

    def chunk_shape(self, name: str) -> tuple[int, ...] | None:
        """How the file stores a variable: its chunk shape, or None when stored contiguously."""
        chunks = self._dataset_holding(name).variables[name].chunking()
        if chunks is None or isinstance(chunks, str):  # None: netCDF-3; "contiguous"
            return None
        return tuple(chunks)

    def fill_value(self, name: str) -> float:
        """No-data value of an input: the override, else ``variable_fill_value``, else 0."""
        if self._sar_fill_override is not None:
            return self._sar_fill_override
        value = getattr(self._ds.variables[name], "variable_fill_value", None)
        if value is None:
            return SAR_FILL_FALLBACK
        try:
            return float(np.asarray(value).reshape(-1)[0])
        except (TypeError, ValueError, IndexError):
            raise SceneFormatError(
                f"In {self.path.name}, {name!r} has a variable_fill_value of type "
                f"{type(value).__name__}; "
                "expected a number (the value that marks pixels without data)."
            ) from None

    def valid_sar(self, step: int = 1, window: Window | None = None) -> np.ndarray:
        """True where the SAR (HH) has data: neither NaN nor the fill value."""
        hh = self.read("nersc_sar_primary", step, window)
        return np.isfinite(hh) & (hh != self.fill_value("nersc_sar_primary"))

    def latlon(self) -> tuple[np.ndarray, np.ndarray]:
        """The tie-point latitude and longitude grids, axis 0 along lines as MMSeaIce reads it."""
        return self.read(LATLON_VARIABLES[0]), self.read(LATLON_VARIABLES[1])

    def read_chart(self, name: str, step: int = 1, window: Window | None = None) -> np.ndarray:
        if self.info.charts_in is None:
            raise SceneFormatError(
                f"{self.path.name} has no ice-chart labels (SIC/SOD/FLOE) and no "
                f"{reference_path(self.path).name} beside it; labels are needed to score a "
                "prediction or to train."
            )
        values = self.read(name, step, window)
        known = CHART_CLASS_VALUES[name]
        bad = ~np.isin(values, known)
        if bad.any():
            raise SceneFormatError(
                f"{self.path.name}: {int(bad.sum())} pixel(s) of {name} hold values outside its "
                f"class table (e.g. {int(values[bad][0])}); expected "
                f"{', '.join(map(str, known[:-1]))} or {CHART_FILL} for no data. The labels are "
                "corrupt or of another format."
            )
        return values.astype(np.uint8, copy=False)

    # -- validation -------------------------------------------------------------------------
    def _dataset_holding(self, name: str) -> netCDF4.Dataset:
        if name in self._ds.variables:
            return self._ds
        if self._reference is not None and name in self._reference.variables:
            return self._reference
        raise SceneFormatError(
            f"{self.path.name} has no variable {name!r}; it has {', '.join(self.variables)}."
        )

    def _validate(self, required: tuple[str, ...]) -> SceneInfo:
        found = set(self._ds.variables)
        missing = [name for name in required if name not in found]
        if missing:
            raise SceneFormatError(
                f"{self.path.name} is missing the variable(s) {', '.join(missing)}. Found: "
                f"{', '.join(sorted(found)) or 'no variables'}. Expected an AI4Arctic "
                "ready-to-train scene (29 variables: see the format in docs/data-format.md)."
            )
        for name in found & set(DIMS):
            dims = self._ds.variables[name].dimensions
            if dims != DIMS[name]:
                raise SceneFormatError(
                    f"In {self.path.name}, {name!r} has dimensions {dims}; expected {DIMS[name]}."
                )
        shape = _dims_shape(self._ds, SAR_DIMS)
        if max(shape) > MAX_SCENE_PIXELS:
            raise SceneFormatError(
                f"{self.path.name} declares a SAR grid of {shape[0]} × {shape[1]} pixels; a "
                f"Sentinel-1 scene at 80 m has at most {MAX_SCENE_PIXELS} lines or samples. The "
                "file is not a ready-to-train scene (or its dimensions are corrupt)."
            )
        coarse = _dims_shape(self._ds, COARSE_DIMS) if found & set(COARSE_VARIABLES) else (0, 0)
        self._check_grids(shape, coarse, found)
        self._check_dtypes(found)
        scene_id = self._scene_id()
        self._check_latlon(found)
        self._check_fill_values(found & set(SAR_VARIABLES))
        self._check_has_sar(shape)
        return SceneInfo(
            path=self.path,
            scene_id=scene_id,
            shape=shape,
            coarse_shape=coarse,
            original_id=str(getattr(self._ds, "original_id", "")),
            charts_in=self._find_charts(found, shape),
        )

    def _check_grids(self, shape: tuple[int, int], coarse: tuple[int, int], found: set) -> None:
        if min(shape) < 2:
            raise SceneFormatError(f"{self.path.name} has an empty SAR grid {shape}.")
        if found & set(COARSE_VARIABLES):
            expected = tuple(n // COARSE_FACTOR for n in shape)
            if any(abs(c - e) > 1 for c, e in zip(coarse, expected)):
                raise SceneFormatError(
                    f"{self.path.name}: the 2 km grid is {coarse} cells for a {shape} SAR grid; "
                    f"expected about {expected} (one cell per {COARSE_FACTOR} × {COARSE_FACTOR} "
                    "pixels). AMSR2/ERA5 would not line up with the SAR."
                )

    def _check_dtypes(self, found: set) -> None:
        for name in found & set(CHART_VARIABLES):
            if self._ds.variables[name].dtype.kind not in "iu":
                raise SceneFormatError(
                    f"In {self.path.name}, chart {name!r} is {self._ds.variables[name].dtype}; "
                    "expected integer classes (uint8, 255 = no data)."
                )
        for name in found & set(INPUT_VARIABLES):
            if self._ds.variables[name].dtype.kind != "f":
                raise SceneFormatError(
                    f"In {self.path.name}, {name!r} is {self._ds.variables[name].dtype}; expected "
                    "standard-scaled floating-point values."
                )

    def _scene_id(self) -> SceneId:
        candidates = [getattr(self._ds, "scene_id", ""), self.path.name]
        for text in candidates:
            try:
                return parse_scene_id(str(text))
            except ValueError:
                continue
        raise SceneFormatError(
            f"Cannot tell the acquisition time and ice service of {self.path.name}: neither its "
            "name nor its 'scene_id' attribute looks like '<YYYYmmddTHHMMSS>_<cis|dmi>_prep.nc'. "
            "Rename the file to the ready-to-train pattern."
        )

    def _check_latlon(self, found: set) -> None:
        if not set(LATLON_VARIABLES) <= found:
            return
        lat, lon = self.latlon()
        if lat.shape != lon.shape or min(lat.shape) < 2:
            raise SceneFormatError(
                f"{self.path.name}: latitude {lat.shape} and longitude {lon.shape} tie-point "
                "grids must be the same shape, at least 2 × 2 (21 × 21 in AI4Arctic)."
            )
        if not (np.isfinite(lat).all() and np.abs(lat).max() <= 90 and np.abs(lon).max() <= 360):
            raise SceneFormatError(
                f"{self.path.name}: tie-point latitudes/longitudes are missing or out of range "
                f"(lat {np.nanmin(lat):.1f}..{np.nanmax(lat):.1f}, lon {np.nanmin(lon):.1f}.."
                f"{np.nanmax(lon):.1f}); the scene cannot be georeferenced."
            )
        if not np.isfinite(lon).all():
            raise SceneFormatError(
                f"{self.path.name}: tie-point longitudes are missing (NaN); the scene cannot be "
                "georeferenced."
            )
        self._check_spacing(lat, lon, _dims_shape(self._ds, SAR_DIMS))

    def _check_fill_values(self, names: set) -> None:
        for name in sorted(names):
            self.fill_value(name)

    def _check_spacing(self, lat: np.ndarray, lon: np.ndarray, shape: tuple[int, int]) -> None:
        """Tie points must be as far apart as 80 m pixels put them, on a 2-D grid (not a line):
        otherwise every warp of the scene is sized from nonsense."""
        problem = tie_grid_problem(lat, lon, shape)
        if problem:
            raise SceneFormatError(
                f"{self.path.name}: the latitude/longitude tie points do not fit a {shape[0]} × "
                f"{shape[1]} grid of {PIXEL_SPACING_M} m pixels: {problem}. The geolocation is "
                "corrupt; the scene cannot be placed on a map."
            )

    def _check_has_sar(self, shape: tuple[int, int]) -> None:
        if "nersc_sar_primary" not in self._ds.variables:
            return
        # Three pieces of rows across the middle of the swath settle almost every scene cheaply
        # (one chunk each, not a row of them: 23 ms of opening a full scene became 4 ms); only
        # a scene without data there pays for a look at every 10th pixel.
        width = (self.chunk_shape("nersc_sar_primary") or shape)[-1]
        start = shape[1] // 2 // width * width  # the chunk holding the middle sample
        middle = slice(start, start + width)
        for row in (shape[0] // 4, shape[0] // 2, 3 * shape[0] // 4):
            if self.valid_sar(window=(slice(row, row + 1), middle)).any():
                return
        if not self.valid_sar(step=10).any():
            raise SceneFormatError(
                f"{self.path.name} has no valid SAR data: HH is NaN or the fill value "
                f"({self.fill_value('nersc_sar_primary')}) everywhere. The scene is empty."
            )

    def _find_charts(self, found: set, shape: tuple[int, int]) -> Path | None:
        if set(CHART_VARIABLES) <= found:
            return self.path
        sidecar = reference_path(self.path)
        if not sidecar.exists():
            return None
        self._reference = _open_netcdf(sidecar)
        missing = [n for n in CHART_VARIABLES if n not in self._reference.variables]
        if missing or self._reference.variables[CHART_VARIABLES[0]].shape != shape:
            raise SceneFormatError(
                f"{sidecar.name} does not hold SIC/SOD/FLOE on the scene's {shape} grid "
                f"(missing: {', '.join(missing) or 'none'}); it cannot label {self.path.name}."
            )
        return sidecar


def _dims_shape(ds: netCDF4.Dataset, dims: tuple[str, ...]) -> tuple[int, int]:
    missing = [d for d in dims if d not in ds.dimensions]
    if missing:
        raise SceneFormatError(f"{ds.filepath()} lacks the dimension(s) {', '.join(missing)}.")
    return (len(ds.dimensions[dims[0]]), len(ds.dimensions[dims[1]]))


def _open_netcdf(path: Path) -> netCDF4.Dataset:
    if not path.exists():
        raise SceneNotFoundError(
            f"Scene file {str(path)!r} does not exist. Expected an AI4Arctic ready-to-train "
            "file such as '20180707T113313_cis_prep.nc'; check the path."
        )
    if path.is_dir():
        raise SceneFormatError(f"{str(path)!r} is a folder; pick a scene file (.nc) inside it.")
    size = path.stat().st_size
    if size == 0:
        raise SceneFormatError(f"{path.name} is empty (0 bytes); copy the scene again.")
    with open(path, "rb") as handle:
        head = handle.read(8)
    if not any(head.startswith(magic) for magic in NETCDF_MAGIC):
        raise SceneFormatError(
            f"{path.name} is not a netCDF file (it lacks the netCDF/HDF5 signature). Expected "
            "an AI4Arctic ready-to-train scene (.nc)."
        )
    try:
        os.fsencode(path).decode("utf-8")
    except UnicodeDecodeError:
        raise SceneFormatError(
            f"The name {str(path)!r} is not valid UTF-8, which the netCDF library cannot open. "
            "Rename the file (e.g. to its scene id, '<YYYYmmddTHHMMSS>_<cis|dmi>_prep.nc')."
        ) from None
    try:
        ds = netCDF4.Dataset(path, "r")
    except OSError as error:
        raise SceneFormatError(
            f"{path.name} cannot be opened as netCDF ({error}); it is probably truncated or "
            f"corrupt ({size} bytes). Copy or download it again."
        ) from error
    ds.set_auto_mask(False)  # fills are handled explicitly, never as masked arrays
    return ds


def open_scene(
    path: str | Path,
    required: Iterable[str] = DEFAULT_REQUIRED,
    sar_fill_value: float | None = None,
) -> Scene:
    """Open and validate a ready-to-train scene, or a Sentinel-1 product (``.SAFE`` folder,
    ``manifest.safe`` or ``.zip``: ``core.safe``); raises SceneNotFoundError/SceneFormatError."""
    from ..safe.container import is_safe_product

    if is_safe_product(path):
        from ..safe.scene import SAFE_VARIABLES, SafeScene

        # A product holds no AMSR2/ERA5: by default ask only for what it can provide.
        wanted = SAFE_VARIABLES if required is DEFAULT_REQUIRED else required
        return SafeScene(path, wanted, sar_fill_value)
    return Scene(path, required, sar_fill_value)


__all__ = ["SAR_VARIABLES", "Scene", "SceneInfo", "open_scene"]
