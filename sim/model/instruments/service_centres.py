"""Service centres: outreach that spreads awareness and advisers that help firms apply.

Public names: :class:`ServiceCentresInstrument`.
"""

from __future__ import annotations

import numpy as np

from ...scenario import Scenario
from ..banks import LenderTable
from ..ledger import Ledger
from ..population import Firms
from ..queue import FEW, FluidQueue, finish_share
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

    def outreach_contacts_per_day(self) -> float:
        """The centres' outreach contacts a day (simulated firms)."""
        return self.contacts_per_day

    def assisted_ready_days(self, count: int, day: int, never: int) -> list[int] | np.ndarray:
        """The advisers' queue (one server): the day each assisted application is ready."""
        servers = [0] * count if count < FEW else np.zeros(count, dtype=np.int64)
        return self.assist.admit_days(servers, day, never)
