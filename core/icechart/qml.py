"""QGIS styles (.qml) generated from the class tables, so colours live in one place.

Two kinds: a paletted-raster style per chart (for predicted and labelled chart GeoTIFFs) and a
categorised-polygon style per chart for SIGRID-3 layers, keyed on the decoded-class fields.
Written as text (no XML library: the plugin repository's bandit scan flags them), escaping
every label.
"""

from __future__ import annotations

from html import escape

from .classes import CHARTS, MASK, RGB, ChartClasses

QGIS_VERSION = "3.22.16-Białowieża"
MASK_LABEL = "Land / no data / ambiguous"
MASK_OUTLINE = "160,160,160,255"

# Decoded-class fields a styled SIGRID-3 layer carries (10 characters at most: shapefiles).
CLASS_FIELDS = {"SIC": "SIC_CLASS", "SOD": "SOD_CLASS", "FLOE": "FLOE_CLASS"}


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


# The end every raster style shares: neutral colour adjustments, then the blend mode.
_RASTER_TAIL = """    <brightnesscontrast brightness="0" contrast="0" gamma="1"/>
    <huesaturation saturation="0" grayscaleMode="0" colorizeOn="0" colorizeRed="255" colorizeGreen="128" colorizeBlue="128" colorizeStrength="100"/>
    <rasterresampler maxOversampling="2"/>
  </pipe>
  <blendMode>0</blendMode>
</qgis>
"""  # noqa: E501 (QGIS's own attribute layout)


def _min_max_origin(limits: str, accuracy: str) -> str:
    """How QGIS derives a band's display range: ``limits`` None, or a 2-98 % cumulative cut."""
    return f"""      <minMaxOrigin>
        <limits>{limits}</limits>
        <extent>WholeRaster</extent>
        <statAccuracy>{accuracy}</statAccuracy>
        <cumulativeCutLower>0.02</cumulativeCutLower>
        <cumulativeCutUpper>0.98</cumulativeCutUpper>
        <stdDevFactor>2</stdDevFactor>
      </minMaxOrigin>"""


def raster_qml(chart: ChartClasses) -> str:
    """Paletted raster style; the mask value is nodata in the files, so it has no entry."""
    entries = "\n".join(
        f'          <paletteEntry value="{value}" color="{_hex(c.colour)}" alpha="255" '
        f'label="{escape(c.label)}"/>'
        for value, c in zip(chart.raster_values, chart.classes)
    )
    return f"""<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="{QGIS_VERSION}" styleCategories="AllStyleCategories">
  <pipe>
    <provider>
      <resampling enabled="false" zoomedInResamplingMethod="nearestNeighbour" zoomedOutResamplingMethod="nearestNeighbour" maxOversampling="2"/>
    </provider>
    <rasterrenderer type="paletted" band="1" opacity="1" alphaBand="-1" nodataColor="">
      <rasterTransparency/>
{_min_max_origin("None", "Estimated")}
      <colorPalette>
{entries}
      </colorPalette>
      <colorramp type="randomcolors" name="[source]"/>
    </rasterrenderer>
{_RASTER_TAIL}"""  # noqa: E501 (QGIS's own attribute layout)


def _fill_symbol(name: str, fill: str, outline: str) -> str:
    return f"""      <symbol type="fill" name="{name}" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <prop k="color" v="{fill}"/>
          <prop k="style" v="solid"/>
          <prop k="outline_color" v="{outline}"/>
          <prop k="outline_style" v="solid"/>
          <prop k="outline_width" v="0.26"/>
          <prop k="outline_width_unit" v="MM"/>
          <prop k="joinstyle" v="bevel"/>
        </layer>
      </symbol>"""


def polygon_qml(chart: ChartClasses) -> str:
    """Categorised style of a SIGRID-3 polygon layer on its decoded ``<CHART>_CLASS`` field."""
    field = CLASS_FIELDS[chart.chart]
    rows = [
        (c.value, c.label, "{},{},{},255".format(*c.colour), "35,35,35,255") for c in chart.classes
    ]
    rows.append((MASK, MASK_LABEL, "255,255,255,0", MASK_OUTLINE))
    categories = "\n".join(
        f'      <category render="true" value="{value}" symbol="{i}" label="{escape(label)}"/>'
        for i, (value, label, _, _) in enumerate(rows)
    )
    symbols = "\n".join(
        _fill_symbol(str(i), fill, outline) for i, (_, _, fill, outline) in enumerate(rows)
    )
    return _vector_renderer(
        f'type="categorizedSymbol" attr="{field}"', "categories", categories, symbols
    )


def _vector_renderer(kind: str, items_tag: str, items: str, symbols: str) -> str:
    """A polygon style: a renderer of ``kind`` with its items (categories, ranges) and fills."""
    return f"""<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="{QGIS_VERSION}" styleCategories="Symbology">
  <renderer-v2 {kind} symbollevels="0" enableorderby="0" forceraster="0">
    <{items_tag}>
{items}
    </{items_tag}>
    <symbols>
{symbols}
    </symbols>
    <rotation/>
    <sizescale/>
  </renderer-v2>
  <blendMode>0</blendMode>
  <featureBlendMode>0</featureBlendMode>
</qgis>
"""


def _single_band(renderer: str, body: str) -> str:
    return f"""<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="{QGIS_VERSION}" styleCategories="AllStyleCategories">
  <pipe>
    <rasterrenderer type="{renderer}" band="1" grayBand="1" opacity="1" alphaBand="-1" nodataColor="" gradient="BlackToWhite">
      <rasterTransparency/>
{body}
    </rasterrenderer>
{_RASTER_TAIL}"""  # noqa: E501


# Confidence, 0-100 %: dark red (unsure) through yellow to dark green (sure), as heat maps read.
CONFIDENCE_RAMP = ((0, (165, 0, 38)), (50, (254, 224, 139)), (100, (0, 104, 55)))


def ramp_qml(ramp: tuple[tuple[int, RGB], ...], unit: str) -> str:
    """Pseudocolour style interpolating ``ramp`` ((value, colour), ...) over its value range."""
    low, high = ramp[0][0], ramp[-1][0]
    items = "\n".join(
        f'          <item value="{v}" color="{_hex(rgb)}" alpha="255" label="{v} {unit}"/>'
        for v, rgb in ramp
    )
    body = f"""      <rastershader>
        <colorrampshader colorRampType="INTERPOLATED" classificationMode="1" clip="0" minimumValue="{low}" maximumValue="{high}">
{items}
        </colorrampshader>
      </rastershader>"""  # noqa: E501
    return _single_band("singlebandpseudocolor", body).replace(
        'band="1" grayBand="1"', f'band="1" classificationMin="{low}" classificationMax="{high}"'
    )


def confidence_qml() -> str:
    """Pseudocolour style of a confidence layer (percent, 255 = no data)."""
    return ramp_qml(CONFIDENCE_RAMP, "%")


def graduated_polygon_qml(field: str, ranges: tuple[tuple[float, float, str, RGB], ...]) -> str:
    """Graduated style of a polygon layer on ``field``: (lower, upper, label, colour) rows."""
    rows = "\n".join(
        f'      <range render="true" lower="{lo}" upper="{hi}" symbol="{i}" '
        f'label="{escape(label)}"/>'
        for i, (lo, hi, label, _) in enumerate(ranges)
    )
    symbols = "\n".join(
        _fill_symbol(str(i), "{},{},{},255".format(*rgb), "35,35,35,255")
        for i, (_, _, _, rgb) in enumerate(ranges)
    )
    kind = f'type="graduatedSymbol" attr="{field}" graduatedMethod="GraduatedColor"'
    return _vector_renderer(kind, "ranges", rows, symbols)


def sar_qml(low: float, high: float) -> str:
    """Grey style of a SAR layer stretched from ``low`` to ``high`` (its 2nd-98th percentiles)."""
    body = f"""{_min_max_origin("CumulativeCut", "Exact")}
      <contrastEnhancement>
        <minValue>{low:.4g}</minValue>
        <maxValue>{high:.4g}</maxValue>
        <algorithm>StretchToMinimumMaximum</algorithm>
      </contrastEnhancement>"""
    return _single_band("singlebandgray", body)


def all_styles() -> dict[str, str]:
    """File name → QML text of every style the project ships in ``resources/styles``."""
    styles = {}
    for name, chart in CHARTS.items():
        styles[f"{name.lower()}.qml"] = raster_qml(chart)
        styles[f"sigrid_{name.lower()}.qml"] = polygon_qml(chart)
    styles["confidence.qml"] = confidence_qml()
    return styles
