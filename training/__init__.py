"""Training package of Sea Ice Mapper: produces the weight bundles that ``core`` loads.

It runs from the repository root (``python -m training``), imports the model, preprocessing
and class tables from ``core`` and keeps no second copy of them. It is not shipped in the
plugin zip.
"""
