"""Reporting: the PDF/PNG reports of a run, an experiment and an analysis.

Modules: :mod:`.run_report` (the page writer, formatting and the run report),
:mod:`.experiment_report`, :mod:`.analysis_report`. matplotlib is imported here only.
"""
