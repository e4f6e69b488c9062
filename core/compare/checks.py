"""What an analyst must see before trusting a comparison: each check gives a ``Notice``.

- the chart and the scene are days apart (the ice has moved: the scores compare different ice);
- a score is negative (SIC R² below 0: worse than the chart's own mean everywhere);
- the chart covers a small share of the scene (scores speak for that share only).
"""

from __future__ import annotations

from datetime import datetime

from .notices import Notice

MAX_DAYS_APART = 1.0  # charts are daily products; further apart, the ice has moved
FAR_DAYS_APART = 7.0  # a week or more: a different ice situation altogether
SMALL_SHARE = 50.0  # percent of the scene's predicted cells; below, say so
TINY_SHARE = 10.0  # below, the scores rest on a corner of the scene


def date_notices(chart_time: datetime | None, scene_time: str | None) -> list[Notice]:
    if chart_time is None or not scene_time:
        return []
    scene = datetime.fromisoformat(scene_time)
    days = abs((chart_time - scene).total_seconds()) / 86400
    if days <= MAX_DAYS_APART:
        return []
    return [
        Notice(
            f"The chart is valid at {chart_time:%Y-%m-%d %H:%M} UTC but the scene was acquired "
            f"at {scene:%Y-%m-%d %H:%M} UTC, {days:.1f} days apart: the scores compare different "
            "ice. Pick the chart of the scene's day.",
            "date_mismatch",
            "critical" if days > FAR_DAYS_APART else "warning",
        )
    ]


def score_notices(scores: dict[str, float]) -> list[Notice]:
    negative = {name: value for name, value in scores.items() if value < 0}
    if not negative:
        return []
    listed = ", ".join(f"{name} {value:.1f}" for name, value in negative.items())
    return [
        Notice(
            f"Negative score ({listed}): the prediction matches this chart worse than a constant "
            "guess would. Check that the chart is of this scene's area and day.",
            "negative_score",
            "critical",
        )
    ]


def share_notices(compared: int, predicted: int) -> list[Notice]:
    share = 100.0 * compared / max(predicted, 1)
    if share >= SMALL_SHARE:
        return []
    return [
        Notice(
            f"Only {share:.1f} % of the scene was compared ({compared} of {predicted} predicted "
            "cells lie under a chart polygon with a class): the scores speak for that part only.",
            "small_share",
            "critical" if share < TINY_SHARE else "warning",
        )
    ]
