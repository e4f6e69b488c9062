"""Homogeneous regions of a prediction: one key per (SIC, SOD, FLOE), speckle merged away."""

from __future__ import annotations

import numpy as np
from rasterio.features import sieve

from ..icechart.classes import MASK

NO_REGION = -1
UNDETERMINED = 9  # key digit of a stage or form the prediction leaves open


def region_keys(sic: np.ndarray, sod: np.ndarray, floe: np.ndarray) -> np.ndarray:
    """int32 key SIC·100 + SOD·10 + FLOE per pixel, NO_REGION where any chart is masked.

    Keys state the prediction as a chart would: open water (SIC 0) has no stage or form (0),
    and ice whose predicted stage or form is "open water" has that stage or form undetermined
    (the heads disagree there; the analyst decides).
    """
    sic, sod, floe = (np.asarray(a).astype(np.int32) for a in (sic, sod, floe))
    valid = (sic != MASK) & (sod != MASK) & (floe != MASK)
    water = sic == 0
    sod = np.where(sod == 0, UNDETERMINED, sod)
    floe = np.where(floe == 0, UNDETERMINED, floe)
    key = sic * 100 + np.where(water, 0, sod * 10 + floe)
    return np.where(valid, key, NO_REGION).astype(np.int32)


def split_key(key: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Keys → SIC (tenths), SOD and FLOE classes; an undetermined stage or form is MASK."""
    key = np.asarray(key)
    sod, floe = (key // 10) % 10, key % 10
    sod = np.where(sod == UNDETERMINED, MASK, sod)
    floe = np.where(floe == UNDETERMINED, MASK, floe)
    return key // 100, sod, floe


def merge_small_regions(key: np.ndarray, min_pixels: int) -> np.ndarray:
    """Regions under ``min_pixels`` (4-connected) join their largest neighbour (GDAL sieve).

    Pixels without a key stay out; a small region with no keyed neighbour survives. A minimum
    as large as all valid pixels together leaves the most common key everywhere (GDAL's sieve
    cannot merge regions that are all below its threshold).
    """
    if min_pixels <= 1:
        return key
    valid = key != NO_REGION
    if min_pixels >= valid.sum():
        values, counts = np.unique(key[valid], return_counts=True)
        return np.where(valid, values[np.argmax(counts)], NO_REGION).astype(np.int32)
    merged = sieve(key, size=int(min_pixels), mask=valid, connectivity=4)
    return np.where(valid, merged, NO_REGION).astype(np.int32)
