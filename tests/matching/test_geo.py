"""Distances: the fast unit-vector form equals haversine; the radius search finds exactly the close pairs."""
import numpy as np
import pytest

from matching.geo import DENSE_PAIR_LIMIT, QUERY_CHUNK, great_circle_km, haversine_km, pairs_within_radius, unit_vectors


def test_great_circle_equals_haversine():
    rng = np.random.default_rng(1)
    lat_a, lon_a = rng.uniform(20, 35, 500), rng.uniform(100, 118, 500)
    lat_b, lon_b = lat_a + rng.normal(0, 0.05, 500), lon_a + rng.normal(0, 0.05, 500)
    index = np.arange(500)
    fast = great_circle_km(unit_vectors(lat_a, lon_a), index, unit_vectors(lat_b, lon_b), index)
    assert np.allclose(fast, haversine_km(lat_a, lon_a, lat_b, lon_b), atol=1e-6)
    assert abs(haversine_km(26.6, 106.7, 28.1, 112.98) - 650) < 10  # 贵阳 to 长沙, about 650 km


@pytest.mark.parametrize("n_query, radii", [
    (50, None),  # the dense path
    (DENSE_PAIR_LIMIT // 100 + 500, None),  # many distinct radii: rounded up to steps, then k-d trees
    (DENSE_PAIR_LIMIT // 100 + 500, (3.0, 15.0, 400.0)),  # a few radii (site, county, province): k-d trees
    (QUERY_CHUNK + 700, (3.0, 15.0)),  # more queries of one radius than are searched at once
    (DENSE_PAIR_LIMIT // 100 + 500, (0.0, 0.004, 1.0, 2.0, 3.3, 4.0, 5.5, 6.0, 7.0, 8.5)),  # zero and tiny radii among many
])
def test_radius_search_matches_brute_force_with_and_without_a_tree(n_query, radii):
    rng = np.random.default_rng(2)
    q_lat, q_lon = rng.uniform(25, 26, n_query), rng.uniform(106, 107, n_query)
    t_lat, t_lon = rng.uniform(25, 26, 100), rng.uniform(106, 107, 100)
    radius = rng.uniform(3, 20, n_query) if radii is None else rng.choice(radii, n_query)
    qi, ti = pairs_within_radius(unit_vectors(q_lat, q_lon), radius, unit_vectors(t_lat, t_lon))
    distance = haversine_km(q_lat[:, None], q_lon[:, None], t_lat[None, :], t_lon[None, :])
    expected = set(zip(*np.nonzero(distance <= radius[:, None])))
    found = {(q, t) for q, t in zip(qi.tolist(), ti.tolist()) if distance[q, t] <= radius[q]}
    assert found == expected
