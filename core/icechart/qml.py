"""QGIS styles (.qml) generated from the class tables, so colours live in one place.

- Rasters (predicted and labelled chart GeoTIFFs): SIC in percent drawn with the WMO
  concentration classes as analysts read them (a discrete ramp: one legend row per WMO class,
  not one per tenth); SOD and FLOE paletted, one row per class. Each stores its palette as the
  style's source ramp, so pressing *Classify* in QGIS gives the WMO colours back.
- Confidence: a neutral grey ramp, apart from every ice hue.
- Polygons (draft charts, official SIGRID-3 charts): SIC by WMO class from the egg codes (ice
  free, open water, the four drift classes, fast ice), SOD and FLOE by decoded class, fills
  semi-transparent so SAR shows through, an outline-only variant for editing over SAR, and
  every one labelled with the WMO egg code (an oval: Ct; Ca Cb Cc; Sa Sb Sc; Fa Fb Fc).
Written as text (no XML library: the plugin repository's bandit scan flags them), escaping
every label and expression.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from .classes import CHARTS, MASK, OPEN_WATER, RGB, SIC, ChartClasses

QGIS_VERSION = "3.22.16-Białowieża"
MASK_LABEL = "Undetermined, land or no data"  # the decoded class is MASK for all three
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


def _gradient(colours: list[RGB]) -> str:
    """A discrete gradient with one equal band per colour: the source ramp QGIS reclassifies
    with, so *Classify* samples back these colours (never "Random colors")."""
    n = len(colours)
    stops = ":".join(f"{i / n:.6g};{r},{g},{b},255" for i, (r, g, b) in enumerate(colours) if i > 0)
    first, last = colours[0], colours[-1]
    return f"""<colorramp type="gradient" name="[source]">
        <prop k="color1" v="{first[0]},{first[1]},{first[2]},255"/>
        <prop k="color2" v="{last[0]},{last[1]},{last[2]},255"/>
        <prop k="discrete" v="1"/>
        <prop k="rampType" v="gradient"/>
        <prop k="stops" v="{stops}"/>
      </colorramp>"""


def raster_qml(chart: ChartClasses) -> str:
    """Raster style of a chart: SIC by WMO class, other charts paletted. The mask value is
    nodata in the files, so it has no entry."""
    if chart.chart == "SIC" and chart.raster_scale == SIC.raster_scale:
        return sic_raster_qml()
    entries = "\n".join(
        f'          <paletteEntry value="{value}" color="{_hex(c.colour)}" alpha="255" '
        f'label="{escape(c.label)}"/>'
        for value, c in zip(chart.raster_values, chart.classes)
    )
    ramp = _gradient([c.colour for c in chart.classes])
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
      {ramp}
    </rasterrenderer>
{_RASTER_TAIL}"""  # noqa: E501 (QGIS's own attribute layout)


@dataclass(frozen=True)
class WmoClass:
    """A class of the WMO total-concentration colour code as a chart legend shows it."""

    label: str
    colour: RGB
    tenths: tuple[int, int] | None  # AI4Arctic SIC classes it covers; None: from codes only


ICE_FREE: RGB = (0, 100, 255)
FAST_ICE: RGB = (150, 150, 150)


def _drift(label: str, low: int, high: int) -> WmoClass:
    return WmoClass(label, SIC.by_value(low).colour, (low, high))


# In legend order. AI4Arctic's class 0 merges ice free and open water (< 1/10): a raster has
# no way to tell them apart and shows it as open water; charts tell them by their CT code.
WMO_CONCENTRATION = (
    WmoClass("Ice free", ICE_FREE, None),
    WmoClass("Open water (< 1/10)", OPEN_WATER, (0, 0)),
    _drift("Very open drift ice (1-3/10)", 1, 3),
    _drift("Open drift ice (4-6/10)", 4, 6),
    _drift("Close drift ice (7-8/10)", 7, 8),
    _drift("Very close drift ice (9-10/10)", 9, 10),
    WmoClass("Fast ice", FAST_ICE, None),
)


def sic_raster_qml() -> str:
    """SIC in percent (0, 10, ..., 100) with one legend row per WMO class it can show.

    A discrete ramp: a cell takes the first row whose value is at least its own, so 0 is open
    water, 10-30 very open drift, ... 90-100 very close drift; values stay percent.
    """
    rows = [c for c in WMO_CONCENTRATION if c.tenths is not None]
    scale = SIC.raster_scale
    items = "\n".join(
        f'          <item value="{c.tenths[1] * scale}" color="{_hex(c.colour)}" alpha="255" '
        f'label="{escape(c.label)}"/>'
        for c in rows
        if c.tenths is not None
    )
    top = SIC.values[-1] * scale
    body = f"""{_min_max_origin("None", "Estimated")}
      <rastershader>
        <colorrampshader colorRampType="DISCRETE" classificationMode="2" clip="0" minimumValue="0" maximumValue="{top}" labelPrecision="0">
      {_gradient([c.colour for c in rows])}
{items}
        </colorrampshader>
      </rastershader>"""  # noqa: E501
    return _single_band("singlebandpseudocolor", body).replace(
        'band="1" grayBand="1"', f'band="1" classificationMin="0" classificationMax="{top}"'
    )


FILL_ALPHA = 150  # of 255: SAR shows through the fills (about 60 % opaque)
OUTLINE = "35,35,35,255"


def _fill_symbol(name: str, fill: str, outline: str, width: float = 0.26) -> str:
    style = "no" if fill.endswith(",0") else "solid"
    return f"""      <symbol type="fill" name="{name}" alpha="1" clip_to_extent="1" force_rhr="0">
        <layer class="SimpleFill" enabled="1" locked="0" pass="0">
          <prop k="color" v="{fill}"/>
          <prop k="style" v="{style}"/>
          <prop k="outline_color" v="{outline}"/>
          <prop k="outline_style" v="solid"/>
          <prop k="outline_width" v="{width}"/>
          <prop k="outline_width_unit" v="MM"/>
          <prop k="joinstyle" v="round"/>
        </layer>
      </symbol>"""


def _symbol(i: int, colour: RGB, outline_only: bool) -> str:
    """A class's fill: semi-transparent with a thin dark edge, or its colour as a bold edge."""
    rgb = "{},{},{}".format(*colour)
    if outline_only:
        return _fill_symbol(str(i), f"{rgb},0", f"{rgb},255", 0.8)
    return _fill_symbol(str(i), f"{rgb},{FILL_ALPHA}", OUTLINE)


# --- WMO egg code labels ------------------------------------------------------------------
# QGIS expressions that turn SIGRID-3 codes (strings or integers, blank or -9 when not filled)
# into the symbols of the WMO egg code. Unknown codes show as X.


def _code(field: str) -> str:
    return f"to_int(nullif(trim(to_string(\"{field}\")), ''))"


def _concentration(field: str) -> str:
    """CT/CA/...: 92 → 10, 91 → 9+, 01 → <1, 40 → 4, 46 → 4-6, 81 → 8-10."""
    return (
        f"with_variable('c', {_code(field)}, CASE WHEN @c IS NULL OR @c < 0 OR @c IN (0, 55, 98) "
        "THEN '' WHEN @c = 92 THEN '10' WHEN @c = 91 THEN '9+' WHEN @c IN (1, 2) THEN '<1' "
        "WHEN @c = 81 THEN '8-10' WHEN @c = 99 THEN 'X' WHEN @c % 10 = 0 THEN to_string(@c // 10) "
        "ELSE to_string(@c // 10) || '-' || to_string(@c % 10) END)"
    )


def _stage(field: str) -> str:
    """SA/SB/SC: 81-89 → 1-9 (new ice ... thin first-year), 91 → 1•, 93 → 4•, 95 → 7•,
    96 → 8•, 97 → 9• (medium first-year ... multi-year), 98 → ▲ (glacier ice)."""
    return (
        f"with_variable('s', {_code(field)}, CASE WHEN @s IS NULL OR @s < 81 THEN '' "
        "WHEN @s <= 89 THEN to_string(@s - 80) WHEN @s = 91 THEN '1•' WHEN @s = 93 THEN '4•' "
        "WHEN @s = 95 THEN '7•' WHEN @s = 96 THEN '8•' WHEN @s = 97 THEN '9•' "
        "WHEN @s = 98 THEN '▲' ELSE 'X' END)"
    )


def _form(field: str) -> str:
    """FA/FB/FC: 22 → 0 (pancake), 01-09 → 1-9, 10 → 9 (icebergs), 99 → X."""
    return (
        f"with_variable('f', {_code(field)}, CASE WHEN @f IS NULL OR @f < 0 THEN '' "
        "WHEN @f = 22 THEN '0' WHEN @f >= 1 AND @f <= 9 THEN to_string(@f) WHEN @f = 10 THEN '9' "
        "ELSE 'X' END)"
    )


def _row(parts: list[str]) -> str:
    return "trim(" + " || ' ' || ".join(parts) + ")"


# The oval's lines, top to bottom; empty lines are left out (a single-partial egg has no
# Ca Cb Cc row). Water, land and no-data polygons get no egg.
EGG_LINES = (
    _concentration("CT"),
    _row([_concentration(f) for f in ("CA", "CB", "CC")]),
    _row([_stage(f) for f in ("SA", "SB", "SC")]),
    _row([_form(f) for f in ("FA", "FB", "FC")]),
)
EGG_WRAP = "|"
EGG_EXPRESSION = (
    "CASE WHEN upper(\"POLY_TYPE\") = 'I' THEN array_to_string(array_filter(array("
    + ", ".join(EGG_LINES)
    + f"), @element <> ''), '{EGG_WRAP}') ELSE '' END"
)


def egg_labeling() -> str:
    """QGIS labeling: the egg code over each ice polygon, in a white oval with a black edge."""
    return f"""  <labeling type="simple">
    <settings calloutType="simple">
      <text-style fieldName="{escape(EGG_EXPRESSION)}" isExpression="1" fontFamily="Sans Serif" fontSize="7" fontSizeUnit="Point" fontWeight="50" fontItalic="0" textColor="0,0,0,255" textOpacity="1" multilineHeight="1" allowHtml="0" namedStyle="Regular" previewBkgrdColor="255,255,255,255">
        <text-buffer bufferDraw="0" bufferSize="0.5" bufferSizeUnits="MM" bufferColor="255,255,255,255" bufferOpacity="1"/>
        <background shapeDraw="1" shapeType="2" shapeSizeType="0" shapeSizeX="1.2" shapeSizeY="0.6" shapeSizeUnit="MM" shapeFillColor="255,255,255,235" shapeBorderColor="0,0,0,255" shapeBorderWidth="0.25" shapeBorderWidthUnit="MM" shapeOpacity="1" shapeJoinStyle="64" shapeRotationType="0" shapeRotation="0" shapeOffsetX="0" shapeOffsetY="0" shapeOffsetUnit="MM" shapeRadiiX="0" shapeRadiiY="0" shapeRadiiUnit="MM" shapeBlendMode="0"/>
        <shadow shadowDraw="0"/>
      </text-style>
      <text-format wrapChar="{EGG_WRAP}" multilineAlign="1" autoWrapLength="0" useMaxLineLengthForAutoWrap="1" formatNumbers="0" plussign="0" reverseDirectionSymbol="0" addDirectionSymbol="0" placeDirectionSymbol="0" leftDirectionSymbol="&lt;" rightDirectionSymbol="&gt;" decimals="3"/>
      <placement placement="1" centroidInside="1" centroidWhole="0" fitInPolygonOnly="1" priority="5" dist="0" distUnits="MM" offsetType="0" quadOffset="4" xOffset="0" yOffset="0" offsetUnits="MM" repeatDistance="0" repeatDistanceUnits="MM" overrunDistance="0" overrunDistanceUnit="MM" maxCurvedCharAngleIn="25" maxCurvedCharAngleOut="-25" rotationAngle="0" preserveRotation="1" placementFlags="10" layerType="PolygonGeometry" polygonPlacementFlags="2"/>
      <rendering obstacle="1" obstacleFactor="1" obstacleType="1" displayAll="0" upsidedownLabels="0" labelPerPart="0" mergeLines="0" limitNumLabels="0" maxNumLabels="2000" minFeatureSize="0" scaleVisibility="0" scaleMin="0" scaleMax="0" fontLimitPixelSize="0" fontMinPixelSize="3" fontMaxPixelSize="10000" zIndex="0" drawLabels="1" unplacedVisibility="0"/>
    </settings>
  </labeling>
"""  # noqa: E501 (QGIS's own attribute layout)


# --- polygon styles -----------------------------------------------------------------------


def _is_fast(prefix: str = "") -> str:
    return f"{prefix}{_code('FA')} = 8"


def _sic_rules() -> list[tuple[str, str, RGB]]:
    """(filter, label, colour) of each WMO concentration class, from CT and the decoded class:
    ice free (CT 00, 55, 98) apart from open water; fast ice (FA 08) apart from drift ice."""
    ice_free = f"{_code('CT')} IN (0, 55, 98)"
    rules = []
    for c in WMO_CONCENTRATION:
        if c.label == "Ice free":
            where = f'"SIC_CLASS" = 0 AND {ice_free}'
        elif c.label == "Fast ice":
            where = f'"SIC_CLASS" >= 1 AND "SIC_CLASS" <= 10 AND {_is_fast()}'
        elif c.tenths == (0, 0):
            where = f'"SIC_CLASS" = 0 AND NOT coalesce({ice_free}, false)'
        elif c.tenths is not None:
            low, high = c.tenths
            where = (
                f'"SIC_CLASS" >= {low} AND "SIC_CLASS" <= {high} '
                f"AND NOT coalesce({_is_fast()}, false)"
            )
        rules.append((where, c.label, c.colour))
    return rules


def polygon_qml(chart: ChartClasses, outline_only: bool = False) -> str:
    """Style of a SIGRID-3 polygon layer with decoded ``<CHART>_CLASS`` fields, egg-labelled.

    SIC: one rule per WMO concentration class (the egg codes tell ice free and fast ice);
    SOD, FLOE: categorised on the decoded class. Undetermined, land, no data: a grey outline."""
    field = CLASS_FIELDS[chart.chart]
    if chart.chart == "SIC":
        rules = [*_sic_rules(), (f'"{field}" = {MASK}', MASK_LABEL, (160, 160, 160))]
        items = "\n".join(
            f'      <rule key="{{{chart.chart}-{i}}}" filter="{escape(where)}" symbol="{i}" '
            f'label="{escape(label)}"/>'
            for i, (where, label, _) in enumerate(rules)
        )
        symbols = [_symbol(i, colour, outline_only) for i, (_, _, colour) in enumerate(rules)]
        symbols[-1] = _fill_symbol(str(len(rules) - 1), "255,255,255,0", MASK_OUTLINE)
        renderer = 'type="RuleRenderer"'
        tag = 'rules key="{root}"'
    else:
        rows = [(c.value, c.label, c.colour) for c in chart.classes]
        items = "\n".join(
            f'      <category render="true" value="{value}" symbol="{i}" label="{escape(label)}"/>'
            for i, (value, label, _) in enumerate([*rows, (MASK, MASK_LABEL, (0, 0, 0))])
        )
        symbols = [_symbol(i, colour, outline_only) for i, (_, _, colour) in enumerate(rows)]
        symbols.append(_fill_symbol(str(len(rows)), "255,255,255,0", MASK_OUTLINE))
        renderer = f'type="categorizedSymbol" attr="{field}"'
        tag = "categories"
    return _vector_renderer(renderer, tag, items, "\n".join(symbols), labels=True)


def _vector_renderer(
    kind: str, items_tag: str, items: str, symbols: str, labels: bool = False
) -> str:
    """A polygon style: a renderer of ``kind`` with its items (categories, ranges, rules) and
    fills, optionally with the egg-code labels."""
    closing = items_tag.split()[0]
    categories = "Symbology|Labeling" if labels else "Symbology"
    return f"""<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="{QGIS_VERSION}" styleCategories="{categories}" labelsEnabled="{int(labels)}">
  <renderer-v2 {kind} symbollevels="0" enableorderby="0" forceraster="0">
    <{items_tag}>
{items}
    </{closing}>
    <symbols>
{symbols}
    </symbols>
    <rotation/>
    <sizescale/>
  </renderer-v2>
{egg_labeling() if labels else ""}  <blendMode>0</blendMode>
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


# Confidence, 0-100 %: white (unsure) to near black (sure). Neutral on purpose: every hue of the
# ice charts (blues, greens, yellow, orange, red, purples, brown) would read as an ice class.
CONFIDENCE_RAMP = ((0, (255, 255, 255)), (50, (150, 150, 150)), (100, (37, 37, 37)))


def ramp_qml(ramp: tuple[tuple[int, RGB], ...], unit: str) -> str:
    """Pseudocolour style interpolating ``ramp`` ((value, colour), ...) over its value range."""
    low, high = ramp[0][0], ramp[-1][0]
    items = "\n".join(
        f'          <item value="{v}" color="{_hex(rgb)}" alpha="255" label="{v} {unit}"/>'
        for v, rgb in ramp
    )
    stops = ":".join(
        f"{(v - low) / (high - low):.6g};{r},{g},{b},255" for v, (r, g, b) in ramp[1:-1]
    )
    (r0, g0, b0), (r1, g1, b1) = ramp[0][1], ramp[-1][1]
    source = f"""<colorramp type="gradient" name="[source]">
          <prop k="color1" v="{r0},{g0},{b0},255"/>
          <prop k="color2" v="{r1},{g1},{b1},255"/>
          <prop k="discrete" v="0"/>
          <prop k="rampType" v="gradient"/>
          <prop k="stops" v="{stops}"/>
        </colorramp>"""
    body = f"""      <rastershader>
        <colorrampshader colorRampType="INTERPOLATED" classificationMode="1" clip="0" minimumValue="{low}" maximumValue="{high}">
        {source}
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
        _symbol(i, rgb, outline_only=False) for i, (_, _, _, rgb) in enumerate(ranges)
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
    styles["sigrid_outline.qml"] = polygon_qml(CHARTS["SIC"], outline_only=True)
    styles["confidence.qml"] = confidence_qml()
    return styles


def chart_styles() -> list[tuple[str, str, str]]:
    """(name, description, QML) of the styles a chart GeoPackage carries, the default first:
    QGIS lists them under the layer's *Load Style → From database*."""
    return [
        ("SIC (WMO)", "Total concentration, WMO colour code, egg-code labels", polygon_qml(SIC)),
        ("SOD (WMO)", "Stage of development, WMO colour code", polygon_qml(CHARTS["SOD"])),
        ("FLOE", "Floe size, sequential ramp", polygon_qml(CHARTS["FLOE"])),
        (
            "Outline (editing over SAR)",
            "Concentration classes as coloured outlines, no fill",
            polygon_qml(SIC, outline_only=True),
        ),
    ]
