"""Physical signatures of open water and sea-ice stages in SAR and passive microwave.

Backscatter values are typical C-band HH/HV sigma-nought at 35° incidence from the sea-ice
literature (grey/young ice and old ice bright in HV, calm water dark, wind-roughened water
bright in HH): approximate, chosen so that SAR alone confuses windy water with ice while HV
and AMSR2 separate them, as in real scenes. Brightness temperatures at 6.9V, 18.7V, 36.5H and
36.5V are the real open-water / first-year / multi-year tie-points of the ESA CCI sea-ice
round-robin data package (CIMR ATBD files in ../shared/data/real/passive_microwave/); the other
channels are interpolated from them and marked as approximate.
"""

from __future__ import annotations

import numpy as np

# Surface kinds used by the generator (index into the tables below).
WATER, NEW, YOUNG, THIN_FY, THICK_FY, OLD, LAND = range(7)
SOD_TO_KIND = {1: NEW, 2: YOUNG, 3: THIN_FY, 4: THICK_FY, 5: OLD}

# sigma0 at 35° in dB: (HH, HV). Water depends on wind; see water_backscatter().
ICE_DB = np.array(
    [
        [np.nan, np.nan],  # water: from wind
        [-21.0, -29.0],  # new ice, nilas: smooth and dark
        [-15.5, -25.0],  # young (grey, grey-white): frost flowers, rafting
        [-17.0, -25.5],  # thin first-year
        [-15.0, -23.5],  # medium/thick first-year: ridges
        [-10.5, -17.0],  # old ice: volume scattering, bright in HV
        [-8.0, -15.0],  # land
    ],
    dtype=np.float32,
)
ICE_SLOPE_DB_PER_DEG = (-0.20, -0.12)  # HH, HV
WATER_SLOPE_DB_PER_DEG = (-0.35, -0.10)
HV_NOISE_FLOOR_DB = -31.0  # residual EW noise after the NERSC correction, with banding
ENL = 10.0  # equivalent number of looks of EW GRDM averaged to 80 m


def water_backscatter(wind_speed: np.ndarray, incidence: np.ndarray) -> tuple[np.ndarray, ...]:
    """HH, HV of open water in dB: calm water is dark, a 12 m/s wind makes HH ice-bright."""
    ws = np.maximum(wind_speed, 0.5)
    hh = -22.0 + 20.0 * np.log10(ws / 5.0) + WATER_SLOPE_DB_PER_DEG[0] * (incidence - 35.0)
    hv = -31.5 + 6.0 * np.log10(ws / 5.0) + WATER_SLOPE_DB_PER_DEG[1] * (incidence - 35.0)
    return hh.astype(np.float32), hv.astype(np.float32)


# AMSR2 brightness temperatures (K) per channel: (open water, first-year, multi-year, land).
TB = {
    "6_9h": (85.0, 235.0, 230.0, 250.0),  # approximate
    "6_9v": (162.6, 255.8, 252.2, 262.0),  # CCI RRDP tie-points (tb06v)
    "7_3h": (86.0, 235.5, 229.0, 250.0),  # approximate
    "7_3v": (163.5, 255.8, 251.5, 262.0),  # approximate
    "10_7h": (92.0, 238.0, 222.0, 251.0),  # approximate
    "10_7v": (170.0, 257.0, 245.0, 262.0),  # approximate
    "18_7h": (112.0, 242.0, 205.0, 252.0),  # approximate
    "18_7v": (190.8, 258.9, 230.3, 263.0),  # CCI RRDP tie-points (tb19v)
    "23_8h": (135.0, 240.0, 195.0, 252.0),  # approximate
    "23_8v": (205.0, 256.0, 215.0, 262.0),  # approximate
    "36_5h": (152.5, 239.5, 180.3, 250.0),  # CCI RRDP tie-points (tb37h)
    "36_5v": (215.7, 254.2, 194.8, 258.0),  # CCI RRDP tie-points (tb37v)
    "89_0h": (200.0, 235.0, 205.0, 250.0),  # approximate
    "89_0v": (245.0, 248.0, 215.0, 256.0),  # approximate
}
# Wind roughening raises open-water emission, more in H than in V (K per m/s above 5 m/s).
TB_WIND_K_PER_MS = {"h": 1.2, "v": 0.6}
# AMSR2 footprints are tens of km: blur sigma in 2 km cells (low frequencies blur most).
TB_BLUR_CELLS = {
    "6_9": 8.0,
    "7_3": 8.0,
    "10_7": 6.0,
    "18_7": 4.0,
    "23_8": 4.0,
    "36_5": 2.5,
    "89_0": 1.5,
}


def brightness_temperature(
    channel: str, ice: np.ndarray, old_share: np.ndarray, land: np.ndarray, wind: np.ndarray
) -> np.ndarray:
    """Linear mixing of water, first-year, multi-year and land emission on the 2 km grid."""
    ow, fy, my, ground = TB[channel]
    water = ow + TB_WIND_K_PER_MS[channel[-1]] * np.maximum(wind - 5.0, 0.0)
    sea = (1 - ice) * water + ice * ((1 - old_share) * fy + old_share * my)
    return (land * ground + (1 - land) * sea).astype(np.float32)
