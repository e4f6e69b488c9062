"""The run folder: the contract between the engine that writes it and the plugin that shows it.

One place names every file of a run folder and the schema of its ``run.json``. This module is
plain Python with no third-party import, so the QGIS plugin reads it without loading numpy,
torch or rasterio into QGIS.

``run.json`` (written last; its presence means the run finished)::

    format_version  int      RUN_FORMAT_VERSION (2: "layers" became a list)
    scene           str      scene id, e.g. "20190315T101500_cis" (also the folder's name)
    scene_file      str      name of the scene file read
    scene_time      str      ISO 8601 acquisition time, UTC
    ice_service     str      "cis" or "dmi"
    created         str      ISO 8601, UTC
    version         str      Sea Ice Mapper version that wrote it
    model           object   {"sha256", "summary", "path"} of the weights
    device          str      e.g. "CPU (cpu, float32)"
    params          object   the run's parameters (PredictParams)
    cache_key       str      same scene, weights and parameters: same key
    layers          list     one object per layer, drawing order (top first):
        key      str       e.g. "sic", "sod_confidence", "chart_floe", "sar_hh"
        file     str       GeoTIFF name inside the folder
        kind     str       prediction | confidence | reference | sar
        chart    str|null  SIC | SOD | FLOE (null for SAR)
        style    str|null  QGIS style sidecar (.qml) inside the folder
        title    str       short human title, e.g. "Concentration [%]"
        visible  bool      shown when first added
    seconds         object   stage -> seconds
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..errors import RunFolderError

RUN_FILE = "run.json"
DRAFT_FILE = "draft_chart.gpkg"  # the dock's draft chart of a run, inside its folder
DRAFT_LAYER = "draft_chart"  # the layer inside a draft chart GeoPackage
CHART_NAMES = ("SIC", "SOD", "FLOE")
SAR_KEYS = ("sar_hh", "sar_hv")
KINDS = ("prediction", "confidence", "reference", "sar")

# Layer titles lead with what the layer shows, short enough for the default panel width; the
# scene and the model are in the group's name, the kind in the subgroup's.
_CHART_WORDS = {"SIC": "Concentration", "SOD": "Stage of development", "FLOE": "Floe size"}
_TITLES = {
    "prediction": "{words}",
    "confidence": "{short} confidence [%]",
    "reference": "Ice chart: {lower}",
}
# The subgroup of each kind inside a run's group, in the order the group shows them.
SUBGROUPS = {
    "prediction": "Prediction",
    "confidence": "Confidence",
    "reference": "Scene's ice chart",
    "sar": "SAR",
}


@dataclass(frozen=True)
class RunLayer:
    key: str
    file: str
    kind: str
    chart: str | None
    style: str | None
    title: str
    visible: bool


def layer_key(kind: str, chart: str | None = None, band: str | None = None) -> str:
    """``prediction/SIC`` -> ``sic``; ``confidence`` -> ``sic_confidence``; ``reference`` ->
    ``chart_sic``; ``sar`` with band ``hh`` -> ``sar_hh``."""
    if kind == "sar":
        return f"sar_{band}"
    name = str(chart).lower()
    return {"prediction": name, "confidence": f"{name}_confidence", "reference": f"chart_{name}"}[
        kind
    ]


def layer_file(key: str) -> str:
    return f"{key}.tif"


def _describe(key: str) -> tuple[str, str | None, str]:
    """(kind, chart, title) of a layer key."""
    if key in SAR_KEYS:
        return "sar", None, f"SAR {key[4:].upper()} [dB]"
    for chart in CHART_NAMES:
        for kind in ("prediction", "confidence", "reference"):
            if layer_key(kind, chart) == key:
                words = _CHART_WORDS[chart]
                title = _TITLES[kind].format(
                    words=words,
                    short="Stage" if chart == "SOD" else words,
                    lower=words[0].lower() + words[1:],
                )
                if chart == "SIC" and kind != "confidence":
                    title += " [%]"
                return kind, chart, title
    raise ValueError(f"unknown run layer {key!r}")


def _order(key: str) -> int:
    kind, chart, _ = _describe(key)
    if kind == "sar":
        return 100 + SAR_KEYS.index(key)
    return 10 * KINDS.index(kind) + CHART_NAMES.index(str(chart))


def run_layers(written: dict[str, Path], folder: Path | None = None) -> list[dict[str, Any]]:
    """The ``layers`` list of run.json for the files a run wrote (key -> path), top first.

    A layer's style is its ``.qml`` sidecar when one was written beside it (in ``folder``, or
    beside the written path).
    """
    entries = []
    for key in sorted(written, key=_order):
        path = Path(written[key])
        kind, chart, title = _describe(key)
        style = path.with_suffix(".qml")
        here = (folder / style.name) if folder is not None else style
        entries.append(
            asdict(
                RunLayer(
                    key=key,
                    file=path.name,
                    kind=kind,
                    chart=chart,
                    style=style.name if here.exists() else None,
                    title=title,
                    visible=key in ("sic", "sar_hh"),
                )
            )
        )
    return entries


def read_record(folder: str | Path) -> dict[str, Any]:
    """The ``run.json`` of a finished run folder; a clear error if it is not one."""
    folder = Path(folder)
    try:
        record = json.loads((folder / RUN_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # RecursionError: absurdly nested JSON
        record = None
    if not isinstance(record, dict) or "scene" not in record:
        raise RunFolderError(
            f"{folder} is not a finished Sea Ice Mapper run: {RUN_FILE} is missing or unreadable. "
            "Expected the folder `python -m core predict` (or the QGIS plugin) writes per scene, "
            "with sic.tif, sod.tif and floe.tif; run a prediction first."
        )
    return record


def record_layers(record: dict[str, Any]) -> list[RunLayer]:
    """The layers a run.json lists, top first; also reads format 1 (``{key: file}``)."""
    listed = record.get("layers") or []
    if isinstance(listed, dict):  # format 1
        listed = [
            {"key": key, "file": file, **dict(zip(("kind", "chart", "title"), _describe(key)))}
            for key, file in sorted(listed.items(), key=lambda item: _order(item[0]))
        ]
    layers = []
    for entry in listed:
        style = entry.get("style")
        if style is None and "style" not in entry:  # format 1 wrote sidecars without naming them
            style = Path(entry["file"]).with_suffix(".qml").name
        layers.append(
            RunLayer(
                key=entry["key"],
                file=entry["file"],
                kind=entry["kind"],
                chart=entry.get("chart"),
                style=style,
                title=entry.get("title", entry["key"]),
                visible=bool(entry.get("visible", entry["key"] in ("sic", "sar_hh"))),
            )
        )
    return layers


def find_run(out_dir: str | Path, scene_file: str) -> Path | None:
    """The finished run folder in ``out_dir`` made from a scene file of that name, if any."""
    out_dir = Path(out_dir)
    folders = sorted(p for p in out_dir.iterdir() if p.is_dir()) if out_dir.is_dir() else []
    for folder in folders:
        try:
            if read_record(folder).get("scene_file") == scene_file:
                return folder
        except RunFolderError:
            continue
    return None


def group_name(record: dict[str, Any]) -> str:
    """The layer-tree group of a run: its scene and the first digits of its weights' hash."""
    return f"{record['scene']} · model {record['model']['sha256'][:8]}"


# A comparison folder (``compare_<chart>`` in the run folder): its rasters and their titles.
COMPARE_RECORD = "compare.json"
COMPARE_REPORT = "report.md"
COMPARE_POLYGONS = "chart_agreement.gpkg"
COMPARE_TITLES = {
    "chart_agreement.gpkg": "Agreement by chart polygon [%]",
    "sic_difference.tif": "Concentration: predicted − chart [pp]",
    "sod_agreement.tif": "Stage of development: agreement",
    "floe_agreement.tif": "Floe size: agreement",
}
