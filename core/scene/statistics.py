"""Dataset-wide mean/std (physical units) AI4Arctic standard-scaled its inputs with.

Figures from the organisers' ``misc/global_meanstd.npy`` as tabulated in the project spec
(§1.5), rounded there to 3-5 significant digits; a test compares them with the real file when
``../shared/data/real/ai4arctic/global_meanstd.json`` is present. Needed to make synthetic
scenes in the same units; real ready-to-train scenes are already scaled.
"""

from __future__ import annotations

GLOBAL_MEAN_STD: dict[str, tuple[float, float]] = {
    "nersc_sar_primary": (-14.5083, 5.6597),
    "nersc_sar_secondary": (-24.7012, 4.7468),
    "sar_incidenceangle": (33.9980, 8.3223),
    "distance_map": (23.6277, 14.9902),
    "btemp_6_9h": (148.847, 61.648),
    "btemp_6_9v": (203.519, 38.666),
    "btemp_7_3h": (149.899, 61.675),
    "btemp_7_3v": (204.205, 38.666),
    "btemp_10_7h": (153.892, 60.875),
    "btemp_10_7v": (208.904, 36.245),
    "btemp_18_7h": (165.680, 52.618),
    "btemp_18_7v": (218.587, 28.060),
    "btemp_23_8h": (182.209, 42.887),
    "btemp_23_8v": (226.396, 22.118),
    "btemp_36_5h": (185.195, 38.644),
    "btemp_36_5v": (228.206, 17.653),
    "btemp_89_0h": (212.537, 22.585),
    "btemp_89_0v": (241.257, 16.311),
    "u10m_rotated": (0.6748, 4.7496),
    "v10m_rotated": (0.6076, 5.1961),
    "t2m": (268.627, 9.469),
    "skt": (268.910, 10.305),
    "tcwv": (7.7477, 5.2686),
    "tclw": (0.041246, 0.071128),
}

# MMSeaIce normalises the tie-point grids itself (configs/_base_/base.py).
LATITUDE_MEAN_STD = (69.12526250065734, 7.03179625261593)
LONGITUDE_MEAN_STD = (-56.38966259295485, 31.32935694114249)


def scale(name: str, values):
    mean, std = GLOBAL_MEAN_STD[name]
    return (values - mean) / std


def unscale(name: str, values):
    mean, std = GLOBAL_MEAN_STD[name]
    return values * std + mean
