"""Which bundled weights suit Sentinel-1 products when the user names none.

A product provides HH, HV, incidence angle, distance map, month and location, not AMSR2 or
ERA5, so the 16-channel default cannot run on it; the bundled SAFE-only demonstration weights
(``resources/weights/safe-only.json``, when shipped) can. Filling the missing channels with
zeros is never done: the paper's ablations retrain without them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..model.manifest import BUNDLED_WEIGHTS
from .container import is_safe_product

SAFE_ONLY_WEIGHTS = BUNDLED_WEIGHTS.with_name("safe-only.json")


def default_weights_for(scenes: Sequence[Path], safe_only: Path = SAFE_ONLY_WEIGHTS) -> Path | None:
    """The SAFE-only bundle when every scene is a Sentinel-1 product and it is shipped;
    None (the default bundle) otherwise: a mixed batch keeps one model, and its products are
    refused with a message naming the channels they lack."""
    if scenes and all(is_safe_product(s) for s in scenes) and safe_only.is_file():
        return safe_only
    return None
