"""Instruments: one module per support measure, each over the interface of :mod:`.base`.

Public names: :class:`Instrument`, :class:`Process`, :func:`instrument_classes`,
:class:`LoanPoolInstrument`, :class:`GuaranteeInstrument`, :class:`CostReliefInstrument`,
:class:`AwardsInstrument`, :class:`FundsInstrument`, :class:`ServiceCentresInstrument`.

Every module of this package is imported here, so a measure added as a new module is
registered (and built by the engine) without any other file changing.
"""

import importlib
import pkgutil

from .awards import AwardsInstrument
from .base import Instrument, Process, instrument_classes
from .cost_relief import CostReliefInstrument
from .funds import FundsInstrument
from .guarantee import GuaranteeInstrument
from .loan_pool import LoanPoolInstrument
from .service_centres import ServiceCentresInstrument

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = [
    "Instrument",
    "Process",
    "instrument_classes",
    "AwardsInstrument",
    "CostReliefInstrument",
    "FundsInstrument",
    "GuaranteeInstrument",
    "LoanPoolInstrument",
    "ServiceCentresInstrument",
]
