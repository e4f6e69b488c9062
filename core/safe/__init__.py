"""Sentinel-1 EW GRDM products (``.SAFE`` folder, its ``manifest.safe`` or the product ``.zip``)
read into the same ``Scene`` the ready-to-train reader gives: calibrated, denoised σ⁰ at 80 m,
incidence angle, distance to land and a 21 × 21 latitude/longitude grid."""
