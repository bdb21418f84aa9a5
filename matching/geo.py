"""Great-circle distances and the radius search used to block candidate pairs by geography."""
from __future__ import annotations

import numpy as np
from sklearn.neighbors import BallTree

EARTH_RADIUS_KM = 6371.0088
# Up to this many query × target pairs, distances are computed directly instead of through a tree.
DENSE_PAIR_LIMIT = 200_000


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in km; works on scalars or equal-length arrays (degrees)."""
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(value, dtype=np.float64)) for value in (lat1, lon1, lat2, lon2))
    half_dlat = (lat2 - lat1) / 2.0
    half_dlon = (lon2 - lon1) / 2.0
    a = np.sin(half_dlat) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin(half_dlon) ** 2
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """(3, n) points on the unit sphere (x, y, z rows, each contiguous) for latitudes and longitudes in degrees."""
    phi, lam = np.radians(lat), np.radians(lon)
    return np.stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])


def great_circle_km(points_a: np.ndarray, index_a: np.ndarray, points_b: np.ndarray, index_b: np.ndarray) -> np.ndarray:
    """Great-circle km between points_a[:, index_a] and points_b[:, index_b] (unit vectors; same as haversine_km)."""
    squared_chord = np.zeros(len(index_a))
    for axis in range(3):
        difference = points_a[axis][index_a] - points_b[axis][index_b]
        squared_chord += difference * difference
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.minimum(0.5 * np.sqrt(squared_chord), 1.0))


def pairs_within_radius(
    query_lat: np.ndarray,
    query_lon: np.ndarray,
    radius_km: np.ndarray,
    target_lat: np.ndarray,
    target_lon: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(query index, target index) of every pair closer than the query's own radius.

    A BallTree over the targets keeps the cost proportional to the pairs found, not to
    queries × targets. The radius is widened a hair so that the exact haversine filter the
    caller applies afterwards is the one that decides borderline pairs.
    """
    if len(query_lat) == 0 or len(target_lat) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    if len(query_lat) * len(target_lat) <= DENSE_PAIR_LIMIT:  # small blocks: a tree costs more than it saves
        # Points as unit vectors: the angle between two is within θ exactly when their dot product ≥ cos θ.
        # The generous slack makes this a superset; the caller's exact haversine filter decides.
        angle = np.minimum(np.asarray(radius_km, dtype=np.float64) * (1 + 1e-6) / EARTH_RADIUS_KM + 1e-7, np.pi)
        dots = unit_vectors(query_lat, query_lon).T @ unit_vectors(target_lat, target_lon)
        query_index, target_index = np.nonzero(dots >= np.cos(angle)[:, None])
        return query_index.astype(np.int64), target_index.astype(np.int64)
    tree = BallTree(np.radians(np.column_stack([target_lat, target_lon])), metric="haversine")
    radius = np.asarray(radius_km, dtype=np.float64) / EARTH_RADIUS_KM * (1 + 1e-9) + 1e-12
    hits = tree.query_radius(np.radians(np.column_stack([query_lat, query_lon])), r=radius)
    counts = np.fromiter((len(found) for found in hits), dtype=np.int64, count=len(hits))
    query_index = np.repeat(np.arange(len(hits), dtype=np.int64), counts)
    target_index = np.concatenate(hits).astype(np.int64) if counts.sum() else np.empty(0, np.int64)
    return query_index, target_index
