"""Seeded synthetic Sentinel-1 EW GRDM products around a real annotation set.

The real XML (annotation, calibration, noise, manifest) is kept, cropped to a window when asked
(vectors, azimuth blocks and the geolocation grid shifted and trimmed so that every value inside
the window is unchanged), and measurement TIFFs are written with

    DN² = A² · σ⁰ · speckle + N · speckle'

per 40 m pixel: A the sigmaNought LUT, N = N_range × N_azimuth the annotated noise, both
evaluated here at full 40 m resolution line by line (independently of the reader's 80 m path),
speckle and speckle' gamma-distributed with mean 1. σ⁰ is a known smooth field (``truth_db``),
so a correct reader recovers it. DN = 0 outside the azimuth noise blocks, as in real products.

The real set may use short names (``annotation/ew-hh.xml``); its ``productInfo.json``
``filenameMap`` gives the true SAFE names, which the product is rebuilt with.
"""

from __future__ import annotations

import json
import os
import shutil
import warnings
import xml.etree.ElementTree as ET  # nosec B405
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import rasterio
from rasterio.control import GroundControlPoint
from rasterio.crs import CRS
from rasterio.errors import NotGeoreferencedWarning

from ..safe.annotation import Calibration, Noise, VectorSet, parse_xml
from ..safe.geo import bilinear

POLS = ("HH", "HV")
ENL = 10.7  # equivalent number of looks of EW GRDM
ROWS_PER_BLOCK = 256


def truth_db(pol: str, lines: np.ndarray, samples: np.ndarray) -> np.ndarray:
    """The synthetic σ⁰ (dB) at *original product* coordinates (outer product of the vectors):
    HH around −16 dB, HV around −23 dB (close to the EW noise floor, where denoising matters)."""
    li, sa = np.meshgrid(np.asarray(lines, float), np.asarray(samples, float), indexing="ij")
    if pol == "HH":
        return (
            -16 + 3 * np.sin(2 * np.pi * li / 4000) * np.cos(2 * np.pi * sa / 6000) - 3 * sa / 10487
        )
    return -23 + 2 * np.cos(2 * np.pi * sa / 2500 + li / 3000) - 2 * sa / 10487


@dataclass(frozen=True)
class SafeConfig:
    lines: tuple[int, int] | None = None  # crop [first, stop) of the real product, or whole
    samples: tuple[int, int] | None = None
    seed: int = 0
    hv_offset_db: float = 0.0  # shift HV's truth, e.g. −15 to force non-positive σ⁰
    zero_window: tuple[int, int, int, int] | None = None  # (l0, l1, s0, s1) of DN = 0 (crop coords)
    enl: float = ENL


@dataclass
class SyntheticSafe:
    folder: Path
    config: SafeConfig
    offset: tuple[int, int]  # crop origin in the real product (lines, samples)
    shape: tuple[int, int]  # 40 m image of the product written
    zip_path: Path | None = None
    names: dict[str, str] = field(default_factory=dict)  # short name -> real SAFE name

    def truth(self, pol: str) -> np.ndarray:
        """σ⁰ truth (dB) at the centres of the 80 m grid the reader produces."""
        rows = 2 * np.arange(self.shape[0] // 2) + 0.5 + self.offset[0]
        cols = 2 * np.arange(self.shape[1] // 2) + 0.5 + self.offset[1]
        db = truth_db(pol, rows, cols)
        return db + self.config.hv_offset_db if pol == "HV" else db


def real_names(real: Path) -> dict[str, str]:
    """Short (mirror) name -> real SAFE relative name, from ``productInfo.json``."""
    info = json.loads((real / "productInfo.json").read_text(encoding="utf-8"))
    return {short: name for name, short in info["filenameMap"].items()}


# -- cropping the XML -------------------------------------------------------------------------
def _bracket(positions: np.ndarray, first: float, last: float) -> np.ndarray:
    """Indices of the positions needed to interpolate anywhere in [first, last] unchanged."""
    lo = max(int(np.searchsorted(positions, first, side="right")) - 1, 0)
    hi = min(int(np.searchsorted(positions, last, side="left")), len(positions) - 1)
    return np.arange(lo, hi + 1)


def _set_numbers(element: ET.Element, values: np.ndarray, fmt: str) -> None:
    element.text = " ".join(fmt % v for v in values)
    element.set("count", str(len(values)))


def _crop_vectors(parent: ET.Element, tag: str, window: tuple[int, int, int, int]) -> None:
    l0, l1, s0, s1 = window
    vectors = parent.findall(tag)
    lines = np.array([float(v.findtext("line", "0")) for v in vectors])
    keep = set(_bracket(lines, l0, l1 - 1).tolist())
    for i, v in enumerate(vectors):
        if i not in keep:
            parent.remove(v)
            continue
        line = v.find("line")
        if line is not None:
            line.text = str(int(lines[i]) - l0)
        pixel = v.find("pixel")
        if pixel is None or pixel.text is None:
            continue
        px = np.array(pixel.text.split(), float)
        idx = _bracket(px, s0, s1 - 1)
        for child in v:
            if child.get("count") == str(len(px)) and child is not pixel and child.text:
                values = np.array(child.text.split())
                child.text = " ".join(values[idx])
                child.set("count", str(len(idx)))
        _set_numbers(pixel, px[idx] - s0, "%d")
    parent.set("count", str(len(keep)))


def _crop_blocks(parent: ET.Element, window: tuple[int, int, int, int]) -> None:
    l0, l1, s0, s1 = window
    for block in parent.findall("noiseAzimuthVector"):
        b = {t: int(block.findtext(t, "0")) for t in ("firstAzimuthLine", "lastAzimuthLine")}
        b |= {t: int(block.findtext(t, "0")) for t in ("firstRangeSample", "lastRangeSample")}
        if (
            b["lastAzimuthLine"] < l0
            or b["firstAzimuthLine"] >= l1
            or (b["lastRangeSample"] < s0 or b["firstRangeSample"] >= s1)
        ):
            parent.remove(block)
            continue
        clipped = {
            "firstAzimuthLine": max(b["firstAzimuthLine"], l0) - l0,
            "lastAzimuthLine": min(b["lastAzimuthLine"], l1 - 1) - l0,
            "firstRangeSample": max(b["firstRangeSample"], s0) - s0,
            "lastRangeSample": min(b["lastRangeSample"], s1 - 1) - s0,
        }
        for tag, value in clipped.items():
            element = block.find(tag)
            if element is not None:
                element.text = str(value)
        line = block.find("line")
        if line is not None and line.text:
            _set_numbers(line, np.array(line.text.split(), float) - l0, "%d")
    parent.set("count", str(len(parent.findall("noiseAzimuthVector"))))


def _crop_grid(root: ET.Element, window: tuple[int, int, int, int]) -> None:
    l0, l1, s0, s1 = window
    holder = root.find("geolocationGrid/geolocationGridPointList")
    if holder is None:
        return
    points = holder.findall("geolocationGridPoint")
    names = ("line", "pixel", "latitude", "longitude", "height", "incidenceAngle")
    table = np.array([[float(p.findtext(n, "0")) for n in names] for p in points])
    lines, pixels = np.unique(table[:, 0]), np.unique(table[:, 1])
    grid = table[np.lexsort((table[:, 1], table[:, 0]))].reshape(len(lines), len(pixels), -1)
    new_lines = np.unique(np.r_[l0, lines[(lines > l0) & (lines < l1 - 1)], l1 - 1])
    new_pixels = np.unique(np.r_[s0, pixels[(pixels > s0) & (pixels < s1 - 1)], s1 - 1])
    values = [bilinear(lines, pixels, grid[..., k], new_lines, new_pixels) for k in range(2, 6)]
    for p in points:
        holder.remove(p)
    for i, line in enumerate(new_lines):
        for j, pixel in enumerate(new_pixels):
            p = ET.SubElement(holder, "geolocationGridPoint")
            for name, value in zip(names, [line - l0, pixel - s0] + [v[i, j] for v in values]):
                ET.SubElement(p, name).text = (
                    f"{value:.15g}" if name not in ("line", "pixel") else str(int(value))
                )
    holder.set("count", str(len(new_lines) * len(new_pixels)))


def crop_xml(data: bytes, kind: str, window: tuple[int, int, int, int]) -> bytes:
    root = parse_xml(data, kind)
    l0, l1, s0, s1 = window
    if kind == "product":
        info = root.find("imageAnnotation/imageInformation")
        if info is not None:
            for tag, value in (("numberOfLines", l1 - l0), ("numberOfSamples", s1 - s0)):
                element = info.find(tag)
                if element is not None:
                    element.text = str(value)
        _crop_grid(root, window)
    elif kind == "calibration":
        holder = root.find("calibrationVectorList")
        if holder is not None:
            _crop_vectors(holder, "calibrationVector", window)
    elif kind == "noise":
        for path, tag in (
            ("noiseRangeVectorList", "noiseRangeVector"),
            ("noiseVectorList", "noiseVector"),
        ):
            holder = root.find(path)
            if holder is not None:
                _crop_vectors(holder, tag, window)
        blocks = root.find("noiseAzimuthVectorList")
        if blocks is not None:
            _crop_blocks(blocks, window)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


# -- the 40 m truth -----------------------------------------------------------------------------
def _per_vector(vectors: VectorSet, width: int) -> np.ndarray:
    columns = np.arange(width, dtype=float)
    return np.stack([np.interp(columns, p, v) for p, v in zip(vectors.pixels, vectors.values)])


def _between_lines(lines: np.ndarray, table: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Row-by-row linear interpolation of per-vector rows ``table`` at 40 m ``rows``."""
    out = np.empty((len(rows), table.shape[1]))
    for i, row in enumerate(rows):
        k = int(np.clip(np.searchsorted(lines, row, side="right") - 1, 0, len(lines) - 2))
        w = float(np.clip((row - lines[k]) / (lines[k + 1] - lines[k]), 0, 1))
        out[i] = (1 - w) * table[k] + w * table[k + 1]
    return out


def noise_40m(
    noise: Noise, rows: np.ndarray, width: int, per_vector: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """N (DN²) at every 40 m pixel of ``rows`` and whether the pixel lies in an azimuth block."""
    ranged = _between_lines(noise.range.lines, per_vector, rows)
    gain = np.zeros_like(ranged)
    inside = np.zeros(ranged.shape, bool)
    columns = np.arange(width)
    for b in noise.blocks:
        r = (rows >= b.first_line) & (rows <= b.last_line)
        c = (columns >= b.first_sample) & (columns <= b.last_sample)
        if r.any() and c.any():
            g = b.gain_at(rows[r].astype(float))
            sub = np.ix_(np.flatnonzero(r), np.flatnonzero(c))
            gain[sub] = g[:, None]
            inside[sub] = True
    return ranged * gain, inside


# -- writing ----------------------------------------------------------------------------------
def _write_tiff(
    path: Path,
    shape: tuple[int, int],
    rows_to_dn: Callable[[np.ndarray], np.ndarray],
    gcps: list[GroundControlPoint],
) -> None:
    profile = {
        "driver": "GTiff",
        "dtype": "uint16",
        "count": 1,
        "height": shape[0],
        "width": shape[1],
        "blockxsize": shape[1],
        "blockysize": 1,  # as ESA writes them: untiled, one row per strip, uncompressed
        "tiled": False,
    }
    with warnings.catch_warnings():
        # ESA's TIFFs carry GCPs, not a geotransform: set right after opening.
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        dst = rasterio.open(path, "w", **profile)
    with dst:
        dst.gcps = (gcps, CRS.from_epsg(4326))
        for top in range(0, shape[0], ROWS_PER_BLOCK):
            rows = np.arange(top, min(top + ROWS_PER_BLOCK, shape[0]))
            dst.write(rows_to_dn(rows), 1, window=((top, rows[-1] + 1), (0, shape[1])))


def build_safe(
    real: Path, out_dir: Path, config: SafeConfig = SafeConfig(), make_zip: bool = False
) -> SyntheticSafe:
    """Write ``<product>.SAFE`` (and ``<product>.zip`` if asked) under ``out_dir``."""
    names = real_names(real)
    product_id = json.loads((real / "productInfo.json").read_text(encoding="utf-8"))["id"]
    folder = out_dir / f"{product_id}.SAFE"
    folder.mkdir(parents=True, exist_ok=False)
    full = None
    for short in names:
        if short.startswith("annotation/") and short.endswith(".xml") and "/" not in short[11:]:
            root = parse_xml((real / short).read_bytes(), short)
            full = (
                int(root.findtext("imageAnnotation/imageInformation/numberOfLines", "0")),
                int(root.findtext("imageAnnotation/imageInformation/numberOfSamples", "0")),
            )
    if full is None:
        raise ValueError(f"{real} holds no product annotation")
    lines = config.lines or (0, full[0])
    samples = config.samples or (0, full[1])
    window = (lines[0], lines[1], samples[0], samples[1])
    shape = (lines[1] - lines[0], samples[1] - samples[0])
    cropped = window != (0, full[0], 0, full[1])

    rng = np.random.default_rng(config.seed)
    sizes: dict[str, int] = {}
    for short, name in sorted(names.items()):
        source = real / short
        target = folder / name
        kind = (
            "noise"
            if "/noise-" in short
            else "calibration"
            if "/calibration-" in short
            else "product"
            if short.startswith("annotation/ew-")
            else ""
        )
        if short.endswith(".xml") and kind:
            data = source.read_bytes()
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(crop_xml(data, kind, window) if cropped else data)
        elif short == "manifest.safe" or not source.exists() or short.startswith("measurement/"):
            continue
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)

    for pol in POLS:
        p = pol.lower()
        ann = parse_xml((folder / names[f"annotation/ew-{p}.xml"]).read_bytes(), p)
        cal = Calibration.parse(
            (folder / names[f"annotation/calibration/calibration-ew-{p}.xml"]).read_bytes(),
            "calibration",
        )
        noise = Noise.parse(
            (folder / names[f"annotation/calibration/noise-ew-{p}.xml"]).read_bytes(),
            "noise",
            shape,
        )
        cal_cols = _per_vector(cal.sigma, shape[1])
        noise_cols = _per_vector(noise.range, shape[1])
        offset_db = config.hv_offset_db if pol == "HV" else 0.0

        def rows_to_dn(
            rows: np.ndarray,
            cal=cal,
            noise=noise,
            cal_cols=cal_cols,
            noise_cols=noise_cols,
            offset_db=offset_db,
            pol=pol,
        ) -> np.ndarray:
            a = _between_lines(cal.sigma.lines, cal_cols, rows)
            n, inside = noise_40m(noise, rows, shape[1], noise_cols)
            sigma = 10 ** (
                (truth_db(pol, rows + lines[0], np.arange(shape[1]) + samples[0]) + offset_db) / 10
            )
            k = config.enl
            speckle = rng.standard_gamma(k, sigma.shape) / k
            speckle2 = rng.standard_gamma(k, sigma.shape) / k
            dn2 = a * a * sigma * speckle + n * speckle2
            dn = np.clip(np.rint(np.sqrt(dn2)), 1, 65535).astype(np.uint16)
            dn[~inside] = 0
            if config.zero_window is not None:
                l0, l1, s0, s1 = config.zero_window
                r = (rows >= l0) & (rows < l1)
                dn[np.ix_(np.flatnonzero(r), np.arange(s0, s1))] = 0
            return dn

        gcps = []
        for point in ann.iter("geolocationGridPoint"):
            gcps.append(
                GroundControlPoint(
                    row=float(point.findtext("line", "0")),
                    col=float(point.findtext("pixel", "0")),
                    x=float(point.findtext("longitude", "0")),
                    y=float(point.findtext("latitude", "0")),
                    z=float(point.findtext("height", "0")),
                )
            )
        tiff = folder / names[f"measurement/ew-{p}.tiff"]
        tiff.parent.mkdir(parents=True, exist_ok=True)
        _write_tiff(tiff, shape, rows_to_dn, gcps)
        sizes[names[f"measurement/ew-{p}.tiff"]] = tiff.stat().st_size

    manifest = (real / "manifest.safe").read_text(encoding="utf-8")
    for name, size in sizes.items():  # the manifest records each file's size
        head, sep, tail = manifest.partition(f'href="./{name}"')
        start = head.rfind('size="')
        end = head.index('"', start + 6)
        manifest = head[: start + 6] + str(size) + head[end:] + sep + tail
    for name in [n for n in names.values() if n.endswith(".xml") and (folder / n).exists()]:
        size = (folder / name).stat().st_size
        head, sep, tail = manifest.partition(f'href="./{name}"')
        if sep:
            start = head.rfind('size="')
            end = head.index('"', start + 6)
            manifest = head[: start + 6] + str(size) + head[end:] + sep + tail
    (folder / "manifest.safe").write_text(manifest, encoding="utf-8")

    result = SyntheticSafe(folder, config, (lines[0], samples[0]), shape, names=names)
    if make_zip:
        result.zip_path = zip_safe(folder)
    return result


def zip_safe(folder: Path) -> Path:
    """``<product>.zip`` beside the folder, holding ``<product>.SAFE/…`` as ESA delivers it;
    written under a temporary name and renamed when complete."""
    target = folder.with_suffix(".zip")
    tmp = folder.parent / f".{target.name}.part-{os.getpid()}"
    with zipfile.ZipFile(tmp, "x") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                compress = zipfile.ZIP_STORED if path.suffix == ".tiff" else zipfile.ZIP_DEFLATED
                archive.write(path, f"{folder.name}/{path.relative_to(folder)}", compress)
    os.replace(tmp, target)
    return target
