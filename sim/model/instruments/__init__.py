"""Instruments: one module per support measure, each owning its ledger accounts.

Public names: :class:`LoanPoolInstrument`, :class:`GuaranteeInstrument`,
:class:`CostReliefInstrument`, :class:`AwardsInstrument`, :class:`FundsInstrument`,
:class:`ServiceCentresInstrument`.
"""

from .awards import AwardsInstrument
from .cost_relief import CostReliefInstrument
from .funds import FundsInstrument
from .guarantee import GuaranteeInstrument
from .loan_pool import LoanPoolInstrument
from .service_centres import ServiceCentresInstrument

__all__ = [
    "AwardsInstrument",
    "CostReliefInstrument",
    "FundsInstrument",
    "GuaranteeInstrument",
    "LoanPoolInstrument",
    "ServiceCentresInstrument",
]
