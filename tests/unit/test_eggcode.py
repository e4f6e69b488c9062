"""Egg-code decoding reproduces AI4Arctic's label rules (spec §1.4, §2), vectorised."""

import pytest

from core.icechart.classes import MASK
from core.icechart.eggcode import (
    FLOE_CODES,
    INVALID,
    NOT_FILLED,
    SIC_CODES,
    SOD_CODES,
    DecodeOptions,
    EggCodes,
    decode,
    parse_codes,
)


def polygon(
    ct,
    ca="-9",
    sa="-9",
    fa="-9",
    cb="-9",
    sb="-9",
    fb="-9",
    cc="-9",
    sc="-9",
    fc="-9",
    poly_type="I",
):
    return dict(
        CT=ct, CA=ca, SA=sa, FA=fa, CB=cb, SB=sb, FB=fb, CC=cc, SC=sc, FC=fc, POLY_TYPE=poly_type
    )


def decode_rows(*rows, options=None):
    fields = {key: [row[key] for row in rows] for key in rows[0]}
    decoded = decode(EggCodes.from_fields(fields), options)
    return [tuple(int(x) for x in t) for t in zip(decoded.SIC, decoded.SOD, decoded.FLOE)], decoded


def test_lookup_tables_match_the_ai4arctic_tables():
    sic = {0: 0, 1: 0, 2: 0, 55: 0, 91: 10, 92: 10} | {10 * t: t for t in range(1, 10)}
    sod = {
        0: 0,
        80: 0,
        81: 1,
        82: 1,
        83: 2,
        84: 2,
        85: 2,
        87: 3,
        88: 3,
        89: 3,
        86: 4,
        91: 4,
        93: 4,
        95: 5,
        96: 5,
        97: 5,
        98: MASK,
        99: MASK,
    }
    floe = {
        0: 0,
        22: MASK,
        1: MASK,
        8: MASK,
        21: MASK,
        2: 1,
        3: 2,
        4: 3,
        5: 4,
        6: 5,
        7: 5,
        9: 6,
        10: 6,
    }
    for table, expected in ((SIC_CODES, sic), (SOD_CODES, sod), (FLOE_CODES, floe)):
        assert {code: int(table[code]) for code in expected} == expected


def test_sigrid3_concentration_intervals_decode_to_their_centre_rounded_up():
    # SIGRID-3 Table 1: 12 = 1-2/10 ... 89 = 8-9/10, 81 = 8-10/10.
    expected = {
        12: 2,
        13: 2,
        23: 3,
        24: 3,
        34: 4,
        35: 4,
        45: 5,
        46: 5,
        56: 6,
        57: 6,
        67: 7,
        68: 7,
        78: 8,
        79: 8,
        89: 9,
        81: 9,
        98: 0,
    }
    assert {code: int(SIC_CODES[code]) for code in expected} == expected


def test_parse_codes_handles_strings_ints_blanks_and_garbage():
    values = ["92", " 03 ", "3", 7, 4.0, "", None, float("nan"), "-9", "xx", "4.5", "100", "-3"]
    assert parse_codes(values).tolist() == [92, 3, 3, 7, 4] + [NOT_FILLED] * 4 + [INVALID] * 4


def test_the_spec_example_row():
    # 29;92;30;95;05;70;93;08: 10/10, 3/10 old ice (vast), 7/10 thick FY (fast ice).
    [classes], _ = decode_rows(polygon("92", "30", "95", "05", "70", "93", "08"))
    assert classes == (10, 4, MASK)  # 7/10 of 10/10 >= 65 % → thick FYI; fast ice masks FLOE


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (polygon("-9", poly_type="W"), (0, 0, 0)),  # water polygon
        (polygon("-9", poly_type="L"), (MASK, MASK, MASK)),  # land
        (polygon("92", sa="87", fa="08", poly_type="N"), (MASK, MASK, MASK)),  # no data
        (polygon("92", sa="98", poly_type="S"), (MASK, MASK, MASK)),  # ice shelf
        (polygon("01", sa="81", fa="02"), (0, 0, 0)),  # < 1/10 is open water everywhere
        (polygon("99", sa="95", fa="03"), (MASK, MASK, MASK)),  # unknown concentration
        (polygon("92", sa="95", fa="03"), (10, 5, 2)),  # blank CA takes CT
        (polygon("80", "40", "95", "03", "40", "87", "04"), (8, MASK, MASK)),  # 50 %: none
        (polygon("90", "40", "84", "03", "30", "85", "04", "20", "87", "05"), (9, 2, MASK)),
        (polygon("70", "20", "84", "03", "50", "81", "99"), (7, 1, MASK)),  # dominant FB=99
        (polygon("91", "70", "84", "03", "30", "81", "99"), (10, 2, 2)),  # FB=99 not dominant
        (polygon("79", sa="95", fa="3", sb="87", fb="2", fc="1"), (8, 5, MASK)),  # shuga masks
    ],
)
def test_known_polygons(row, expected):
    [classes], _ = decode_rows(row)
    assert classes == expected


def test_reference_overwrite_quirk_and_the_corrected_merge():
    # A, B and C are all new ice, 2/10 each of 9/10. The reference merges A+C (overwriting
    # A+B), B+C: best 4/9 < 65 % → masked. Summing every match gives 6/9 ≥ 65 % → new ice.
    row = polygon("90", "20", "81", "02", "20", "82", "02", "20", "81", "02")
    [reference], _ = decode_rows(row)
    [corrected], _ = decode_rows(row, options=DecodeOptions(reference_merge=False))
    assert reference[1] == MASK
    assert corrected[1] == 1


def test_reference_adds_blank_partials_when_stages_match():
    # DMI style: no partial concentrations, SA and SB both first-year classes (93, 91 → 4).
    row = polygon("79", sa="93", fa="6", sb="91", fb="5", fc="4")
    [reference], _ = decode_rows(row)
    [corrected], _ = decode_rows(row, options=DecodeOptions(reference_merge=False))
    assert reference == (8, MASK, 5)
    assert corrected == (8, 4, 5)


def test_codes_outside_the_tables_mask_and_are_counted():
    rows = [
        polygon("92", sa="xx", fa="03"),  # garbage stage, dominant → SOD masked
        polygon("92", sa="95", fa="15"),  # strips and patches: no AI4Arctic class
        polygon("77", sa="95", fa="03"),  # not a concentration code
        polygon("92", sa="95", fa="03", poly_type="Q"),  # unknown polygon type
        polygon("92", sa="95", fa="03"),  # clean
    ]
    classes, decoded = decode_rows(*rows)
    assert classes == [(10, MASK, 2), (10, 5, MASK), (MASK, MASK, MASK), (MASK,) * 3, (10, 5, 2)]
    assert decoded.undecodable.tolist() == [True, True, True, True, False]
    assert decoded.n_undecodable == 4


def test_lower_case_fields_and_integer_values():
    fields = {"ct": [92], "ca": [None], "sa": [95], "fa": [3], "poly_type": ["i"]}
    decoded = decode(EggCodes.from_fields(fields))
    assert (decoded.SIC[0], decoded.SOD[0], decoded.FLOE[0]) == (10, 5, 2)
