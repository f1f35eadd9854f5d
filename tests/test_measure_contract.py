"""The measure contract: a measure defined here, in this file alone, passes through every
output of the program (the scenario, the savings table, the fiscal cost and its label, the
report cover, the workbook's headline, the terminal summary, the tuner, the level plot and
the experiments' exhaustion tables), and leaves no trace once the test is over.

The measure is an R&D tax credit: 5 % of each programme loan booked, up to 200 k per
firm, from a 500 m hard budget (docs/examples/rd_tax_credit.py is the same measure as a
module of its own).
"""

from __future__ import annotations

import runpy
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import yaml
from matplotlib.figure import Figure
from pydantic import BaseModel, ConfigDict

import sim
from sim.model.instruments import (
    Account,
    Headline,
    Instrument,
    instrument_classes,
    instrument_registered,
)
from sim.scenario import ScenarioError, scenario_from_dict, scenario_to_dict
from sim.scenario.money import PositiveMoney, Share
from sim.scenario.sections import registered_sections

from .conftest import BASELINE, ROOT, small_scenario

SECTION = "rd_tax_credit"
PAID = "rd_tax_credit_paid_amount"
FIRMS = "rd_tax_credit_firms_n"
DAY = "rd_tax_credit_exhausted_day"
LABEL_EN = "R&D tax credits paid (firms)"
ANSWER_EN = "{n} firms received {amount} of R&D tax credits."
# the small baseline lends about 7 bn in its year: a 50 m budget (a tenth of the 500 m
# of docs/examples/rd_tax_credit.py, for a fifth of the firms) runs out within it
ON = [f"{SECTION}={{budget: 50m}}"]


def _define_measure() -> type[Instrument]:
    """The throwaway measure: defining the class registers it and its section."""

    class RdTaxCredit(BaseModel):
        """The R&D tax credit's section."""

        model_config = ConfigDict(frozen=True, extra="forbid")
        budget: PositiveMoney
        rate: Share = 0.05
        cap_per_firm: PositiveMoney = 200_000.0

    class RdTaxCreditInstrument(Instrument):
        """A share of each programme loan booked, credited to the firm from a hard budget."""

        section = SECTION
        section_model = RdTaxCredit
        rank = 80
        extra_columns = (PAID,)
        savings_columns = fiscal_columns = (PAID,)
        summary_keys = (PAID, FIRMS, DAY)
        savings_categories = ("rd_tax_credit",)
        fiscal_labels = (("paid", "fiscal.rd_tax_credit"),)
        reported_accounts = (Account("rd_tax_credit_budget", "R&D credit budget", DAY, plot=True),)
        headlines = (
            Headline("h.rd_tax_credit", (PAID, FIRMS), ("amount", "count")),
            Headline(
                None,
                (PAID, FIRMS),
                places=frozenset({"answer"}),
                value=lambda fmt, s, sc: fmt.text(
                    "answer.rd_tax_credit", amount=fmt.amount(s[PAID]), n=fmt.count(s[FIRMS])
                ),
            ),
        )
        texts = {
            "en": {
                "msg.answer.rd_tax_credit": ANSWER_EN,
                "msg.h.rd_tax_credit": LABEL_EN,
                "msg.fiscal.rd_tax_credit": "R&D tax credits",
                "code.rd_tax_credit": "R&D tax credit",
                f"column.{PAID}": "R&D tax credits paid to firms. Scaled to the population.",
                f"column.{FIRMS}": "Firms credited. Scaled to the population.",
                f"column.{DAY}": "Day the R&D credit budget ran out (empty if it lasted).",
            },
            "zh": {
                "msg.answer.rd_tax_credit": "{n}家企业获得研发税收抵免{amount}。",
                "msg.h.rd_tax_credit": "研发税收抵免支付（企业数）",
                "msg.fiscal.rd_tax_credit": "研发税收抵免",
                "code.rd_tax_credit": "研发税收抵免",
                f"column.{PAID}": "向企业支付的研发税收抵免。按总体放大。",
                f"column.{FIRMS}": "获得抵免的企业数。按总体放大。",
                f"column.{DAY}": "研发抵免预算用尽之日（未用尽则为空）。",
            },
        }
        units = {PAID: "money", FIRMS: "count", DAY: "day"}

        def __init__(self, scenario: Any, firms: Any, lenders: Any, ledger: Any) -> None:
            super().__init__(scenario, firms, lenders, ledger)
            self.config = scenario.section(SECTION)
            self.active = self.config is not None
            self.received = np.zeros(firms.n)
            if self.active:
                self.budget_id = ledger.open(
                    SECTION,
                    "rd_tax_credit_budget",
                    self.config.budget / scenario.population.scale,
                    group=SECTION,
                )

        def loans_booked(self, model: Any, day: int, app: np.ndarray) -> None:
            a = model.apps.cols
            firm = a["firm"][app]
            credit = np.minimum(
                self.config.rate * a["amount"][app],
                np.maximum(self.config.cap_per_firm - self.received[firm], 0.0),
            )
            for i in np.flatnonzero(credit > 0):  # one at a time: a firm may book twice a day
                c = min(credit[i], self.config.cap_per_firm - self.received[firm[i]])
                if c <= 0:
                    continue
                granted, _ = model.ledger.draw(np.array([self.budget_id]), np.array([c]), day)
                if granted[0]:
                    self.received[firm[i]] += c
                    model.ts[PAID][day] += c

        def summary(self, model: Any) -> dict[str, float]:
            d = int(model.ledger.exhausted_on[self.budget_id])
            return {
                PAID: float(model.ts[PAID].sum()) * model.scale,
                FIRMS: float((self.received > 0).sum()) * model.scale,
                DAY: d if d >= 0 else None,
            }

        def savings_by_firm(self, model: Any) -> dict[str, np.ndarray]:
            return {"rd_tax_credit": self.received}

        def savings_terms(self, model: Any) -> list[float]:
            return [model.ts[PAID].sum()] if self.active else []

        def fiscal_terms(self, model: Any) -> tuple[list[float], list[float]]:
            return ([model.ts[PAID].sum()] if self.active else []), []

    return RdTaxCreditInstrument


@pytest.fixture(scope="module")
def measure() -> Iterator[type[Instrument]]:
    """The measure, registered for this module's tests only."""
    with instrument_registered(_define_measure()) as cls:
        yield cls
    # nothing is left behind for the other tests
    assert cls not in instrument_classes()
    assert SECTION not in [s.name for s in registered_sections()]


@pytest.fixture(scope="module")
def runs(measure: type[Instrument]) -> tuple[sim.RunResult, sim.RunResult]:
    """The small baseline without and with the credit, same seed."""
    return sim.run(small_scenario(), seed=4), sim.run(small_scenario(*ON), seed=4)


# --------------------------------------------------------------------------- the example


def test_docs_example_is_a_measure():
    """docs/examples/rd_tax_credit.py, run as a module, is a measure that registers
    itself and its section; forgotten afterwards (before this module's own measure)."""
    path = ROOT / "docs" / "examples" / "rd_tax_credit.py"
    names = runpy.run_path(str(path), run_name="rd_tax_credit_example")
    cls = names["RdTaxCreditInstrument"]
    with instrument_registered(cls):
        assert cls in instrument_classes() and cls.rank > 70
        sc = small_scenario("rd_tax_credit={budget: 500m}")
        assert sc.rd_tax_credit.cap_per_firm == 2e5
    assert SECTION not in [s.name for s in registered_sections()]


def test_scenario_layer_loads_the_measures_first():
    """A fresh interpreter that only loads a scenario has every measure's section."""
    code = (
        "import sys; from sim.scenario import load_scenario; "
        f"load_scenario({str(BASELINE)!r}); "
        "assert 'sim.model.instruments.npl_compensation' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --------------------------------------------------------------------------- scenario


def test_section_is_validated_and_dumped(measure):
    sc = small_scenario(f"{SECTION}={{budget: 500m, rate: 0.04}}")
    assert sc.rd_tax_credit.budget == 5e8 and sc.section(SECTION).rate == 0.04
    assert scenario_to_dict(sc)[SECTION] == {"budget": 5e8, "rate": 0.04, "cap_per_firm": 2e5}
    assert scenario_from_dict(yaml.safe_load(sim.scenario_to_yaml(sc))) == sc


def test_absent_section_stays_absent(measure):
    """Without the section, the resolved scenario (and so every task id) is as before."""
    sc = small_scenario()
    assert sc.rd_tax_credit is None
    assert SECTION not in scenario_to_dict(sc)


def test_bad_section_names_the_field(measure):
    with pytest.raises(ScenarioError) as err:
        small_scenario(f"{SECTION}={{budget: 500m, rat: 0.1}}")
    assert f"{SECTION}.rat" in err.value.fields
    assert "did you mean 'rate'" in str(err.value)
    with pytest.raises(ScenarioError) as err:
        small_scenario(f"{SECTION}={{budget: -1}}")
    assert f"{SECTION}.budget" in err.value.fields


def test_misspelt_section_is_refused(measure):
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict({**scenario_to_dict(small_scenario()), "rd_tax_credt": {}})
    assert "did you mean 'rd_tax_credit'" in str(err.value)


# --------------------------------------------------------------------------- results


def test_measure_pays_and_runs_out(runs):
    without, with_credit = runs
    s = with_credit.summary_dict()
    assert s[PAID] > 0 and s[FIRMS] > 0
    assert s[DAY] is not None  # the budget runs out within the year
    assert PAID not in without.summary_dict()
    assert with_credit.summary_dict()["approved_n"] == without.summary_dict()["approved_n"]


def test_savings_table_sums_to_the_total(runs):
    for r in runs:
        s = r.summary_dict()
        total = r.savings["amount"].sum() * s["scale"]
        assert total == pytest.approx(s["savings_total_amount"], rel=1e-9)
    sav = runs[1].savings
    credited = sav.loc[sav["category"] == "rd_tax_credit", "amount"].sum()
    assert credited * runs[1].summary_dict()["scale"] == pytest.approx(
        runs[1].summary_dict()[PAID], rel=1e-9
    )


def test_fiscal_cost_and_its_label(runs):
    from sim.reporting.measure_rows import fiscal_label

    without, with_credit = runs
    a, b = without.summary_dict(), with_credit.summary_dict()
    assert b["fiscal_cost_amount"] - a["fiscal_cost_amount"] == pytest.approx(b[PAID], rel=1e-9)
    assert "R&D tax credits" in fiscal_label(with_credit.scenario, "en")
    assert "研发税收抵免" in fiscal_label(with_credit.scenario, "zh")
    assert "R&D" not in fiscal_label(without.scenario, "en")


# --------------------------------------------------------------------------- outputs


def test_cover(runs):
    from sim.reporting.run_report import cover_rows

    without, with_credit = runs
    assert LABEL_EN not in dict(cover_rows(without))
    rows = dict(cover_rows(with_credit))
    assert rows[LABEL_EN].endswith(")") and "CNY" in rows[LABEL_EN]
    assert any("R&D tax credits" in label for label in rows)  # the fiscal cost's label
    assert "研发税收抵免支付（企业数）" in dict(cover_rows(with_credit, "zh"))


def test_answer_page_says_what_the_measure_did(runs):
    from sim.reporting.answer import answer_sentences
    from sim.reporting.formatting import format_count, format_money

    without, with_credit = runs
    s = with_credit.summary_values
    said = ANSWER_EN.format(n=format_count(s[FIRMS]), amount=format_money(s[PAID], "CNY"))
    assert said in answer_sentences(with_credit)
    assert not any("R&D tax credits." in x for x in answer_sentences(without))
    assert any(
        "研发税收抵免" in x and x.endswith("。") for x in answer_sentences(with_credit, "zh")
    )


def test_workbook_headline(runs):
    from sim.results.workbook import headline_table

    table = headline_table(runs[1].summary_dict()).set_index("figure")
    assert table.loc[PAID, "meaning"].startswith("R&D tax credits paid")
    assert table.loc[PAID, "unit"] == "CNY"
    assert table.loc[DAY, "meaning"].startswith("Day the R&D credit budget")


def test_terminal_summary(runs):
    from sim.cli.run import summary_lines

    without, with_credit = runs
    lines = summary_lines(with_credit.summary_dict(), with_credit.scenario)
    assert any(line.startswith(f"  {LABEL_EN}: ") for line in lines)
    assert not any(
        LABEL_EN in line for line in summary_lines(without.summary_dict(), without.scenario)
    )
    assert lines[-1].startswith("  savings of firms")


def test_tuner_headline(runs):
    from sim.reporting.tuning import _headline_html

    result = runs[1]
    assert LABEL_EN.replace("&", "&amp;") in _headline_html(result, result.summary_values)


def test_level_plot(runs):
    from sim.reporting.run_report import plot_measure_levels

    fig = Figure()
    plot_measure_levels(fig.add_subplot(), runs[1])
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any(SECTION in label or "R&D" in label for label in labels)


def test_exhaustion_tables(measure):
    ex = sim.replicate(small_scenario(*ON), 2, seed=1, series=False, processes=1)
    table = ex.exhaustion_probability()
    assert "R&D credit budget" in table.columns
    assert table["R&D credit budget"].iloc[-1] == 1.0  # ran out in both replications
    assert DAY in ex.metrics()
    assert (
        "R&D credit budget"
        not in sim.replicate(
            small_scenario(), 1, seed=1, series=False, processes=1
        ).exhaustion_probability()
    )
