"""Longitude/latitude polygons that cross the 180° meridian or enclose a pole, made flat.

Pan-Arctic charts published in EPSG:4326 (AARI, NIC) store a ring that crosses the antimeridian
with a jump of about 360° between two vertices, and a polygon around the North Pole as a ring
that goes once round in longitude. Both are fine on the sphere and nonsense as flat lon/lat
shapes: repaired or densified there, a pack-ice polygon becomes a band around the globe.

``unwrap_polygon`` removes the jumps (each vertex's longitude is moved by a multiple of 360°
so that no edge is longer than 180° in longitude) and closes a ring that goes round a pole
through that pole. The result may have longitudes beyond ±180°, which PROJ projects as the same
meridians, so the polygon can then be repaired, densified and projected like any other.
"""

from __future__ import annotations

import numpy as np
import shapely


def _unwrap(lon: np.ndarray) -> np.ndarray:
    steps = np.diff(lon)
    return np.concatenate([lon[:1], lon[0] + np.cumsum(steps - 360 * np.round(steps / 360))])


def _ring(coords: np.ndarray, pole_lat: float) -> tuple[np.ndarray, bool]:
    """Unwrapped ring coordinates, closed through the pole if the ring goes round it."""
    lon = _unwrap(coords[:, 0])
    lat = coords[:, 1]
    turns = lon[-1] - lon[0]
    if abs(turns) < 180:  # an ordinary ring: closed as it is
        return np.column_stack([lon, lat]), False
    # The ring went once round a pole: close it along the pole, on the side of its latitudes.
    pole = np.copysign(pole_lat, np.nanmean(lat))
    closing = np.array([[lon[-1], pole], [lon[0], pole], [lon[0], lat[0]]])
    return np.vstack([np.column_stack([lon, lat]), closing]), True


def crosses(geometry: shapely.Geometry) -> bool:
    """Whether any ring of a (multi)polygon has an edge longer than 180° in longitude."""
    for part in shapely.get_parts(geometry):
        for ring in [part.exterior, *part.interiors]:
            lon = np.asarray(ring.coords)[:, 0]
            if len(lon) > 1 and np.abs(np.diff(lon)).max() > 180:
                return True
    return False


def unwrap_polygon(geometry: shapely.Geometry, pole_lat: float = 90.0) -> shapely.Geometry:
    """``geometry`` (Polygon or MultiPolygon in lon/lat) without antimeridian jumps."""
    parts = []
    for part in shapely.get_parts(geometry):
        shell, _ = _ring(np.asarray(part.exterior.coords), pole_lat)
        centre = (shell[:, 0].min() + shell[:, 0].max()) / 2
        holes = []
        for interior in part.interiors:
            hole, _ = _ring(np.asarray(interior.coords), pole_lat)
            # the hole lies inside its shell: move it by whole turns next to the shell
            shift = 360 * np.round((centre - hole[:, 0].mean()) / 360)
            holes.append(hole + np.array([shift, 0.0]))
        parts.append(shapely.Polygon(shell, holes))
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def split_at_antimeridian(geometry: shapely.Geometry) -> shapely.Geometry:
    """A lon/lat (multi)polygon cut at ±180° into parts that each stay within -180..180, so
    no written edge spans the globe (for charts written in a geographic CRS)."""
    if geometry is None or geometry.is_empty or not crosses(geometry):
        return geometry
    flat = shapely.make_valid(unwrap_polygon(geometry))
    parts = []
    for shift in (-360.0, 0.0, 360.0):  # the world, and one turn either side of it
        window = shapely.box(-180 - shift, -90, 180 - shift, 90)
        with np.errstate(invalid="ignore"):  # GEOS on degenerate slivers: harmless
            piece = shapely.intersection(flat, window)
        if not piece.is_empty:
            parts.append(shapely.transform(piece, lambda xy, s=shift: xy + np.array([s, 0.0])))
    polygons = [p for part in parts for p in shapely.get_parts(part) if p.geom_type == "Polygon"]
    return shapely.MultiPolygon(polygons) if polygons else shapely.Polygon()
