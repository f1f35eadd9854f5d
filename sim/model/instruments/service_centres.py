"""Service centres: outreach that spreads awareness and advisers that help firms apply.

Public names: :class:`ServiceCentresInstrument`.
"""

from __future__ import annotations

import numpy as np

from ...scenario import Scenario
from ..banks import LenderTable
from ..ledger import Ledger
from ..population import Firms
from ..queue import FluidQueue, finish_share
from .base import Instrument

__all__ = ["ServiceCentresInstrument"]


class ServiceCentresInstrument(Instrument):
    """Capacities of the service centres, in simulated firms per day.

    ``contacts_per_day`` limits the outreach term of the awareness diffusion;
    ``assist`` is a first-come-first-served queue of applications prepared with an
    adviser's help (a share ``behaviour.assisted_share`` of applicants need one). With
    no centres, every applicant prepares alone in ``behaviour.prep_days``.

    Parameters
    ----------
    scenario
        The validated scenario.
    firms, lenders, ledger
        Not used: the centres open no account.
    """

    section = "service_centres"
    rank = 60

    def __init__(self, scenario: Scenario, firms: Firms, lenders: LenderTable, ledger: Ledger):
        super().__init__(scenario, firms, lenders, ledger)
        sc = scenario.service_centres
        scale = scenario.population.scale
        self.contacts_per_day = sc.centres_n * sc.contacts_per_centre_day / scale
        rate = sc.centres_n * sc.assists_per_centre_day / scale
        self.active = rate > 0
        self.assist = FluidQueue(np.array([rate]), finish_share=finish_share(scale))
