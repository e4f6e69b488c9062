"""What a comparison must make visible: structured warnings with a level, the share of the
scene compared, agreement polygons clipped to the compared cells, a self-contained HTML report."""

import json
from datetime import datetime, timezone

import shapely
from test_compare import _chart_file, _run_footprint_ll

from core.compare.checks import date_notices, score_notices, share_notices
from core.compare.html import markdown_to_html
from core.compare.notices import Notice
from core.compare.polygons import AGREEMENT_RANGES
from core.compare.run import compare_run
from core.icechart.classes import CHARTS
from core.icechart.qml import FAST_ICE, ICE_FREE
from core.icechart.sigrid import read_chart


def test_a_notice_is_text_with_a_level_and_a_kind():
    notice = Notice("Chart and scene 3 days apart.", "date_mismatch", "warning")
    assert notice == "Chart and scene 3 days apart." and f"{notice}".startswith("Chart")
    assert notice.to_dict() == {
        "level": "warning",
        "kind": "date_mismatch",
        "message": "Chart and scene 3 days apart.",
    }
    assert json.loads(json.dumps(notice)) == str(notice)  # plain JSON string where expected


def test_date_mismatch_is_a_warning_and_critical_beyond_a_week():
    chart = datetime(2013, 4, 10, 9, 20, tzinfo=timezone.utc)
    assert date_notices(chart, "2013-04-10T18:00:00+00:00") == []
    (near,) = date_notices(chart, "2013-04-13T09:20:00+00:00")
    assert near.level == "warning" and "3.0 days apart" in near
    (far,) = date_notices(chart, "2013-07-22T09:20:00+00:00")
    assert far.level == "critical" and far.kind == "date_mismatch" and "103.0 days" in far


def test_negative_scores_and_small_shares_are_flagged():
    (negative,) = score_notices({"SIC": -350.2, "SOD": 40.0, "FLOE": 20.0, "combined": -170.0})
    assert negative.level == "critical" and "SIC -350.2" in negative and "SOD" not in negative
    assert score_notices({"SIC": 0.0, "SOD": 1.0, "FLOE": 2.0, "combined": 1.0}) == []
    (small,) = share_notices(14153, 36700)
    assert small.level == "warning" and "38.6 %" in small and "14153 of 36700" in small
    assert share_notices(3000, 36700)[0].level == "critical"
    assert share_notices(20000, 36700) == []


def test_a_chart_over_part_of_the_scene_warns_clips_and_reports_its_share(bundled_run, tmp_path):
    west, south, east, north = _run_footprint_ll(bundled_run)
    third = west + (east - west) / 3
    # One ice polygon reaching far beyond the scene, over its western third only.
    chart = _chart_file(
        tmp_path / "19990101_chart.gpkg",
        [shapely.box(west - 5, south - 5, third, north + 5)],
        ["I"],
        ["92"],
        ["91"],
        ["05"],
    )
    result = compare_run(bundled_run, chart, tmp_path / "cmp")
    kinds = {w.kind: w.level for w in result.warnings}
    assert kinds["date_mismatch"] == "critical" and kinds["small_share"] in ("warning", "critical")
    assert 0 < result.share < 50 and f"{result.share:.1f} % of the scene" in result.summary()
    assert result.level == "critical"
    record = json.loads((result.folder / "compare.json").read_text())
    assert {w["kind"] for w in record["warnings"]} >= {"date_mismatch", "small_share"}
    # The agreement polygon is clipped to the compared cells: far smaller than the original.
    clipped = read_chart(result.folder / "chart_agreement.gpkg").geometries
    original = read_chart(chart).geometries
    assert len(clipped) == 1
    assert shapely.area(clipped[0]) < 0.5 * shapely.area(original[0])
    assert shapely.within(clipped[0], shapely.buffer(shapely.box(west, south, east, north), 0.1))
    # Report: the warnings with their level, in Markdown and in self-contained HTML.
    text = result.report.read_text()
    assert "> **Critical:**" in text and "% of the scene's predicted cells" in text
    html = result.html.read_text()
    assert html.startswith("<!DOCTYPE html>") and '<blockquote class="critical">' in html
    assert "<table>" in html and 'src="figures/' not in html


def test_agreement_colours_are_no_wmo_ice_colour():
    wmo = {c.colour for chart in CHARTS.values() for c in chart.classes} | {ICE_FREE, FAST_ICE}
    ramp = [rgb for *_, rgb in AGREEMENT_RANGES]
    assert not set(ramp) & wmo
    assert [lo for lo, *_ in AGREEMENT_RANGES] == sorted(lo for lo, *_ in AGREEMENT_RANGES)


def test_html_converter_escapes_text_and_embeds_figures(tmp_path):
    png = tmp_path / "fig.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\nfake")
    text = "\n".join(
        [
            "# Title <script>",
            "",
            "> **Warning:** a & b",
            "",
            "| a | b |",
            "|---|---|",
            "| **x** | `y` |",
            "",
            "- `layer.tif`",
            "![fig.png](fig.png)",
            "![gone](../outside.png)",
        ]
    )
    html = markdown_to_html(text, tmp_path, "t")
    assert "<h1>Title &lt;script&gt;</h1>" in html
    assert '<blockquote class="warning"><strong>Warning:</strong> a &amp; b</blockquote>' in html
    assert "<td><strong>x</strong></td><td><code>y</code></td>" in html
    assert "<li><code>layer.tif</code></li>" in html
    assert 'src="data:image/png;base64,' in html
    assert "[gone: figure not found]" in html  # nothing read from outside the folder
    assert html.count("<table>") == 1
