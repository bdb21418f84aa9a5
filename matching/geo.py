"""Great-circle distances and the radius search used to block candidate pairs by geography.

Locations are carried as unit vectors (see `unit_vectors`), computed once per record, so
neither the search nor the distances redo the trigonometry of latitude and longitude.
"""
from __future__ import annotations

import numpy as np

EARTH_RADIUS_KM = 6371.0088
# Up to this many query × target pairs, distances are computed directly instead of through a tree.
DENSE_PAIR_LIMIT = 200_000
# Queries are searched radius by radius with k-d trees on the unit vectors (one C call returns all
# pairs of a group). Beyond this many distinct radii, each radius is rounded up to a step of
# RADIUS_STEP (at most some 300 groups from 10 m to 20,000 km; about 10% more pairs to filter).
MAX_RADIUS_GROUPS = 8
RADIUS_STEP = 1.05
SMALLEST_SEARCH_RADIUS_KM = 0.01
# Query points searched at once in a group, which bounds the memory of the pairs a search returns.
QUERY_CHUNK = 8192


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
    cos_phi = np.cos(phi)
    return np.stack([cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)])


def great_circle_km(points_a: np.ndarray, index_a: np.ndarray, points_b: np.ndarray, index_b: np.ndarray) -> np.ndarray:
    """Great-circle km between points_a[:, index_a] and points_b[:, index_b] (unit vectors; same as haversine_km)."""
    squared_chord = np.zeros(len(index_a))
    for axis in range(3):
        difference = points_a[axis][index_a] - points_b[axis][index_b]
        squared_chord += difference * difference
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.minimum(0.5 * np.sqrt(squared_chord), 1.0))


def pairs_within_radius(query_points: np.ndarray, radius_km: np.ndarray, target_points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(query index, target index) of every pair closer than the query's own radius; points as from `unit_vectors`.

    The result is a superset by a hair (the radius is widened slightly), so that the exact
    distance filter the caller applies afterwards is the one that decides borderline pairs;
    with more than MAX_RADIUS_GROUPS distinct radii, by up to one RADIUS_STEP of radius.
    """
    n_query, n_target = query_points.shape[1], target_points.shape[1]
    if n_query == 0 or n_target == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    if n_query * n_target <= DENSE_PAIR_LIMIT:  # small blocks: a tree costs more than it saves
        # The angle between two unit vectors is within θ exactly when their dot product ≥ cos θ.
        angle = np.minimum(np.asarray(radius_km, dtype=np.float64) * (1 + 1e-6) / EARTH_RADIUS_KM + 1e-7, np.pi)
        query_index, target_index = np.nonzero(query_points.T @ target_points >= np.cos(angle)[:, None])
        return query_index.astype(np.int64), target_index.astype(np.int64)
    radius_km = np.asarray(radius_km, dtype=np.float64)
    if len(np.unique(radius_km)) > MAX_RADIUS_GROUPS:
        radius_km = _rounded_up(radius_km)
    return _pairs_by_radius_groups(query_points, radius_km, np.unique(radius_km), target_points)


def _rounded_up(radius_km: np.ndarray) -> np.ndarray:
    """Each radius raised to the next power of RADIUS_STEP (the search finds a superset; the caller filters exactly)."""
    radius_km = np.maximum(radius_km, SMALLEST_SEARCH_RADIUS_KM)
    rounded = RADIUS_STEP ** np.ceil(np.log(radius_km) / np.log(RADIUS_STEP))
    return np.where(rounded < radius_km, rounded * RADIUS_STEP, rounded)  # in case the logarithm rounded down


def _pairs_by_radius_groups(query_points: np.ndarray, radius_km: np.ndarray, radii: np.ndarray,
                            target_points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """pairs_within_radius, one radius (of `radii`) at a time: a k-d tree search by chord length on the unit vectors."""
    from scipy.spatial import cKDTree

    targets = cKDTree(target_points.T)
    found_query, found_target = [], []
    for radius in radii.tolist():
        group = np.flatnonzero(radius_km == radius)
        # Widened like the dense search, so that the exact distance filter decides borderline pairs.
        angle = min(radius * (1 + 1e-6) / EARTH_RADIUS_KM + 1e-7, np.pi)
        chord = 2.0 * np.sin(angle / 2.0)
        for start in range(0, len(group), QUERY_CHUNK):
            chunk = group[start : start + QUERY_CHUNK]
            near = cKDTree(query_points[:, chunk].T).sparse_distance_matrix(targets, chord, output_type="ndarray")
            found_query.append(chunk[near["i"]])
            found_target.append(near["j"].astype(np.int64))
    return np.concatenate(found_query), np.concatenate(found_target)
