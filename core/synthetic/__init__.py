"""Synthetic AI4Arctic ready-to-train scenes that look and behave like real ones.

Charts are polygons with SIGRID-3 egg codes, labelled by the same decoder as real charts; SAR,
AMSR2 and ERA5 follow from the same underlying ice: concentration, stage and wind. Used by the
tests, the demo, benchmarks and training smoke runs. ``generate.synthesize`` is the entry point.
"""
