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


@pytest.mark.parametrize("name", ["SIC", "SOD", "FLOE"])
def test_raster_style_palette_matches_the_table(name):
    root = ET.parse(STYLES / f"{name.lower()}.qml").getroot()
    entries = root.findall(".//colorPalette/paletteEntry")
    got = [(int(e.get("value")), rgb(e.get("color")), e.get("label")) for e in entries]
    chart = CHARTS[name]
    assert got == [(c.value * chart.raster_scale, c.colour, c.label) for c in chart.classes]


def test_sic_rasters_are_in_percent_other_charts_in_classes():
    assert SIC.raster_values == tuple(range(0, 101, 10))
    assert SOD.raster_values == SOD.values and FLOE.raster_values == FLOE.values


@pytest.mark.parametrize("name", ["SIC", "SOD", "FLOE"])
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
