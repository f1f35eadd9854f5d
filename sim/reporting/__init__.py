"""Reporting: the PDF/PNG reports of a run, an experiment and an analysis.

Modules: :mod:`.run_report` (the page writer, formatting and the run report),
:mod:`.experiment_report`, :mod:`.analysis_report`, and :mod:`.folders`, the writer of
a run's or an experiment's output folder (tables, summary, report, manifest).
matplotlib is imported here only, and only when a report is drawn.
"""
