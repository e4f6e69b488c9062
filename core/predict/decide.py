"""From raw outputs to chart classes and a confidence per pixel and head.

- SOD, FLOE: the most probable class; confidence is its probability.
- SIC: the regression output rounded to the nearest tenth and clamped to 0..10 (MMSeaIce
  clamps to 12, a bug); confidence is 1 - 2·|x - round(x)| on the clamped value: 1 on a class
  value, 0 halfway between two classes.
Confidences are stored as whole percent. Invalid pixels (no SAR, land) get MASK everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ModelFormatError
from ..icechart.classes import MASK, SIC

SIC_MAX = SIC.n_classes - 1


@dataclass
class RawOutputs:
    """Per-pixel outputs at the downscaled grid, as float32 numpy arrays (made by forward.py;
    kept here, free of torch, so that reading a scene never imports torch)."""

    sic: np.ndarray  # (h, w) tenths, before rounding
    sod: np.ndarray  # (classes, h, w) probabilities
    floe: np.ndarray  # (classes, h, w) probabilities


@dataclass
class Prediction:
    """Decided charts at the downscaled grid: uint8, MASK where not valid."""

    sic: np.ndarray  # tenths 0..10
    sod: np.ndarray
    floe: np.ndarray
    sic_confidence: np.ndarray  # percent 0..100
    sod_confidence: np.ndarray
    floe_confidence: np.ndarray
    valid: np.ndarray

    def charts(self) -> dict[str, np.ndarray]:
        return {"SIC": self.sic, "SOD": self.sod, "FLOE": self.floe}

    def confidences(self) -> dict[str, np.ndarray]:
        return {
            "SIC": self.sic_confidence,
            "SOD": self.sod_confidence,
            "FLOE": self.floe_confidence,
        }


def _masked(values: np.ndarray, valid: np.ndarray) -> np.ndarray:
    return np.where(valid, values, MASK).astype(np.uint8)


def _percent(values: np.ndarray) -> np.ndarray:
    return np.rint(np.clip(values, 0, 1) * 100)


def decide(raw: RawOutputs, valid: np.ndarray) -> Prediction:
    # A non-finite output (overflowing or broken weights) says nothing: mask it, never let it
    # become class 0 (open water) with full confidence.
    finite = np.isfinite(raw.sic) & np.isfinite(raw.sod).all(0) & np.isfinite(raw.floe).all(0)
    if not finite.any():
        raise ModelFormatError(
            "The model produced no finite output (NaN or infinity everywhere): its weights or "
            "the scene's inputs are broken. Check the weight bundle and the scene."
        )
    valid = valid & finite
    if not finite.all():
        raw = RawOutputs(
            sic=np.where(finite, raw.sic, 0),
            sod=np.where(finite, raw.sod, 0),
            floe=np.where(finite, raw.floe, 0),
        )
    sic = np.clip(raw.sic, 0, SIC_MAX)
    sic_class = np.rint(sic)
    sod_class = raw.sod.argmax(0)
    floe_class = raw.floe.argmax(0)
    return Prediction(
        sic=_masked(sic_class, valid),
        sod=_masked(sod_class, valid),
        floe=_masked(floe_class, valid),
        sic_confidence=_masked(_percent(1 - 2 * np.abs(sic - sic_class)), valid),
        sod_confidence=_masked(_percent(raw.sod.max(0)), valid),
        floe_confidence=_masked(_percent(raw.floe.max(0)), valid),
        valid=valid,
    )


def to_full_grid(classes: np.ndarray, shape: tuple[int, int], factor: int) -> np.ndarray:
    """Nearest upsampling back to the 80 m grid: each block takes its downscaled pixel."""
    return classes.repeat(factor, 0)[: shape[0]].repeat(factor, 1)[:, : shape[1]]
