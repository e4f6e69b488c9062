"""A finished run's layers in the project: one group per scene, styled, persistent on disk.

What to add, in which order, with which title and style comes from the run folder's
``run.json`` (core/output/contract.py), never from names hard-coded here.
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsLayerTreeGroup, QgsProject, QgsRasterLayer, QgsVectorLayer

from ..core.output.contract import (
    COMPARE_POLYGONS,
    COMPARE_RECORD,
    COMPARE_TITLES,
    DRAFT_LAYER,
    group_name,
    read_record,
    record_layers,
)


def add_to_run_group(folder: Path, layer, project: QgsProject | None = None):
    """Put ``layer`` on top of the run's group (created if the analyst removed it)."""
    project = project or QgsProject.instance()
    root = project.layerTreeRoot()
    name = group_name(read_record(folder))
    group = root.findGroup(name) or root.insertGroup(0, name)
    project.addMapLayer(layer, False)
    return group.insertLayer(0, layer)


def add_draft_chart(folder: Path, gpkg: Path, project: QgsProject | None = None) -> QgsVectorLayer:
    """The draft chart of a run, styled by its GeoPackage, editable, in the run's group."""
    layer = QgsVectorLayer(
        f"{gpkg}|layername={DRAFT_LAYER}", f"{read_record(folder)['scene']} draft chart", "ogr"
    )
    if not layer.isValid():
        raise RuntimeError(f"QGIS cannot open {gpkg}")
    add_to_run_group(folder, layer, project)
    return layer


def add_run_layers(folder: Path, project: QgsProject | None = None) -> QgsLayerTreeGroup:
    """Add the layers run.json lists as a group named after its scene, top first.

    A group of the same name (an earlier run of that scene) is replaced.
    """
    project = project or QgsProject.instance()
    record = read_record(folder)
    name = group_name(record)
    root = project.layerTreeRoot()
    old = root.findGroup(name)
    if old is not None:
        project.removeMapLayers(old.findLayerIds())
        root.removeChildNode(old)
    group = root.insertGroup(0, name)
    for entry in record_layers(record):
        path = folder / entry.file
        layer = QgsRasterLayer(str(path), f"{record['scene']} {entry.title}")
        if not layer.isValid():
            raise RuntimeError(f"QGIS cannot open {path}")
        if entry.style and (folder / entry.style).exists():
            layer.loadNamedStyle(str(folder / entry.style))
        project.addMapLayer(layer, False)
        node = group.addLayer(layer)
        node.setItemVisibilityChecked(entry.visible)
        node.setExpanded(False)
    return group


def _comparison_files(comparison: Path) -> list[str]:
    """The layer files a comparison wrote, as its compare.json lists them."""
    import json

    try:
        record = json.loads((comparison / COMPARE_RECORD).read_text(encoding="utf-8"))
        return [str(name) for name in record["layers"]]
    except (OSError, ValueError, KeyError, TypeError):
        raise RuntimeError(f"{comparison} holds no readable {COMPARE_RECORD}") from None


def add_comparison_layers(run: Path, comparison: Path, project: QgsProject | None = None):
    """The difference rasters and the chart's polygon agreement, in a subgroup of the run's."""
    project = project or QgsProject.instance()
    root = project.layerTreeRoot()
    name = group_name(read_record(run))
    parent = root.findGroup(name) or root.insertGroup(0, name)
    title = f"Comparison: {comparison.name.removeprefix('compare_')}"
    old = parent.findGroup(title)
    if old is not None:
        project.removeMapLayers(old.findLayerIds())
        parent.removeChildNode(old)
    group = parent.insertGroup(0, title)
    files = _comparison_files(comparison)
    # The polygons first: drawn above the rasters.
    files.sort(key=lambda file: file != COMPARE_POLYGONS)
    for file in files:
        path = comparison / file
        label = COMPARE_TITLES.get(file, Path(file).stem)
        if file.endswith(".gpkg"):
            layer = QgsVectorLayer(f"{path}|layername={Path(file).stem}", label, "ogr")
        else:
            layer = QgsRasterLayer(str(path), label)
            if path.with_suffix(".qml").exists():
                layer.loadNamedStyle(str(path.with_suffix(".qml")))
        if not layer.isValid():
            raise RuntimeError(f"QGIS cannot open {layer.source()}")
        project.addMapLayer(layer, False)
        group.addLayer(layer)
    return group
