"""The chart styles in a real QGIS: WMO legends as analysts read them, palettes that survive
Classify, egg-code labels, every named style of a draft GeoPackage, and renders to look at."""

from __future__ import annotations

import numpy as np
import pytest
from engine_calls import engine_result, run_engine
from gdal_io import write_uint8_tiff
from qgis.core import (
    QgsExpression,
    QgsExpressionContext,
    QgsExpressionContextUtils,
    QgsLayerTreeLayer,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsRasterLayer,
    QgsRenderContext,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize, Qt
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtXml import QDomDocument

from core.icechart.classes import SIC
from core.icechart.qml import WMO_CONCENTRATION, chart_styles
from repo_paths import REPO_ROOT

STYLES = REPO_ROOT / "resources" / "styles"
SHOTS = REPO_ROOT / "build" / "chart_styles"


def _legend(layer) -> list[str]:
    node = QgsLayerTreeLayer(layer)
    return [n.data(Qt.DisplayRole) for n in layer.legend().createLayerTreeModelLegendNodes(node)]


def _render(layers, extent, name: str):
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setExtent(extent)
    settings.setOutputSize(QSize(900, 900))
    settings.setBackgroundColor(QColor(40, 40, 40))
    settings.setDestinationCrs(layers[0].crs())
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    SHOTS.mkdir(parents=True, exist_ok=True)
    image = job.renderedImage()
    assert image.save(str(SHOTS / f"{name}.png"))
    return image


@pytest.fixture
def sic_raster(tmp_path):
    values = np.repeat(np.arange(0, 110, 10, dtype=np.uint8)[None, :], 3, axis=0)
    return write_uint8_tiff(tmp_path / "sic.tif", values, epsg=3413, pixel=800, nodata=255)


def test_sic_raster_legend_reads_as_the_wmo_concentration_code(qgis_app, sic_raster):
    layer = QgsRasterLayer(str(sic_raster), "Concentration")
    message, ok = layer.loadNamedStyle(str(STYLES / "sic.qml"))
    assert ok, message
    legend = _legend(layer)
    expected = [c.label for c in WMO_CONCENTRATION if c.tenths is not None]
    assert [t for t in legend if t in expected] == expected
    # QGIS 3.22 heads a pseudocolour legend with the band's name: QML cannot remove it.
    assert len(legend) == len(expected) + 1, legend
    # Every tenth keeps its percent value and takes its WMO class colour.
    image = _render([layer], layer.extent(), "sic_raster")
    for tenths in range(11):
        x = int((tenths + 0.5) / 11 * 900)
        got = QColor(image.pixel(x, 450)).getRgb()[:3]
        assert got == SIC.by_value(tenths).colour, (tenths, got)


def test_palettes_are_stored_so_classify_gives_them_back(qgis_app, sic_raster):
    layer = QgsRasterLayer(str(sic_raster), "Concentration")
    layer.loadNamedStyle(str(STYLES / "sic.qml"))
    shader = layer.renderer().shader().rasterShaderFunction()
    ramp = shader.sourceColorRamp()
    assert ramp is not None and ramp.type() == "gradient"
    shader.classifyColorRamp(5, 1, layer.extent(), layer.dataProvider())
    colours = [i.color.getRgb()[:3] for i in shader.colorRampItemList()]
    assert colours == [c.colour for c in WMO_CONCENTRATION if c.tenths is not None]


@pytest.fixture(scope="module")
def draft_gpkg(bundled_run, tmp_path_factory):
    out = tmp_path_factory.mktemp("styled") / "draft_chart.gpkg"
    run_engine("chart", bundled_run, "--out", out)  # the default DraftParams
    return out


def test_a_draft_offers_every_named_style_and_opens_in_wmo_sic(qgis_app, draft_gpkg):
    layer = QgsVectorLayer(f"{draft_gpkg}|layername=draft_chart", "Draft", "ogr")
    assert layer.isValid()
    _, _, names, _, error = layer.listStylesInDatabase()
    assert names == [name for name, _, _ in chart_styles()], error
    assert layer.renderer().type() == "RuleRenderer"  # the default style: SIC, WMO
    assert layer.labelsEnabled()
    labels = [r.label() for r in layer.renderer().rootRule().children()]
    assert labels[: len(WMO_CONCENTRATION)] == [c.label for c in WMO_CONCENTRATION]


def test_egg_labels_come_from_the_sigrid_codes(qgis_app, draft_gpkg):
    layer = QgsVectorLayer(f"{draft_gpkg}|layername=draft_chart", "Draft", "ogr")
    expression = QgsExpression(layer.labeling().settings().fieldName)
    context = QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
    eggs = {}
    for feature in layer.getFeatures():
        context.setFeature(feature)
        eggs[(feature["POLY_TYPE"], feature["CT"], feature["SA"], feature["FA"])] = (
            expression.evaluate(context)
        )
        assert not expression.hasEvalError(), expression.evalErrorString()
    for (poly, ct, sa, fa), egg in eggs.items():
        if poly == "W":
            assert egg == ""
            continue
        lines = egg.split("|")
        assert lines[0] == ("10" if ct == "92" else str(int(ct) // 10))
        assert lines[1] == ("X" if sa == "99" else {"91": "1•", "95": "7•"}.get(sa, sa[-1]))
        assert lines[2] == ("X" if fa == "99" else str(int(fa) if fa != "10" else 9))


def _apply(layer, qml: str) -> None:
    """Apply QML text. Not ``loadNamedStyle``: on a GeoPackage with a default style in its
    ``layer_styles`` QGIS loads that default instead of the file it is given."""
    document = QDomDocument()
    assert document.setContent(qml)
    ok, message = layer.importNamedStyle(document)
    assert ok, message


@pytest.mark.parametrize("style", [name for name, _, _ in chart_styles()])
def test_each_stored_style_renders_as_named(qgis_app, draft_gpkg, style):
    """Every style as the analyst picks it from the GeoPackage (Load Style → From database)."""
    layer = QgsVectorLayer(f"{draft_gpkg}|layername=draft_chart", "Draft", "ogr")
    _, ids, names, _, _ = layer.listStylesInDatabase()
    qml, error = layer.getStyleFromDatabase(ids[names.index(style)])
    assert qml, error
    _apply(layer, qml)
    assert layer.labelsEnabled()
    fills = {s.symbolLayer(0).brushStyle() for s in layer.renderer().symbols(QgsRenderContext())}
    assert (fills == {Qt.NoBrush}) == style.startswith("Outline")
    image = _render([layer], layer.extent(), "draft_" + style.split()[0].lower())
    drawn = {QColor(image.pixel(x, y)).getRgb()[:3] for x in range(0, 900, 30) for y in (450,)}
    assert drawn - {(40, 40, 40)}  # something drawn over the background


DMI_CHART = "ice_charts/dmi/201304100920_CapeFarewell_RIC.shp"


def test_an_official_dmi_chart_gets_wmo_classes_and_egg_labels(qgis_app, tmp_path):
    """A real DMI chart decoded as the plugin styles official charts: range codes (CT 45 →
    4-5), several partials (7• 7) and forms (3 2 1) in the eggs, every polygon in a WMO row."""
    from repo_paths import SHARED_REAL

    source = SHARED_REAL / DMI_CHART
    if not source.is_file():
        pytest.skip(f"real reference data not found at {SHARED_REAL} (../shared/data/real)")
    path = engine_result("style-chart", source, "--out", tmp_path / "dmi.gpkg")["output"]
    layer = QgsVectorLayer(str(path), "DMI", "ogr")
    _apply(layer, (STYLES / "sigrid_sic.qml").read_text(encoding="utf-8"))
    context = QgsRenderContext()
    renderer = layer.renderer()
    renderer.startRender(context, layer.fields())
    unstyled = [f.id() for f in layer.getFeatures() if not renderer.symbolsForFeature(f, context)]
    renderer.stopRender(context)
    assert unstyled == []
    expression = QgsExpression(layer.labeling().settings().fieldName)
    scope = QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
    eggs = []
    for feature in layer.getFeatures():
        scope.setFeature(feature)
        eggs.append(expression.evaluate(scope))
        assert not expression.hasEvalError(), expression.evalErrorString()
    assert "4-5|7• 7|3 2 1" in eggs, eggs
    _render([layer], layer.extent(), "dmi_chart_sic")
