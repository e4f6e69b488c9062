"""The AI4Arctic ready-to-train netCDF layout (spec §1.2): variables, grids, dtypes, fills.

Three grids share one file: the 80 m SAR grid (charts, SAR, incidence angle, distance map),
a 21 × 21 tie-point grid of latitude/longitude, and the 2 km grid of AMSR2 and ERA5 (one cell
per 25 × 25 SAR pixels). Every input variable is already standard-scaled with global statistics.
"""

from __future__ import annotations

SAR_DIMS = ("sar_lines", "sar_samples")
TIE_DIMS = ("sar_sample_2dgrid_points", "sar_line_2dgrid_points")
COARSE_DIMS = ("2km_grid_lines", "2km_grid_samples")

CHART_VARIABLES = ("SIC", "SOD", "FLOE")
SAR_VARIABLES = ("nersc_sar_primary", "nersc_sar_secondary", "sar_incidenceangle", "distance_map")
LATLON_VARIABLES = ("sar_grid2d_latitude", "sar_grid2d_longitude")
AMSR2_VARIABLES = tuple(
    f"btemp_{freq}{pol}"
    for freq in ("6_9", "7_3", "10_7", "18_7", "23_8", "36_5", "89_0")
    for pol in ("h", "v")
)
ERA5_VARIABLES = ("u10m_rotated", "v10m_rotated", "t2m", "skt", "tcwv", "tclw")
COARSE_VARIABLES = AMSR2_VARIABLES + ERA5_VARIABLES
INPUT_VARIABLES = SAR_VARIABLES + COARSE_VARIABLES  # the 24 standard-scaled inputs

DIMS: dict[str, tuple[str, str]] = {
    **{name: SAR_DIMS for name in CHART_VARIABLES + SAR_VARIABLES},
    **{name: TIE_DIMS for name in LATLON_VARIABLES},
    **{name: COARSE_DIMS for name in COARSE_VARIABLES},
}

TIE_POINTS = 21  # the lat/lon grid is 21 × 21 points spread over the scene
PIXEL_SPACING_M = 80
COARSE_SPACING_M = 2000
COARSE_FACTOR = COARSE_SPACING_M // PIXEL_SPACING_M  # 25 SAR pixels per 2 km cell

CHART_FILL = 255
# Values a label pixel may hold: the classes of each chart (SIC in tenths) and the fill.
CHART_CLASS_VALUES = {
    "SIC": (*range(11), CHART_FILL),
    "SOD": (*range(6), CHART_FILL),
    "FLOE": (*range(7), CHART_FILL),
}
# The organisers' notebook and the winning code: SAR NaN became 0 after scaling (= the mean).
# The paper says 2. Files carry the value in `variable_fill_value`; this is the fallback.
SAR_FILL_FALLBACK = 0.0

POLAR_STEREO_NORTH = "EPSG:3413"  # NSIDC Sea Ice Polar Stereographic North: the default map CRS
