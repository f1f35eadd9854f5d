"""smesim: an agent-based simulator of financial support measures for SMEs.

The public API a notebook uses::

    import sim
    sc = sim.load_scenario("scenarios/shanghai_2024.yaml", ["loan_pool.total=200bn"])
    res = sim.run(sc, seed=1)
    res.summary(); res.applications; res.quotas; res.timeseries

Public names: :func:`load_scenario`, :func:`with_overrides`, :func:`run`,
:class:`Scenario`, :class:`ScenarioError`, :class:`RunResult`, :func:`parse_money`,
:func:`scenario_to_yaml`; experiments (:mod:`sim.experiments`): :func:`replicate`,
:func:`compare`, :func:`sweep`, :func:`run_tasks`, :class:`Task`,
:class:`ExperimentResult`, :class:`ExperimentError`; and their plots
(:mod:`sim.reporting.experiment_report`): :func:`plot_fan`, :func:`plot_exhaustion_probability`,
:func:`plot_sweep`, :func:`plot_differences`; output folders, the same the command line
writes (:mod:`sim.reporting.folders`): :func:`write_run`, :func:`write_experiment`::

    sim.write_run(res, "reports/my_run")       # tables, summary, report, manifest

calibration to observed figures, a point fit or a posterior
(:mod:`sim.analysis.calibration`, :mod:`sim.analysis.abc`): :func:`calibrate`::

    fit = sim.calibrate("scenarios/validation/pboc_2020.yaml",
                        "scenarios/validation/pboc_2020_targets.yaml",
                        ["awareness.outreach_rate_day=0.005:0.2"], method="abc")

scenario discovery (:mod:`sim.analysis.discover`, needs the ``discover`` extra):
:func:`discover`::

    d = sim.discover("scenarios/shanghai_2024_hard_caps.yaml",
                     {"behaviour.apply_intercept": (-3, 0), "awareness.initial_share": (0.2, 0.8)},
                     "disbursed_amount < 70bn", 100)
    d.trajectory; d.box; d.leaves

and live tuning in a notebook (:mod:`sim.reporting.tuning`, needs ipywidgets):
:func:`tune`::

    sim.tune("scenarios/shanghai_2024.yaml", ["guarantee.cap_per_firm=10m:50m"], firms_n=2000)
"""

# Everything else is imported when first used (PEP 562): ``import sim`` stays cheap (no
# numpy, pandas or pydantic), so the command line can install its signal handlers first
# and a notebook pays only for what it touches.
from ._lazy import lazy_attributes
from ._version import __version__
from .errors import AnalysisError, ExperimentError, ScenarioError

_LAZY = {
    **dict.fromkeys(
        ("ExperimentResult", "Task", "compare", "replicate", "run_tasks", "sweep"), "experiments"
    ),
    **dict.fromkeys(("SUMMARY_KEYS", "RunResult", "run"), "results"),
    **dict.fromkeys(
        ("Scenario", "load_scenario", "parse_money", "scenario_to_yaml", "with_overrides"),
        "scenario",
    ),
    **dict.fromkeys(
        ("plot_fan", "plot_exhaustion_probability", "plot_sweep", "plot_differences"),
        "reporting.experiment_report",
    ),
    **dict.fromkeys(("write_run", "write_experiment"), "reporting.folders"),
    "tune": "reporting.tuning",  # ipywidgets: only when a tuner is built
    "calibrate": "analysis.calibration",
    "discover": "analysis.discover",  # EMA Workbench: only when a discovery runs
}

__all__ = [
    "__version__",
    "run",
    "RunResult",
    "SUMMARY_KEYS",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "parse_money",
    "scenario_to_yaml",
    "with_overrides",
    "Task",
    "run_tasks",
    "replicate",
    "compare",
    "sweep",
    "ExperimentResult",
    "ExperimentError",
    "AnalysisError",
    "plot_fan",
    "plot_exhaustion_probability",
    "plot_sweep",
    "plot_differences",
    "write_run",
    "write_experiment",
    "tune",
    "calibrate",
    "discover",
]


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__)
