"""Ancillary inputs of a Sentinel-1 product on its 2 km grid: ERA5 (``era5``) and AMSR2."""
