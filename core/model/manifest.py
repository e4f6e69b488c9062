"""The JSON manifest of a weight bundle: everything needed to run the weights correctly.

A bundle is two files side by side: ``NAME.json`` (this manifest) and ``NAME.safetensors``
(the tensors; never a pickle). The manifest records the architecture, the input channels in
order, how inputs are normalised and downscaled, the class tables the heads predict, what the
weights were trained on, and the SHA-256 of the tensor file, so a tampered or truncated file is
refused before a single byte of it is parsed. Reading a manifest needs no torch, so the plugin
can show it without torch installed.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ModelFormatError, ModelNotFoundError
from ..icechart.classes import CHARTS
from ..scene.schema import INPUT_VARIABLES
from ..scene.statistics import LATITUDE_MEAN_STD, LONGITUDE_MEAN_STD

FORMAT = "sea-ice-mapper-model"
FORMAT_VERSION = 1
AUX_CHANNELS = ("aux_time", "aux_lat", "aux_long")
KNOWN_CHANNELS = INPUT_VARIABLES + AUX_CHANNELS
DOWNSCALE_METHODS = ("nearest", "mean")

# The winning MMSeaIce configuration's 16 channels, in model order (spec §4.1).
MMSEAICE_CHANNELS = (
    "nersc_sar_primary",
    "nersc_sar_secondary",
    "sar_incidenceangle",
    "distance_map",
    "btemp_18_7h",
    "btemp_18_7v",
    "btemp_36_5h",
    "btemp_36_5v",
    "u10m_rotated",
    "v10m_rotated",
    "t2m",
    "tcwv",
    "tclw",
    *AUX_CHANNELS,
)


def class_names() -> dict[str, list[str]]:
    """The class tables a model's heads predict, as recorded in manifests."""
    return {name: [c.name for c in chart.classes] for name, chart in CHARTS.items()}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Manifest:
    architecture: dict[str, Any]  # UNetConfig fields
    channels: tuple[str, ...] = MMSEAICE_CHANNELS
    downscale_factor: int = 10
    downscale_method: str = "nearest"  # as the published code; "mean" averages each block
    latitude_mean_std: tuple[float, float] = LATITUDE_MEAN_STD
    longitude_mean_std: tuple[float, float] = LONGITUDE_MEAN_STD
    sar_fill_value: float | None = None  # None: each file's `variable_fill_value`
    classes: dict[str, list[str]] = field(default_factory=class_names)
    training: dict[str, Any] = field(default_factory=dict)  # data, preset, seed, scores...
    weights_file: str = ""
    weights_sha256: str = ""
    created: str = ""
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    def to_json(self) -> str:
        data = asdict(self)
        data["channels"] = list(self.channels)
        return json.dumps(data, indent=2, sort_keys=True) + "\n"

    @property
    def short_hash(self) -> str:
        return self.weights_sha256[:12]

    def summary(self) -> str:
        arch = self.architecture
        data = self.training.get("data", "unknown training data")
        decoders = "separate decoders" if arch.get("separate_decoders") else "shared decoder"
        return (
            f"U-Net {arch.get('filters')} ({decoders}), {len(self.channels)} channels "
            f"downscaled ×{self.downscale_factor} ({self.downscale_method}); trained on {data}; "
            f"weights {self.short_hash}"
        )


def bundle_paths(path: str | Path) -> tuple[Path, Path]:
    """(manifest, tensors) of a bundle named by either of its files or by its stem."""
    path = Path(path)
    stem = path.with_suffix("") if path.suffix in (".json", ".safetensors") else path
    return stem.with_suffix(".json"), stem.with_suffix(".safetensors")


def read_manifest(path: str | Path) -> Manifest:
    """Read and validate a bundle's manifest (not its tensors' hash: see ``verify_weights``)."""
    manifest_path, _ = bundle_paths(path)
    if not manifest_path.is_file():
        raise ModelNotFoundError(
            f"No model manifest at {manifest_path}. A weight bundle is NAME.json beside "
            "NAME.safetensors; pass either file."
        )
    if manifest_path.stat().st_size > MAX_MANIFEST_BYTES:
        raise ModelFormatError(
            f"{manifest_path.name} is {manifest_path.stat().st_size} bytes; a model manifest is "
            f"a small JSON file (at most {MAX_MANIFEST_BYTES} bytes). Pass the bundle's .json."
        )
    try:
        data = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelFormatError(f"{manifest_path.name} is not valid JSON: {error}") from None
    except RecursionError:
        raise ModelFormatError(
            f"{manifest_path.name} is nested too deeply to be a model manifest."
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ModelFormatError(
            f"{manifest_path.name} is not a Sea Ice Mapper model manifest (expected "
            f'"format": "{FORMAT}").'
        )
    if data.get("format_version") != FORMAT_VERSION:
        raise ModelFormatError(
            f"{manifest_path.name} has manifest version {data.get('format_version')!r}; this "
            f"Sea Ice Mapper reads version {FORMAT_VERSION}. Update the plugin or re-export "
            "the weights."
        )
    known = {name: data[name] for name in Manifest.__dataclass_fields__ if name in data}
    check_field_types(known, manifest_path.name)
    for name in ("channels", "latitude_mean_std", "longitude_mean_std"):
        if isinstance(known.get(name), list):
            known[name] = tuple(known[name])
    try:
        manifest = Manifest(**known)
    except TypeError as error:
        raise ModelFormatError(f"{manifest_path.name} lacks a field: {error}") from None
    check_manifest(manifest, manifest_path.name)
    return manifest


MAX_MANIFEST_BYTES = 1 << 20
MAX_WEIGHTS_BYTES = 2 << 30  # the MMSeaIce U-Nets are megabytes; more is not a bundle of ours
MAX_DOWNSCALE_FACTOR = 100  # 8 km cells from 80 m pixels; the published models use 10


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _mean_std_ok(value: object) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(_is_number(v) and math.isfinite(v) for v in value)
        and value[1] > 0
    )


# field: (check, what it must be)
FIELD_TYPES: dict[str, tuple[Any, str]] = {
    "architecture": (lambda v: isinstance(v, dict), "an object of U-Net settings"),
    "channels": (
        lambda v: isinstance(v, list) and all(isinstance(c, str) for c in v),
        "a list of channel names",
    ),
    "downscale_factor": (
        lambda v: isinstance(v, int) and not isinstance(v, bool),
        "a whole number",
    ),
    "downscale_method": (lambda v: isinstance(v, str), "a string"),
    "latitude_mean_std": (_mean_std_ok, "[mean, std] with finite numbers and std > 0"),
    "longitude_mean_std": (_mean_std_ok, "[mean, std] with finite numbers and std > 0"),
    "sar_fill_value": (
        lambda v: v is None or (_is_number(v) and math.isfinite(v)),
        "null or a finite number",
    ),
    "classes": (lambda v: isinstance(v, dict), "an object of class tables"),
    "training": (lambda v: isinstance(v, dict), "an object"),
    "weights_file": (
        lambda v: isinstance(v, str) and v == Path(v).name and v not in (".", ".."),
        "a file name beside the manifest (no folders)",
    ),
    "weights_sha256": (lambda v: isinstance(v, str), "a hex string"),
    "created": (lambda v: isinstance(v, str), "a string"),
}


def describe(value: object) -> str:
    """A value named by kind (numbers shown), never quoting text from the file."""
    if value is None or isinstance(value, (bool, int, float)):
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
        return json.dumps(list(value))[:60] if numbers else f"a list of {len(value)} item(s)"
    return f"a {type(value).__name__} of length {len(value)}" if hasattr(value, "__len__") else "?"


def check_field_types(data: dict[str, Any], where: str) -> None:
    """Refuse fields of the wrong type by name, before any of them is used."""
    for name, value in data.items():
        if name in FIELD_TYPES and not FIELD_TYPES[name][0](value):
            raise ModelFormatError(
                f"{where}: field {name!r} is {describe(value)}, expected {FIELD_TYPES[name][1]}."
            )


def check_manifest(manifest: Manifest, where: str) -> None:
    """Refuse a manifest this code cannot honour, naming both sides of each mismatch."""
    unknown = [c for c in manifest.channels if c not in KNOWN_CHANNELS]
    if unknown:
        raise ModelFormatError(
            f"{where} asks for input channel(s) {', '.join(unknown)}, which AI4Arctic scenes do "
            f"not have; known channels: {', '.join(KNOWN_CHANNELS)}."
        )
    filters = manifest.architecture.get("filters", [32])
    if (
        not isinstance(filters, (list, tuple))
        or not 1 <= len(filters) <= 8
        or not all(
            isinstance(f, int) and not isinstance(f, bool) and 1 <= f <= 1024 for f in filters
        )
    ):
        raise ModelFormatError(
            f"{where}: architecture filters ({describe(filters)}) are not 1 to 8 whole "
            "numbers from 1 to 1024."
        )
    in_channels = manifest.architecture.get("in_channels")
    if in_channels != len(manifest.channels):
        raise ModelFormatError(
            f"{where}: the architecture takes {in_channels} input channels but the channel "
            f"list has {len(manifest.channels)}."
        )
    if manifest.downscale_method not in DOWNSCALE_METHODS:
        raise ModelFormatError(
            f"{where}: downscale method {manifest.downscale_method!r} is not one of "
            f"{', '.join(DOWNSCALE_METHODS)}."
        )
    factor = manifest.downscale_factor
    if not isinstance(factor, int) or not 1 <= factor <= MAX_DOWNSCALE_FACTOR:
        raise ModelFormatError(
            f"{where}: downscale factor {factor!r} is not a positive integer from 1 to "
            f"{MAX_DOWNSCALE_FACTOR}."
        )
    for name in ("latitude_mean_std", "longitude_mean_std"):
        if not _mean_std_ok(list(getattr(manifest, name))):
            raise ModelFormatError(
                f"{where}: {name} is {list(getattr(manifest, name))}, expected [mean, std] "
                "with finite numbers and std > 0 (a zero std divides by zero)."
            )
    ours = class_names()
    for chart, names in ours.items():
        theirs = manifest.classes.get(chart)
        if theirs != names:
            raise ModelFormatError(
                f"{where}: the model predicts {chart} classes {theirs}, but this Sea Ice Mapper "
                f"charts {names}. The weights were made for other class tables."
            )


def read_weights(manifest: Manifest, manifest_path: Path) -> bytes:
    """The tensor file's bytes, read once and checked against the manifest's SHA-256."""
    weights = manifest_path.with_name(manifest.weights_file or bundle_paths(manifest_path)[1].name)
    if not weights.is_file():
        raise ModelNotFoundError(
            f"The manifest {manifest_path.name} names the weights {weights.name}, which is not "
            f"in {weights.parent}. Keep both files of a bundle together."
        )
    size = weights.stat().st_size
    if size > MAX_WEIGHTS_BYTES:
        raise ModelFormatError(
            f"{weights.name} is {size / 2**30:.1f} GiB; a Sea Ice Mapper weight file is at most "
            f"{MAX_WEIGHTS_BYTES / 2**30:.0f} GiB. It is not the tensors of this manifest."
        )
    content = weights.read_bytes()
    actual = hashlib.sha256(content).hexdigest()
    if actual != manifest.weights_sha256:
        raise ModelFormatError(
            f"{weights.name} does not match its manifest (SHA-256 {actual[:12]}…, manifest says "
            f"{manifest.weights_sha256[:12] or 'nothing'}…): the file is truncated, corrupted or "
            "was changed. Copy the bundle again."
        )
    return content


BUNDLED_WEIGHTS = Path(__file__).resolve().parents[2] / "resources" / "weights" / "default.json"


def resolve_weights(path: str | Path | None) -> Path:
    """The manifest path of ``path``, or of the bundled default weights when None."""
    if path is not None:
        return bundle_paths(path)[0]
    if not BUNDLED_WEIGHTS.is_file():
        raise ModelNotFoundError(
            "No weights were given and no bundled default weights were found at "
            f"{BUNDLED_WEIGHTS}. Pass a weight bundle (NAME.json beside NAME.safetensors)."
        )
    return BUNDLED_WEIGHTS
