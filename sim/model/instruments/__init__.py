"""Instruments: one module per support measure, each over the interface of :mod:`.base`.

Public names: :class:`Instrument`, :class:`Process`, :func:`instrument_classes`, the
declarations :class:`Account`, :class:`Headline`, :class:`HeadlineFormat`, :class:`Slot`
and the registry's readers :func:`headlines`, :func:`place_slots`, :func:`first_exhausted_day`, :func:`reported_accounts`, :func:`fiscal_label_keys`,
:func:`section_present`, :func:`measure_units`,
:func:`instrument_registered`, :func:`unregister_instrument`,
:class:`LoanPoolInstrument`, :class:`GuaranteeInstrument`, :class:`CostReliefInstrument`,
:class:`AwardsInstrument`, :class:`FundsInstrument`, :class:`ServiceCentresInstrument`.

Every module of this package is imported here, so a measure added as a new module is
registered (and built by the engine) without any other file changing.
"""

import importlib
import pkgutil

from .awards import AwardsInstrument
from .base import (
    Account,
    Headline,
    HeadlineFormat,
    Instrument,
    Process,
    Slot,
    first_exhausted_day,
    fiscal_label_keys,
    headlines,
    instrument_classes,
    instrument_registered,
    measure_units,
    place_slots,
    registry_generation,
    reported_accounts,
    section_present,
    unregister_instrument,
)
from .cost_relief import CostReliefInstrument
from .funds import FundsInstrument
from .guarantee import GuaranteeInstrument
from .loan_pool import LoanPoolInstrument
from .service_centres import ServiceCentresInstrument

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = [
    "Account",
    "Headline",
    "HeadlineFormat",
    "Instrument",
    "Process",
    "Slot",
    "first_exhausted_day",
    "fiscal_label_keys",
    "headlines",
    "instrument_classes",
    "instrument_registered",
    "measure_units",
    "place_slots",
    "registry_generation",
    "reported_accounts",
    "section_present",
    "unregister_instrument",
    "AwardsInstrument",
    "CostReliefInstrument",
    "FundsInstrument",
    "GuaranteeInstrument",
    "LoanPoolInstrument",
    "ServiceCentresInstrument",
]
