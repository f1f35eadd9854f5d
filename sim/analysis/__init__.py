"""Analysis over many runs: evaluation of points, sensitivity, calibration and design.

Modules: :mod:`.evaluation` (points, ranges, outputs), :mod:`.sensitivity`,
:mod:`.targets`, :mod:`.calibration`, :mod:`.validation`, :mod:`.baseline`,
:mod:`.design_targets`, :mod:`.design`.
"""
