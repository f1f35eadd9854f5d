"""Population: helpers over the firm table."""

from __future__ import annotations

import numpy as np

from sim.model.population import fastest_growing


def test_fastest_growing_matches_a_full_stable_sort_including_ties():
    rng = np.random.default_rng(3)
    for _ in range(300):
        n = int(rng.integers(0, 60))
        growth = np.round(rng.normal(0.1, 0.1, size=n), 1)  # rounded: many ties
        cand = np.flatnonzero(rng.random(n) < 0.7)
        k = int(rng.integers(0, n + 3))
        want = cand[np.argsort(-growth[cand], kind="stable")[:k]]
        assert fastest_growing(growth, cand, k).tolist() == want.tolist()
