"""A finished run's layers in the project: one group per scene, styled, persistent on disk."""

from __future__ import annotations

import json
from pathlib import Path

from qgis.core import QgsLayerTreeGroup, QgsProject, QgsRasterLayer, QgsVectorLayer

# (file stem, layer title, visible): drawing order, top first.
LAYERS = (
    ("sic", "SIC predicted [%]", True),
    ("sod", "SOD predicted", False),
    ("floe", "FLOE predicted", False),
    ("sic_confidence", "SIC confidence [%]", False),
    ("sod_confidence", "SOD confidence [%]", False),
    ("floe_confidence", "FLOE confidence [%]", False),
    ("chart_sic", "SIC ice chart [%]", False),
    ("chart_sod", "SOD ice chart", False),
    ("chart_floe", "FLOE ice chart", False),
    ("sar_hh", "SAR HH [dB]", True),
    ("sar_hv", "SAR HV [dB]", False),
)


def _record(folder: Path) -> dict:
    return json.loads((folder / "run.json").read_text(encoding="utf-8"))


def group_name(record: dict) -> str:
    return f"{record['scene']} ({record['model']['sha256'][:8]})"


def add_to_run_group(folder: Path, layer, project: QgsProject | None = None):
    """Put ``layer`` on top of the run's group (created if the analyst removed it)."""
    project = project or QgsProject.instance()
    root = project.layerTreeRoot()
    name = group_name(_record(folder))
    group = root.findGroup(name) or root.insertGroup(0, name)
    project.addMapLayer(layer, False)
    return group.insertLayer(0, layer)


def add_draft_chart(folder: Path, gpkg: Path, project: QgsProject | None = None) -> QgsVectorLayer:
    """The draft chart of a run, styled by its GeoPackage, editable, in the run's group."""
    layer = QgsVectorLayer(
        f"{gpkg}|layername=draft_chart", f"{_record(folder)['scene']} draft chart", "ogr"
    )
    if not layer.isValid():
        raise RuntimeError(f"QGIS cannot open {gpkg}")
    add_to_run_group(folder, layer, project)
    return layer


def add_run_layers(folder: Path, project: QgsProject | None = None) -> QgsLayerTreeGroup:
    """Add the layers of the run in ``folder`` as a group named after its scene.

    A group of the same name (an earlier run of that scene) is replaced.
    """
    project = project or QgsProject.instance()
    record = _record(folder)
    name = group_name(record)
    root = project.layerTreeRoot()
    old = root.findGroup(name)
    if old is not None:
        project.removeMapLayers(old.findLayerIds())
        root.removeChildNode(old)
    group = root.insertGroup(0, name)
    for stem, title, visible in LAYERS:
        path = folder / f"{stem}.tif"
        if not path.exists():
            continue
        layer = QgsRasterLayer(str(path), f"{record['scene']} {title}")
        if not layer.isValid():
            raise RuntimeError(f"QGIS cannot open {path}")
        style = path.with_suffix(".qml")
        if style.exists():
            layer.loadNamedStyle(str(style))
        project.addMapLayer(layer, False)
        node = group.addLayer(layer)
        node.setItemVisibilityChecked(visible)
        node.setExpanded(False)
    return group


COMPARISON_LAYERS = (
    ("sic_difference.tif", "SIC predicted − chart [pp]"),
    ("sod_agreement.tif", "SOD agreement"),
    ("floe_agreement.tif", "FLOE agreement"),
)


def add_comparison_layers(run: Path, comparison: Path, project: QgsProject | None = None):
    """The difference rasters and the chart's polygon agreement, in a subgroup of the run's."""
    project = project or QgsProject.instance()
    root = project.layerTreeRoot()
    name = group_name(_record(run))
    parent = root.findGroup(name) or root.insertGroup(0, name)
    title = f"Comparison: {comparison.name.removeprefix('compare_')}"
    old = parent.findGroup(title)
    if old is not None:
        project.removeMapLayers(old.findLayerIds())
        parent.removeChildNode(old)
    group = parent.insertGroup(0, title)
    layers = []
    gpkg = comparison / "chart_agreement.gpkg"
    if gpkg.exists():
        layers.append(
            QgsVectorLayer(
                f"{gpkg}|layername=chart_agreement", "Chart polygon agreement [%]", "ogr"
            )
        )
    for file, label in COMPARISON_LAYERS:
        layer = QgsRasterLayer(str(comparison / file), label)
        style = (comparison / file).with_suffix(".qml")
        if style.exists():
            layer.loadNamedStyle(str(style))
        layers.append(layer)
    for layer in layers:
        if not layer.isValid():
            raise RuntimeError(f"QGIS cannot open {layer.source()}")
        project.addMapLayer(layer, False)
        group.addLayer(layer)
    return group
