"""Class tables of the three AI4Arctic charts, with names and WMO ice-chart colours.

Values follow the AI4Arctic ready-to-train labels (spec §2): SIC in tenths 0..10, SOD 0..5,
FLOE 0..6, and 255 wherever the chart says nothing (land, no data, ambiguous polygons).

Colours follow the WMO Ice Chart Colour Code Standard (JCOMM TR-24, 2014) as the Canadian Ice
Service styles it. Choices where AI4Arctic classes do not map one to one onto WMO colours:
- class 0 of every chart merges ice free (SIGRID 00/55/98), open water < 1/10 (01), bergy water
  (02) and water polygons: it takes the WMO open-water colour (150, 200, 255);
- SOD 2 "young ice" merges grey (84) and grey-white (85) ice: it takes the grey-ice purple
  (135, 60, 215), which stands apart from the pale new-ice pink next to it;
- SOD 4 merges first-year (86), medium (91) and thick (93) first-year ice: it takes the
  thick-first-year green (0, 120, 0), matching AI4Arctic's name "thick first-year";
- FLOE has no WMO colour code: a light-to-dark sequential ramp from cake ice to vast floes,
  open water as above, and bergs in a purple that belongs to no ramp.
"""

from __future__ import annotations

from dataclasses import dataclass

MASK = 255  # chart value for "no information": never a class

RGB = tuple[int, int, int]

OPEN_WATER: RGB = (150, 200, 255)


@dataclass(frozen=True)
class IceClass:
    value: int
    name: str  # AI4Arctic's name
    label: str  # what an analyst reads in a legend
    colour: RGB


@dataclass(frozen=True)
class ChartClasses:
    chart: str  # "SIC", "SOD" or "FLOE"
    title: str
    classes: tuple[IceClass, ...]
    raster_scale: int = 1  # GeoTIFF value = class value × raster_scale (SIC: percent)

    @property
    def n_classes(self) -> int:
        return len(self.classes)

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(c.value for c in self.classes)

    @property
    def raster_values(self) -> tuple[int, ...]:
        return tuple(c.value * self.raster_scale for c in self.classes)

    def by_value(self, value: int) -> IceClass:
        for ice_class in self.classes:
            if ice_class.value == value:
                return ice_class
        raise KeyError(f"{self.chart} has no class {value!r}; classes are {self.values}")


def _sic_colour(tenths: int) -> RGB:
    """WMO total-concentration colour of a concentration in tenths."""
    if tenths == 0:
        return OPEN_WATER
    if tenths <= 3:
        return (140, 255, 160)
    if tenths <= 6:
        return (255, 255, 0)
    if tenths <= 8:
        return (255, 125, 7)
    return (255, 0, 0)


SIC = ChartClasses(
    chart="SIC",
    title="Sea Ice Concentration [%]",
    classes=tuple(
        IceClass(
            value=t,
            name="Open water" if t == 0 else f"{t}/10",
            label="Ice free / open water (0 %)" if t == 0 else f"{t}/10 ({10 * t} %)",
            colour=_sic_colour(t),
        )
        for t in range(11)
    ),
    raster_scale=10,
)

SOD = ChartClasses(
    chart="SOD",
    title="Stage of Development",
    classes=(
        IceClass(0, "Open water", "Open water", OPEN_WATER),
        IceClass(1, "New ice", "New ice (< 10 cm)", (240, 210, 250)),
        IceClass(2, "Young ice", "Young ice (10-30 cm)", (135, 60, 215)),
        IceClass(3, "Thin FYI", "Thin first-year ice (30-70 cm)", (155, 210, 0)),
        IceClass(4, "Thick FYI", "Medium/thick first-year ice (>= 70 cm)", (0, 120, 0)),
        IceClass(5, "Old ice", "Old ice", (180, 100, 50)),
    ),
)

FLOE = ChartClasses(
    chart="FLOE",
    title="Floe Size",
    classes=(
        IceClass(0, "Open water", "Open water", OPEN_WATER),
        IceClass(1, "Cake ice", "Ice cake (< 20 m)", (255, 237, 160)),
        IceClass(2, "Small floe", "Small floe (20-100 m)", (254, 201, 101)),
        IceClass(3, "Medium floe", "Medium floe (100-500 m)", (253, 141, 60)),
        IceClass(4, "Big floe", "Big floe (500 m-2 km)", (227, 74, 51)),
        IceClass(5, "Vast floe", "Vast/giant floe (>= 2 km)", (153, 52, 4)),
        IceClass(6, "Bergs", "Icebergs, growlers, bergy bits", (122, 1, 119)),
    ),
)

CHARTS: dict[str, ChartClasses] = {c.chart: c for c in (SIC, SOD, FLOE)}
CHART_NAMES = tuple(CHARTS)  # model head order: SIC, SOD, FLOE
