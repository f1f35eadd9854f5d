"""Hypothesis settings of smesim's property, metamorphic and fuzz tests.

Three profiles, chosen with the environment variable ``SMESIM_HYPOTHESIS``:

``ci`` (the default, what ``pytest`` runs)
    Each test runs 60 % of the number of examples it states (a hundred or two for the
    invariants); the property, metamorphic and fuzz files together take about a minute
    on 2 cores (the counts were cut twice to keep the suite under ten minutes as it grew:
    run ``thorough``, ten times the stated counts, before a release).
``dev``
    A fifth of that, for a quick check while editing.
``thorough``
    Ten times as many, for a night run.

``deadline`` is off everywhere: one example is a whole simulation and its time depends
on the scenario drawn and on the machine's load, not on a defect.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

FACTOR = {"ci": 0.6, "dev": 0.2, "thorough": 10.0}
PROFILE = os.environ.get("SMESIM_HYPOTHESIS", "ci")
if PROFILE not in FACTOR:
    raise ValueError(f"SMESIM_HYPOTHESIS: expected one of {sorted(FACTOR)}, got {PROFILE!r}")

for _name in FACTOR:
    settings.register_profile(
        f"smesim-{_name}",
        deadline=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def examples(n: int) -> settings:
    """Settings of a test that runs ``n`` examples under the ``ci`` profile."""
    return settings(
        settings.get_profile(f"smesim-{PROFILE}"),
        max_examples=max(3, round(n * FACTOR[PROFILE])),
    )
