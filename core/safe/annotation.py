"""The annotation XML of one polarisation: image size and timing, geolocation grid, calibration
(sigmaNought) vectors and thermal-noise vectors, in both noise schemas.

Noise since IPF 2.9 (March 2018) is range vectors × azimuth blocks. The range vectors are
*ragged*: each has its own pixel positions (268-270 samples in EW) with sub-swath jumps
between two adjacent samples, so every vector stays a separate array and is interpolated along
its own pixels. Before IPF 2.9 there is only ``noiseVectorList``/``noiseLut`` (range only); it
is read as range vectors with one azimuth block of ones covering the image.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # nosec B405
from dataclasses import dataclass, field
from datetime import datetime, timezone

import numpy as np

from ..errors import SceneFormatError


def parse_xml(data: bytes, what: str) -> ET.Element:
    """Parse product XML. The standard parser (expat) never fetches external entities and,
    from expat 2.4 (Python 3.11's), stops entity-expansion bombs; no DTD is ever needed."""
    try:
        return ET.fromstring(data)  # noqa: S314  # nosec B314
    except ET.ParseError as error:
        raise SceneFormatError(
            f"{what} is not readable XML ({error}); the product is corrupt or was cut short. "
            "Download it again."
        ) from error


def numbers(element: ET.Element | None, what: str) -> np.ndarray:
    if element is None or element.text is None:
        raise SceneFormatError(f"{what} is missing from the annotation.")
    try:
        return np.array(element.text.split(), dtype=np.float64)
    except ValueError as error:
        raise SceneFormatError(f"{what} holds a value that is not a number: {error}.") from None


def text(root: ET.Element, path: str, what: str) -> str:
    found = root.findtext(path)
    if found is None:
        raise SceneFormatError(f"{what}: <{path}> is missing; the annotation is incomplete.")
    return found.strip()


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value[:26]).replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class Header:
    mission: str  # S1A, S1B, S1C
    product_type: str
    polarisation: str
    mode: str
    image_number: str  # "001", "002": pairs the annotation, calibration, noise and TIFF

    @classmethod
    def parse(cls, root: ET.Element, what: str) -> Header:
        return cls(
            mission=text(root, "adsHeader/missionId", what),
            product_type=text(root, "adsHeader/productType", what),
            polarisation=text(root, "adsHeader/polarisation", what).upper(),
            mode=text(root, "adsHeader/mode", what),
            image_number=text(root, "adsHeader/imageNumber", what),
        )


@dataclass(frozen=True)
class GeolocationGrid:
    """Tie points at their own, unevenly spaced lines and pixels (23 × 21 in EW GRDM)."""

    lines: np.ndarray  # (n,)
    pixels: np.ndarray  # (m,)
    latitude: np.ndarray  # (n, m)
    longitude: np.ndarray
    incidence: np.ndarray

    @classmethod
    def parse(cls, root: ET.Element, what: str) -> GeolocationGrid:
        points = root.findall("geolocationGrid/geolocationGridPointList/geolocationGridPoint")
        names = ("line", "pixel", "latitude", "longitude", "incidenceAngle")
        try:
            table = np.array([[float(p.findtext(n, "nan")) for n in names] for p in points])
        except ValueError as error:
            raise SceneFormatError(
                f"{what}: a geolocation grid point is unreadable: {error}."
            ) from None
        table = table.reshape(-1, len(names))
        lines, pixels = np.unique(table[:, 0]), np.unique(table[:, 1])
        if len(table) < 4 or len(lines) * len(pixels) != len(table) or np.isnan(table).any():
            raise SceneFormatError(
                f"{what}: the geolocation grid has {len(table)} points, not a complete grid of "
                "lines × pixels; the scene cannot be placed on the map."
            )
        order = np.lexsort((table[:, 1], table[:, 0]))
        grid = table[order].reshape(len(lines), len(pixels), len(names))
        return cls(lines, pixels, grid[..., 2], grid[..., 3], grid[..., 4])


@dataclass(frozen=True)
class ProductAnnotation:
    header: Header
    lines: int
    samples: int
    pixel_spacing: tuple[float, float]  # (range, azimuth) metres
    start: datetime
    stop: datetime
    heading: float  # platformHeading, degrees clockwise from north
    orbit_pass: str
    grid: GeolocationGrid

    @classmethod
    def parse(cls, data: bytes, what: str) -> ProductAnnotation:
        root = parse_xml(data, what)
        info = "imageAnnotation/imageInformation/"
        return cls(
            header=Header.parse(root, what),
            lines=int(text(root, info + "numberOfLines", what)),
            samples=int(text(root, info + "numberOfSamples", what)),
            pixel_spacing=(
                float(text(root, info + "rangePixelSpacing", what)),
                float(text(root, info + "azimuthPixelSpacing", what)),
            ),
            start=parse_time(text(root, "adsHeader/startTime", what)),
            stop=parse_time(text(root, "adsHeader/stopTime", what)),
            heading=float(text(root, "generalAnnotation/productInformation/platformHeading", what)),
            orbit_pass=text(root, "generalAnnotation/productInformation/pass", what),
            grid=GeolocationGrid.parse(root, what),
        )


@dataclass(frozen=True)
class VectorSet:
    """Vectors at ``lines``, each with its own pixel positions and values (ragged)."""

    lines: np.ndarray
    pixels: list[np.ndarray]
    values: list[np.ndarray]

    @classmethod
    def parse(cls, vectors: list[ET.Element], value_tag: str, what: str) -> VectorSet:
        if not vectors:
            raise SceneFormatError(f"{what} holds no vectors; the annotation is incomplete.")
        lines = np.array([float(v.findtext("line", "nan")) for v in vectors])
        pixels = [numbers(v.find("pixel"), f"{what} pixel list") for v in vectors]
        values = [numbers(v.find(value_tag), f"{what} {value_tag}") for v in vectors]
        for line, p, x in zip(lines, pixels, values):
            if len(p) != len(x) or len(p) < 2 or np.any(np.diff(p) <= 0) or np.isnan(line):
                raise SceneFormatError(
                    f"{what}: the vector at line {line:g} has {len(p)} pixels and {len(x)} "
                    "values, or pixels not increasing; the annotation is corrupt."
                )
        if np.any(np.diff(lines) <= 0):
            raise SceneFormatError(f"{what}: vector lines are not increasing.")
        return cls(lines, pixels, values)


@dataclass(frozen=True)
class Calibration:
    header: Header
    sigma: VectorSet  # sigmaNought: σ⁰ = DN² / A²

    @classmethod
    def parse(cls, data: bytes, what: str) -> Calibration:
        root = parse_xml(data, what)
        vectors = root.findall("calibrationVectorList/calibrationVector")
        return cls(Header.parse(root, what), VectorSet.parse(vectors, "sigmaNought", what))


@dataclass(frozen=True)
class AzimuthBlock:
    """One noise azimuth block: inclusive line and sample bounds, gains at its own lines."""

    swath: str
    first_line: int
    last_line: int
    first_sample: int
    last_sample: int
    lines: np.ndarray
    gains: np.ndarray

    def gain_at(self, lines: np.ndarray) -> np.ndarray:
        return np.interp(lines, self.lines, self.gains)


@dataclass(frozen=True)
class Noise:
    header: Header
    range: VectorSet
    blocks: list[AzimuthBlock] = field(default_factory=list)
    schema: str = "range and azimuth vectors (IPF >= 2.9)"

    @classmethod
    def parse(cls, data: bytes, what: str, image: tuple[int, int]) -> Noise:
        root = parse_xml(data, what)
        header = Header.parse(root, what)
        new = root.findall("noiseRangeVectorList/noiseRangeVector")
        if not new:  # IPF < 2.9: range noise only
            old = root.findall("noiseVectorList/noiseVector")
            one = AzimuthBlock("all", 0, image[0] - 1, 0, image[1] - 1, np.zeros(1), np.ones(1))
            vectors = VectorSet.parse(old, "noiseLut", what)
            return cls(header, vectors, [one], "range vectors only (IPF < 2.9)")
        blocks = []
        for b in root.findall("noiseAzimuthVectorList/noiseAzimuthVector"):
            tags = ("firstAzimuthLine", "lastAzimuthLine", "firstRangeSample", "lastRangeSample")
            first_line, last_line, first_sample, last_sample = (int(text(b, t, what)) for t in tags)
            lines = numbers(b.find("line"), f"{what} azimuth block lines")
            gains = numbers(b.find("noiseAzimuthLut"), f"{what} noiseAzimuthLut")
            if len(lines) != len(gains) or first_line > last_line or first_sample > last_sample:
                raise SceneFormatError(f"{what}: an azimuth noise block is malformed.")
            swath = b.findtext("swath", "?")
            blocks.append(
                AzimuthBlock(swath, first_line, last_line, first_sample, last_sample, lines, gains)
            )
        if not blocks:
            raise SceneFormatError(f"{what} has range noise vectors but no azimuth blocks.")
        return cls(header, VectorSet.parse(new, "noiseRangeLut", what), blocks)
