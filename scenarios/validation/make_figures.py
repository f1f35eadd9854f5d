"""Make the figures and tables of docs/validation.md from the fitted validation scenarios.

Run from the repository root::

    python scenarios/validation/make_figures.py [-r 20] [-p 2] [--only kfw_2020_events_fitted]

For each case it runs the fitted scenario (``<case>_fitted*.yaml``, written by
``smesim calibrate``) with R replications through :func:`sim.analysis.validation.predict`,
draws the observed points over the simulated fan (``docs/validation_<case>.png``) and
prints the table of docs/validation.md (observed, simulated mean, 5-95 % band, error).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import sim
from sim.analysis.abc import read_posterior
from sim.analysis.targets import load_targets
from sim.analysis.validation import predict
from sim.reporting.validation_plot import plot_prediction

HERE = Path(__file__).resolve().parent
DOCS = HERE.parent.parent / "docs"
#: (targets, fitted scenario): the cases and, for KfW, the alternative fit (a ramp
#: instead of a fitted capacity)
CASES = (
    ("pboc_2020", "pboc_2020_fitted"),
    ("kfw_2020", "kfw_2020_fitted"),
    ("kfw_2020", "kfw_2020_fitted_ramp"),
    # the cases with the mechanisms of docs/model.md 7.1c, 7.2a-b, 7.4a and 7.17
    ("pboc_2020", "pboc_2020_lists_fitted"),
    ("pboc_2020", "pboc_2020_lists_size_fitted"),
    ("kfw_2020", "kfw_2020_events_fitted"),
    ("kfw_2020", "kfw_2020_surge_fitted"),
    ("pboc_2020", "pboc_2020_size_fitted"),
    ("pboc_2020", "pboc_2020_lists_calls_fitted"),
    # the Bayesian calibration of pboc_2020_size (docs/validation.md 4): the posterior's
    # predictive band beside the point fit's
    ("pboc_2020", "pboc_2020_size_fitted", "pboc_2020_size_posterior.csv"),
)


def _fmt(v: float, amount: bool) -> str:
    return f"{v / 1e9:,.1f} bn" if amount else f"{v:,.0f}"


def table_markdown(table) -> str:
    """The comparison table as Markdown (the rows of docs/validation.md)."""
    lines = [
        "| observation | day | role | observed | simulated mean | 5-95 % band | error |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    if "point_p05" in table:
        lines[0] += " point fit 5-95 % |"
        lines[1] += " ---: |"
    for _, r in table.iterrows():
        amount = r["key"].endswith("_amount")
        band = f"{_fmt(r['p05'], amount)} .. {_fmt(r['p95'], amount)}"
        point = ""
        if "point_p05" in r:
            point = f" {_fmt(r['point_p05'], amount)} .. {_fmt(r['point_p95'], amount)} |"
        lines.append(
            f"| {r['key']} | {r['day']:.0f} | {r['role']} | {_fmt(r['observed'], amount)} | "
            f"{_fmt(r['mean'], amount)} | {band} | {100 * r['error']:+.1f} % |{point}"
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-r", "--replications", type=int, default=20)
    ap.add_argument("-p", "--processes", type=int, default=None)
    ap.add_argument(
        "--only", nargs="*", default=None, help="fitted scenarios to run (default: every case)"
    )
    args = ap.parse_args()
    for case, fitted, *post in CASES:
        name = post[0].removesuffix(".csv") if post else fitted
        if args.only and name not in args.only:
            continue
        sc = sim.load_scenario(HERE / f"{fitted}.yaml")
        tg = load_targets(HERE / f"{case}_targets.yaml", sc)
        posterior = read_posterior(HERE / post[0], sc) if post else None
        pr = predict(sc, tg, args.replications, posterior=posterior, processes=args.processes)
        flows = list(dict.fromkeys(c.of for c in tg.cumulative))
        fig = Figure(figsize=(5.2 * len(flows), 4.0))
        FigureCanvasAgg(fig)
        axes = fig.subplots(1, len(flows), squeeze=False)[0]
        for ax, flow in zip(axes, flows, strict=True):
            plot_prediction(ax, pr, flow)
        axes[0].legend(loc="lower right", fontsize=8)
        fig.suptitle(f"{name}: observed vs {args.replications} replications")
        fig.tight_layout()
        out = DOCS / f"validation_{name.replace('_fitted', '')}.png"
        fig.savefig(out, dpi=110)
        print(f"## {name}  ({args.replications} replications; figure {out.name})\n")
        print(table_markdown(pr.table))
        print()
        means = pr.table.set_index(["key", "day"])["mean"]
        for day in sorted({d for k, d in means.index if k == "approved_n"}):
            if ("disbursed_amount", day) in means.index:
                avg = means[("disbursed_amount", day)] / means[("approved_n", day)]
                print(f"average loan by day {day:.0f}: {avg / 1e6:,.1f} m")
        print()


if __name__ == "__main__":
    main()
