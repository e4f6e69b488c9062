"""A finished run's layers in the project: one group per scene and model, styled, on disk.

What to add, in which order, with which title and style comes from the run folder's
``run.json`` (core/output/contract.py), never from names hard-coded here. A run's group holds
subgroups by kind (Prediction, Confidence, Scene's ice chart, SAR); the draft chart and the
comparisons go on top of it.
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsLayerTreeGroup,
    QgsLayerTreeLayer,
    QgsMapLayer,
    QgsMapLayerLegendUtils,
    QgsMapLayerStyle,
    QgsProject,
    QgsRasterLayer,
    QgsSimpleLegendNode,
    QgsVectorLayer,
)
from qgis.PyQt.QtXml import QDomDocument

from ..core.output.contract import (
    COMPARE_POLYGONS,
    COMPARE_RECORD,
    COMPARE_TITLES,
    DRAFT_FILE,
    DRAFT_LAYER,
    SUBGROUPS,
    group_name,
    read_record,
    record_layers,
)

DRAFT_TITLE = "Draft ice chart"
STYLES = Path(__file__).resolve().parent.parent / "resources" / "styles"


def apply_style(layer: QgsMapLayer, qml: str | Path) -> bool:
    """Apply a ``.qml`` (a path, or the QML text itself) to ``layer``.

    ``importNamedStyle``, not ``loadNamedStyle``: on a GeoPackage that stores a default style,
    ``loadNamedStyle(file)`` silently loads the database's default instead of the file.
    """
    text = Path(qml).read_text(encoding="utf-8") if isinstance(qml, Path) else qml
    document = QDomDocument("qgis")
    if not document.setContent(text):
        return False
    ok, _ = layer.importNamedStyle(document)
    if ok:
        layer.triggerRepaint()
    return bool(ok)


def offer_stored_styles(layer: QgsVectorLayer, current: str | None = None) -> list[str]:
    """Put every style stored in the layer's GeoPackage into its style manager, so the
    layer's *Styles* menu offers them (SIC, SOD, FLOE, Outline), and apply ``current`` (default:
    the first stored, the GeoPackage's default). Returns the names offered."""
    count, ids, names, _, _ = layer.listStylesInDatabase()
    if count is None or count <= 0:
        return []
    manager = layer.styleManager()
    unnamed = manager.currentStyle()
    offered = []
    for style_id, name in zip(ids[:count], names[:count]):
        qml = layer.getStyleFromDatabase(style_id)
        qml = qml[0] if isinstance(qml, tuple) else qml
        if not qml:
            continue
        if name not in manager.styles():
            manager.addStyle(name, QgsMapLayerStyle(qml))
        offered.append(name)
    if offered:
        manager.setCurrentStyle(current if current in offered else offered[0])
        if unnamed not in offered:
            manager.removeStyle(unnamed)
    return offered


def run_group(folder: Path, project: QgsProject | None = None) -> QgsLayerTreeGroup:
    """The run's group (created on top if the analyst removed it)."""
    project = project or QgsProject.instance()
    root = project.layerTreeRoot()
    name = group_name(read_record(folder))
    return root.findGroup(name) or root.insertGroup(0, name)


def add_to_run_group(folder: Path, layer, project: QgsProject | None = None):
    """Put ``layer`` on top of the run's group."""
    project = project or QgsProject.instance()
    group = run_group(folder, project)
    old = [node for node in group.findLayers() if node.name() == layer.name()]
    for node in old:  # a redone draft replaces the earlier one
        project.removeMapLayer(node.layerId())
    project.addMapLayer(layer, False)
    return group.insertLayer(0, layer)


def add_draft_chart(folder: Path, gpkg: Path, project: QgsProject | None = None) -> QgsVectorLayer:
    """The draft chart of a run, styled by its GeoPackage, editable, in the run's group."""
    layer = QgsVectorLayer(f"{gpkg}|layername={DRAFT_LAYER}", DRAFT_TITLE, "ogr")
    if not layer.isValid():
        raise RuntimeError(f"QGIS cannot open {gpkg}")
    offer_stored_styles(layer)
    add_to_run_group(folder, layer, project)
    return layer


def add_styled_chart(
    folder: Path, gpkg: Path, title: str, project: QgsProject | None = None
) -> QgsVectorLayer:
    """An official chart decoded by the engine (``style-chart``), in WMO colours, in the run's
    group above the predictions; its GeoPackage's SIC/SOD/FLOE/Outline styles offered."""
    layer = QgsVectorLayer(f"{gpkg}|layername=ice_chart", title, "ogr")
    if not layer.isValid():
        raise RuntimeError(f"QGIS cannot open {gpkg}")
    if not offer_stored_styles(layer):
        apply_style(layer, STYLES / "sigrid_sic.qml")
    add_to_run_group(folder, layer, project)
    return layer


def add_run_layers(folder: Path, project: QgsProject | None = None) -> QgsLayerTreeGroup:
    """Add the layers run.json lists under a group named by scene and model, in subgroups by
    kind, top first. A group of the same name (the same run redone) is replaced."""
    project = project or QgsProject.instance()
    record = read_record(folder)
    name = group_name(record)
    root = project.layerTreeRoot()
    old = root.findGroup(name)
    if old is not None:
        project.removeMapLayers(old.findLayerIds())
        root.removeChildNode(old)
    group = root.insertGroup(0, name)
    subgroups: dict[str, QgsLayerTreeGroup] = {}
    for entry in record_layers(record):
        path = folder / entry.file
        layer = QgsRasterLayer(str(path), entry.title)
        if not layer.isValid():
            raise RuntimeError(f"QGIS cannot open {path}")
        if entry.style and (folder / entry.style).exists():
            apply_style(layer, folder / entry.style)
        project.addMapLayer(layer, False)
        title = SUBGROUPS.get(entry.kind, entry.kind)
        if title not in subgroups:
            subgroups[title] = group.addGroup(title)
            subgroups[title].setExpanded(entry.kind == "prediction")
        node = _legend_node(layer)
        subgroups[title].addChildNode(node)
        node.setItemVisibilityChecked(entry.visible)
        node.setExpanded(entry.visible and entry.kind != "sar")
    for subgroup in subgroups.values():  # a subgroup with nothing shown starts unchecked
        if not any(node.itemVisibilityChecked() for node in subgroup.findLayers()):
            subgroup.setItemVisibilityChecked(False)
    return group


def _legend_node(layer: QgsMapLayer) -> QgsLayerTreeLayer:
    """A layer-tree node for ``layer`` whose legend drops the "Band 1: …" line QGIS puts above a
    raster's classes (the layer's name says what it shows; a QML file cannot remove that line).
    Set before the node joins the tree: the tree's model reads the order once."""
    node = QgsLayerTreeLayer(layer)
    if layer.legend() is not None:
        entries = layer.legend().createLayerTreeModelLegendNodes(node)
        if len(entries) > 1 and isinstance(entries[0], QgsSimpleLegendNode):
            QgsMapLayerLegendUtils.setLegendNodeOrder(node, list(range(1, len(entries))))
    return node


def _comparison_files(comparison: Path) -> list[str]:
    """The layer files a comparison wrote, as its compare.json lists them."""
    import json

    try:
        record = json.loads((comparison / COMPARE_RECORD).read_text(encoding="utf-8"))
        return [str(name) for name in record["layers"]]
    except (OSError, ValueError, KeyError, TypeError):
        raise RuntimeError(f"{comparison} holds no readable {COMPARE_RECORD}") from None


def short_chart_name(stem: str) -> str:
    """A chart file's name as the layer tree can show it: "201304100920_CapeFarewell_RIC" ->
    "2013-04-10 CapeFarewell" (ice services name charts by valid time and region)."""
    import re

    found = re.match(r"^(\d{4})(\d{2})(\d{2})\d{0,6}_([^_]+)", stem)
    if found:
        year, month, day, region = found.groups()
        return f"{year}-{month}-{day} {region}"
    return stem if len(stem) <= 24 else stem[:23] + "…"


def comparison_title(comparison: Path) -> str:
    name = comparison.name.removeprefix("compare_")
    return "Comparison: " + ("scene's chart" if name == "scene_chart" else short_chart_name(name))


def add_comparison_layers(run: Path, comparison: Path, project: QgsProject | None = None):
    """The difference rasters and the chart's polygon agreement, in a subgroup of the run's."""
    project = project or QgsProject.instance()
    parent = run_group(run, project)
    title = comparison_title(comparison)
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
        if not layer.isValid():
            raise RuntimeError(f"QGIS cannot open {layer.source()}")
        if path.with_suffix(".qml").exists():
            apply_style(layer, path.with_suffix(".qml"))
        project.addMapLayer(layer, False)
        group.addChildNode(_legend_node(layer))
    return group


def is_own_layer(layer: QgsMapLayer) -> bool:
    """A layer the plugin made (a draft chart, a comparison's output, a styled copy of a
    chart): never offered as "the ice chart" to compare with."""
    source = layer.source()
    path = Path(source.split("|")[0])
    return (
        f"layername={DRAFT_LAYER}" in source
        or path.name in (DRAFT_FILE, COMPARE_POLYGONS)
        or path.parent.name.startswith("compare_")
    )
