"""Class tables, WMO colours and the committed QGIS styles agree."""

import re
import xml.etree.ElementTree as ET

import pytest

from core.icechart.classes import CHARTS, FLOE, MASK, OPEN_WATER, SIC, SOD
from core.icechart.qml import CLASS_FIELDS, all_styles
from repo_paths import REPO_ROOT

STYLES = REPO_ROOT / "resources" / "styles"


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))


def test_class_values_follow_ai4arctic():
    assert SIC.values == tuple(range(11))
    assert SOD.values == tuple(range(6))
    assert FLOE.values == tuple(range(7))
    assert MASK not in SIC.values + SOD.values + FLOE.values


def test_wmo_concentration_colours():
    expected = {
        0: OPEN_WATER,
        1: (140, 255, 160),
        3: (140, 255, 160),
        4: (255, 255, 0),
        6: (255, 255, 0),
        7: (255, 125, 7),
        8: (255, 125, 7),
        9: (255, 0, 0),
        10: (255, 0, 0),
    }
    assert {v: SIC.by_value(v).colour for v in expected} == expected


def test_wmo_stage_colours():
    assert [c.colour for c in SOD.classes] == [
        OPEN_WATER,
        (240, 210, 250),
        (135, 60, 215),
        (155, 210, 0),
        (0, 120, 0),
        (180, 100, 50),
    ]


def test_every_class_has_a_distinct_colour_within_its_chart_except_wmo_groups():
    for chart in (SOD, FLOE):
        colours = [c.colour for c in chart.classes]
        assert len(set(colours)) == len(colours)


def test_committed_styles_are_what_the_tables_generate():
    generated = all_styles()
    committed = {p.name: p.read_text(encoding="utf-8") for p in STYLES.glob("*.qml")}
    assert committed == generated, "run scripts/make_styles.py and commit resources/styles"


@pytest.mark.parametrize("name", ["SOD", "FLOE"])
def test_raster_style_palette_matches_the_table(name):
    root = ET.parse(STYLES / f"{name.lower()}.qml").getroot()
    entries = root.findall(".//colorPalette/paletteEntry")
    got = [(int(e.get("value")), rgb(e.get("color")), e.get("label")) for e in entries]
    chart = CHARTS[name]
    assert got == [(c.value * chart.raster_scale, c.colour, c.label) for c in chart.classes]


def test_sic_rasters_are_in_percent_other_charts_in_classes():
    assert SIC.raster_values == tuple(range(0, 101, 10))
    assert SOD.raster_values == SOD.values and FLOE.raster_values == FLOE.values


def test_sic_raster_legend_has_one_row_per_wmo_class_over_percent_values():
    root = ET.parse(STYLES / "sic.qml").getroot()
    shader = root.find(".//colorrampshader")
    assert shader.get("colorRampType") == "DISCRETE"
    items = [
        (int(i.get("value")), rgb(i.get("color")), i.get("label")) for i in shader.iter("item")
    ]
    assert items == [
        (0, (150, 200, 255), "Open water (< 1/10)"),
        (30, (140, 255, 160), "Very open drift ice (1-3/10)"),
        (60, (255, 255, 0), "Open drift ice (4-6/10)"),
        (80, (255, 125, 7), "Close drift ice (7-8/10)"),
        (100, (255, 0, 0), "Very close drift ice (9-10/10)"),
    ]


@pytest.mark.parametrize("name", ["sic", "sod", "floe", "confidence"])
def test_every_raster_style_stores_its_ramp_not_random_colours(name):
    root = ET.parse(STYLES / f"{name}.qml").getroot()
    ramp = root.find(".//colorramp")
    assert ramp.get("type") == "gradient" and ramp.get("name") == "[source]"


def test_confidence_is_neutral_grey():
    root = ET.parse(STYLES / "confidence.qml").getroot()
    colours = [rgb(i.get("color")) for i in root.findall(".//colorrampshader/item")]
    assert all(r == g == b for r, g, b in colours)


def test_polygon_sic_style_follows_the_wmo_code_with_ice_free_and_fast_ice():
    root = ET.parse(STYLES / "sigrid_sic.qml").getroot()
    assert root.get("labelsEnabled") == "1"
    renderer = root.find("renderer-v2")
    symbols = {s.get("name"): s for s in renderer.findall("symbols/symbol")}
    got = []
    for rule in renderer.findall("rules/rule"):
        fill = symbols[rule.get("symbol")].find("layer/prop[@k='color']").get("v")
        got.append((rule.get("label"), tuple(map(int, fill.split(",")[:3]))))
    assert got[:7] == [
        ("Ice free", (0, 100, 255)),
        ("Open water (< 1/10)", (150, 200, 255)),
        ("Very open drift ice (1-3/10)", (140, 255, 160)),
        ("Open drift ice (4-6/10)", (255, 255, 0)),
        ("Close drift ice (7-8/10)", (255, 125, 7)),
        ("Very close drift ice (9-10/10)", (255, 0, 0)),
        ("Fast ice", (150, 150, 150)),
    ]
    assert 'shapeType="2"' in (STYLES / "sigrid_sic.qml").read_text()  # the egg's oval


def test_outline_style_has_no_fill():
    root = ET.parse(STYLES / "sigrid_outline.qml").getroot()
    styles = {p.get("v") for p in root.findall(".//prop[@k='style']")}
    assert styles == {"no"}


@pytest.mark.parametrize("name", ["SOD", "FLOE"])
def test_polygon_style_categories_match_the_table(name):
    root = ET.parse(STYLES / f"sigrid_{name.lower()}.qml").getroot()
    renderer = root.find("renderer-v2")
    assert renderer.get("attr") == CLASS_FIELDS[name]
    symbols = {s.get("name"): s for s in renderer.findall("symbols/symbol")}
    for category, ice_class in zip(renderer.findall("categories/category"), CHARTS[name].classes):
        assert int(category.get("value")) == ice_class.value
        fill = symbols[category.get("symbol")].find("layer/prop[@k='color']").get("v")
        assert tuple(map(int, re.split(",", fill)[:3])) == ice_class.colour
    last = renderer.findall("categories/category")[-1]
    assert int(last.get("value")) == MASK


COLOUR_DOC = REPO_ROOT.parent / "shared" / "docs" / "ice-chart-colours.md"


def _doc_colours() -> dict[str, tuple[int, int, int]]:
    if not COLOUR_DOC.is_file():
        pytest.skip(f"{COLOUR_DOC.name} is not beside the repository (../shared/docs)")
    rows = re.findall(r"^\| (.+?) \| (\d+),(\d+),(\d+) \|$", COLOUR_DOC.read_text(), re.M)
    # The document writes ranges with an en dash; the legends use a plain hyphen.
    return {name.replace("\u2013", "-"): (int(r), int(g), int(b)) for name, r, g, b in rows}


def test_every_wmo_legend_colour_is_the_documented_one():
    from core.icechart.qml import WMO_CONCENTRATION

    doc = _doc_colours()
    documented = {
        "Ice free": doc["ice free"],
        "Open water (< 1/10)": doc["< 1/10 (open water)"],
        "Very open drift ice (1-3/10)": doc["1-3/10"],
        "Open drift ice (4-6/10)": doc["4-6/10"],
        "Close drift ice (7-8/10)": doc["7-8/10"],
        "Very close drift ice (9-10/10)": doc["9-10/10"],
        "Fast ice": doc["fast ice"],
    }
    assert {c.label: c.colour for c in WMO_CONCENTRATION} == documented
    stages = {c.value: c.colour for c in SOD.classes}
    assert stages[1] == doc["new ice"]
    assert stages[2] == doc["grey ice"]  # young ice: the grey-ice purple (docs/charts.md)
    assert stages[3] == doc["thin first-year"]
    assert stages[4] == doc["thick first-year"]
    assert stages[5] == doc["old ice"]
