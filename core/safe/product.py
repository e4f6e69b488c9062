"""A Sentinel-1 product opened and checked: manifest, validation, the files of each polarisation.

Files are found through ``manifest.safe``'s data objects (by ``repID`` and the measurement units'
``dmdID`` links), never by file-name patterns: real names are long and mirrors rename them.
Only EW GRDM dual-polarisation HH+HV products match the training data; anything else is refused
with what it is and what is expected, and what runs but may be off is warned about.
"""

from __future__ import annotations

import warnings
import xml.etree.ElementTree as ET  # nosec B405
from dataclasses import dataclass
from pathlib import Path

from ..errors import SceneFormatError
from .annotation import Calibration, Noise, ProductAnnotation, parse_xml
from .container import MANIFEST, Container

POLARISATIONS = ("HH", "HV")  # primary, secondary as AI4Arctic orders them
EW_GRDM_SPACING_M = 40.0
OLDEST_FULL_NOISE_IPF = 2.9  # azimuth noise vectors from IPF 2.9 (March 2018)
MEASUREMENT_REP = "s1Level1MeasurementSchema"
REPS = {
    "s1Level1ProductSchema": "product",
    "s1Level1CalibrationSchema": "calibration",
    "s1Level1NoiseSchema": "noise",
}


class ProductWarning(UserWarning):
    """The product runs, but the result may be off (out of the training distribution)."""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find_all(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if _local(e.tag) == name]


def _first_text(root: ET.Element, name: str) -> str:
    found = _find_all(root, name)
    return (found[0].text or "").strip() if found else ""


@dataclass(frozen=True)
class DataObject:
    href: str  # relative to the product folder
    size: int  # bytes, as the manifest records it


@dataclass(frozen=True)
class Polarisation:
    """The four files of one polarisation, found through the manifest."""

    name: str
    measurement: DataObject
    product: DataObject
    calibration: DataObject
    noise: DataObject


@dataclass(frozen=True)
class Manifest:
    family: str
    mission: str  # S1A / S1B / S1C
    mode: str
    product_type: str
    polarisations: tuple[str, ...]
    ipf: str
    files: dict[str, Polarisation]

    @property
    def ipf_number(self) -> float:
        """The IPF version as a number: "003.52" → 3.52, "002.72" → 2.72 (before 2.90)."""
        try:
            return float(self.ipf)
        except ValueError:
            return 0.0

    @classmethod
    def parse(cls, data: bytes, product: str) -> Manifest:
        root = parse_xml(data, f"{product}/manifest.safe")
        family = _first_text(root, "familyName")
        number = _first_text(root, "number")
        ipf = next(
            (
                e.get("version", "")
                for e in _find_all(root, "software")
                if "IPF" in e.get("name", "")
            ),
            "",
        )
        return cls(
            family=family,
            mission=f"S1{number}" if family.upper() == "SENTINEL-1" else family,
            mode=_first_text(root, "mode"),
            product_type=_first_text(root, "productType"),
            polarisations=tuple(
                (e.text or "").strip().upper()
                for e in _find_all(root, "transmitterReceiverPolarisation")
            ),
            ipf=ipf.lstrip("0") or "unknown",
            files=_polarisation_files(root),
        )


def _polarisation_files(root: ET.Element) -> dict[str, Polarisation]:
    """Measurement units → their annotation data objects; keyed by image number for now."""
    objects: dict[str, tuple[str, DataObject]] = {}
    for obj in _find_all(root, "dataObject"):
        location = next(iter(_find_all(obj, "fileLocation")), None)
        stream = next(iter(_find_all(obj, "byteStream")), None)
        if location is None:
            continue
        href = location.get("href", "").removeprefix("./")
        size = int(stream.get("size", "0")) if stream is not None else 0
        objects[obj.get("ID", "")] = (obj.get("repID", ""), DataObject(href, size))
    meta = {}
    for m in _find_all(root, "metadataObject"):
        pointer = next(iter(_find_all(m, "dataObjectPointer")), None)
        if pointer is not None:
            meta[m.get("ID", "")] = pointer.get("dataObjectID", "")
    units = {}
    for unit in _find_all(root, "contentUnit"):
        if unit.get("repID") != MEASUREMENT_REP:
            continue
        pointer = next(iter(_find_all(unit, "dataObjectPointer")), None)
        if pointer is None or pointer.get("dataObjectID") not in objects:
            continue
        linked: dict[str, DataObject] = {}
        for dmd in unit.get("dmdID", "").split():
            found = objects.get(meta.get(dmd, ""))
            if found is not None and found[0] in REPS:
                linked[REPS[found[0]]] = found[1]
        if set(linked) == set(REPS.values()):
            measurement = objects[pointer.get("dataObjectID", "")][1]
            units[measurement.href] = Polarisation("?", measurement, **linked)
    return units


class Product:
    """An open, validated EW GRDM HH+HV product. Use ``with Product(path) as product:``."""

    def __init__(self, path: str | Path) -> None:
        self.container = Container(path)
        try:
            self.name = self.container.name
            self.manifest = Manifest.parse(self.container.read_bytes(MANIFEST), self.name)
            self._check_manifest()
            self._parsed: dict[str, ProductAnnotation] = {}
            self.pols = self._pair_polarisations()
            self.annotation = {p: self._parsed[p] for p in POLARISATIONS}
            self._check_annotation()
        except BaseException:
            self.container.close()
            raise

    def __enter__(self) -> Product:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.container.close()

    # -- validation ----------------------------------------------------------------------
    def _refuse(self, what: str, expected: str = "") -> SceneFormatError:
        return SceneFormatError(
            f"{self.name}: {what}. "
            + (
                expected
                or "Sea Ice Mapper reads Sentinel-1 EW GRDM dual-polarisation HH+HV "
                "products (S1?_EW_GRDM_1SDH_…), the kind its models were trained on."
            )
        )

    def _check_manifest(self) -> None:
        m = self.manifest
        if m.family.upper() != "SENTINEL-1":
            raise self._refuse(f"not a Sentinel-1 product (platform {m.family or 'unknown'!r})")
        if m.product_type != "GRD":
            raise self._refuse(
                f"a {m.product_type or 'unknown'} product, not GRD (ground range detected)",
                "Pick the EW GRDM product of the acquisition (S1?_EW_GRDM_1SDH_…); SLC, RAW and "
                "OCN products cannot be charted.",
            )
        if m.mode != "EW":
            raise self._refuse(
                f"acquired in {m.mode or 'unknown'} mode, not EW (extra wide swath)",
                "The models were trained on EW GRDM scenes only; IW and other modes are out "
                "of their training distribution. Pick an EW GRDM product (S1?_EW_GRDM_1SDH_…).",
            )
        pols = set(m.polarisations)
        if pols & {"VV", "VH"}:
            raise self._refuse(
                f"polarisations {'+'.join(m.polarisations)} (VV/VH, 1SDV/1SSV): out of the "
                "training distribution",
                "The models were trained on HH+HV (1SDH) only; pick the dual-polarisation HH+HV "
                "product of the acquisition.",
            )
        if len(m.polarisations) < 2 or not pols >= set(POLARISATIONS):
            raise self._refuse(
                f"single polarisation {'+'.join(m.polarisations) or 'unknown'} (1SSH)",
                "The model needs both HH and HV; pick a dual-polarisation 1SDH product.",
            )
        if m.mission == "S1C":
            warnings.warn(
                f"{self.name}: Sentinel-1C was launched after the AI4Arctic training data "
                "(2018-2021, S1A/S1B); its calibration may differ slightly from what the model "
                "learnt. Check the result against a chart.",
                ProductWarning,
                stacklevel=3,
            )
        if m.ipf_number < OLDEST_FULL_NOISE_IPF:
            warnings.warn(
                f"{self.name}: processed with IPF {m.ipf} (before 2.9): the noise annotation has "
                "range vectors only, so scalloping along azimuth is not removed and HV may show "
                "stripes the model did not see in training.",
                ProductWarning,
                stacklevel=3,
            )

    def _pair_polarisations(self) -> dict[str, Polarisation]:
        found: dict[str, Polarisation] = {}
        for unit in self.manifest.files.values():
            href = unit.product.href
            ann = ProductAnnotation.parse(self.container.read_bytes(href), f"{self.name}/{href}")
            pol = ann.header.polarisation
            self._parsed[pol] = ann
            found[pol] = Polarisation(
                pol, unit.measurement, unit.product, unit.calibration, unit.noise
            )
        missing = [p for p in POLARISATIONS if p not in found]
        if missing:
            raise self._refuse(
                f"manifest.safe lists no measurement with annotation, calibration and noise "
                f"files for {', '.join(missing)}",
                "The product is incomplete or not a standard SAFE; download it again.",
            )
        for pol in POLARISATIONS:
            self._check_measurement(found[pol])
        return found

    def _check_measurement(self, pol: Polarisation) -> None:
        href = pol.measurement.href
        if not self.container.exists(href):
            raise self._refuse(
                f"the {pol.name} measurement {href} is missing",
                "The download is incomplete (annotation without pixels); fetch the product again.",
            )
        size = self.container.size(href)
        if pol.measurement.size and size < pol.measurement.size:
            raise self._refuse(
                f"the {pol.name} measurement {href} is truncated ({size} of "
                f"{pol.measurement.size} bytes)",
                "The download was cut short; fetch the product again.",
            )

    def _check_annotation(self) -> None:
        for pol, ann in self.annotation.items():
            if ann.header.mode != "EW" or ann.header.product_type != "GRD":
                raise self._refuse(
                    f"the {pol} annotation says {ann.header.mode} {ann.header.product_type}"
                )
            if abs(ann.pixel_spacing[0] - EW_GRDM_SPACING_M) > 1:
                raise self._refuse(
                    f"pixel spacing {ann.pixel_spacing[0]:g} m, not the 40 m of GRDM "
                    "(medium resolution)",
                    "Pick the EW GRDM product (S1?_EW_GRDM_1SDH_…); GRDH products have 25 m "
                    "pixels and a different noise level.",
                )
        hh, hv = (self.annotation[p] for p in POLARISATIONS)
        if (hh.lines, hh.samples) != (hv.lines, hv.samples):
            raise self._refuse(f"HH {hh.lines}×{hh.samples} and HV {hv.lines}×{hv.samples} differ")

    # -- per polarisation ------------------------------------------------------------------
    @property
    def image_shape(self) -> tuple[int, int]:
        ann = self.annotation[POLARISATIONS[0]]
        return ann.lines, ann.samples

    def calibration(self, pol: str) -> Calibration:
        href = self.pols[pol].calibration.href
        return Calibration.parse(self.container.read_bytes(href), f"{self.name}/{href}")

    def noise(self, pol: str) -> Noise:
        href = self.pols[pol].noise.href
        return Noise.parse(self.container.read_bytes(href), f"{self.name}/{href}", self.image_shape)

    def measurement_path(self, pol: str) -> str:
        return self.container.gdal_path(self.pols[pol].measurement.href)
