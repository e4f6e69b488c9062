"""AI4Arctic classes → SIGRID-3 egg codes: the inverse of ``eggcode.decode`` for one class each.

A draft chart polygon is homogeneous: one SIC, one SOD and one FLOE class. It becomes a
single-partial egg code: CT from the concentration (10/10 is ``92``, open water ``01``), CA left
blank (it then equals CT), SA a representative stage and FA a representative form of the
class; a stage or form the prediction leaves open (MASK) is ``99``, "undetermined". Water
polygons carry POLY_TYPE ``W`` and no stage or form. Codes are written as the
two-digit strings SIGRID-3 uses; ``eggcode.decode`` gives the same classes back (tested).
"""

from __future__ import annotations

import numpy as np

from .classes import MASK
from .eggcode import CODE_FIELDS

OPEN_WATER_CT = "01"  # "open water, less than 1/10"
UNDETERMINED = "99"
FULL_CT = "92"  # 10/10
# SOD class → stage: new ice, young ice, thin first-year, medium first-year, old ice.
STAGE_CODES = {1: "81", 2: "83", 3: "87", 4: "91", 5: "95"}
# FLOE class → form: ice cake, small floe, medium floe, big floe, vast floe, icebergs.
FORM_CODES = {1: "02", 2: "03", 3: "04", 4: "05", 5: "06", 6: "10"}


def _codes(table: dict[int, str], classes: np.ndarray, water: np.ndarray) -> np.ndarray:
    out = np.where(water, "", UNDETERMINED).astype(object)
    for value, code in table.items():
        out[(classes == value) & ~water] = code
    return out


def encode(sic: np.ndarray, sod: np.ndarray, floe: np.ndarray) -> dict[str, np.ndarray]:
    """SIGRID-3 fields (POLY_TYPE and every code field, as strings) for arrays of classes.

    ``sic`` is in tenths (0..10). Open water (SIC 0) gets POLY_TYPE ``W`` and blank SA, FA;
    ice with SOD or FLOE masked (255), or given as 0, gets ``99``, which decodes to the mask.
    """
    sic, sod, floe = (np.asarray(a) for a in (sic, sod, floe))
    if sic.size and (sic.max() > 10 or (sic == MASK).any()):
        raise ValueError("SIC classes must be tenths 0..10; masked pixels have no polygon")
    water = sic == 0
    ct = np.where(water, OPEN_WATER_CT, np.char.zfill((sic * 10).astype(str), 2)).astype(object)
    ct[sic == 10] = FULL_CT
    fields = {name: np.full(sic.shape, "", dtype=object) for name in CODE_FIELDS}
    fields["CT"] = ct
    fields["SA"] = _codes(STAGE_CODES, sod, water)
    fields["FA"] = _codes(FORM_CODES, floe, water)
    fields["POLY_TYPE"] = np.where(water, "W", "I").astype(object)
    return fields
