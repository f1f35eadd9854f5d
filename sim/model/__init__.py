"""Model: firms, banks and measures simulated day by day (the engine and its instruments).

Modules: :mod:`.codes` (outcome and need-fate enums), :mod:`.population`, :mod:`.banks`,
:mod:`.behaviour`, :mod:`.queue`, :mod:`.ledger`, :mod:`.engine`, and :mod:`.instruments`
(one module per measure over :mod:`.instruments.base`). The model knows nothing of
result tables: :func:`sim.results.run` turns its final state into a result.
"""
