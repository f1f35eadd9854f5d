"""The parameter table of docs/model.md is generated from the schema and the baseline.

- the committed table is the one generated now (else: regenerate it with the command
  named in the message);
- every field of the scenario (sections registered by measures included) has a row with
  a unit and a meaning, and a made-up field shows up in the table;
- baseline values and source markers are read from the baseline's own lines.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, Field

from sim.scenario import parameter_table as pt
from sim.scenario.sections import section_registered

from .conftest import BASELINE, ROOT
from .test_docs import scenario_paths

DOC = ROOT / "docs" / "model.md"
COMMAND = "python -m sim.scenario.parameter_table"


@pytest.fixture(scope="module")
def rows() -> list[pt.ParameterRow]:
    return pt.parameter_rows(BASELINE)


def test_committed_table_is_the_generated_one():
    text = DOC.read_text(encoding="utf-8")
    assert text.count(pt.START) == 1 and text.count(pt.END) == 1, (
        f"docs/model.md must hold {pt.START} and {pt.END} once each"
    )
    fresh = pt.with_table(text, pt.parameter_table(BASELINE))
    assert fresh == text, (
        "the parameter table in docs/model.md is stale (a schema field, default, "
        f"description or baseline line changed); regenerate it with `{COMMAND}`"
    )


def test_every_schema_field_has_a_row(rows):
    listed = {r.field_path for r in rows}
    containers = {p.rsplit(".*.", 1)[0] for p in listed if ".*." in p}
    missing = [p for p in scenario_paths() if p not in listed and p not in containers]
    assert not missing, f"schema fields without a row in the parameter table: {missing}"


def test_every_row_has_a_unit_and_a_meaning(rows):
    assert not [r.path for r in rows if not r.unit]
    blank = [r.field_path for r in rows if not r.meaning]
    assert not blank, (
        "fields without a meaning: give each a Field(description=...) in the schema "
        f"(or an entry of sim.scenario.parameter_table.MEANINGS): {blank}"
    )
    paths = [r.path for r in rows]
    assert len(paths) == len(set(paths))


class _Invented(BaseModel):
    """A section no measure has: proves a new field reaches the table by itself."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    budget_of_nothing: float = Field(default=7.0, description="an invented budget")
    items: list[str] = Field(default_factory=list)


def test_a_made_up_field_shows_up():
    with section_registered("invented_measure", _Invented, order=999):
        rows = pt.parameter_rows(BASELINE)
        table = pt.parameter_table(BASELINE)
    row = next(r for r in rows if r.path == "invented_measure.budget_of_nothing")
    assert (row.default, row.baseline, row.meaning) == ("7", "absent", "an invented budget")
    assert "`invented_measure.budget_of_nothing`" in table
    # a field without a description has a row too, with an empty meaning the test above
    # would refuse
    assert next(r for r in rows if r.path == "invented_measure.items").meaning == ""
    # and the committed table, generated without it, is then stale
    assert "invented_measure" not in DOC.read_text(encoding="utf-8")


def test_values_and_sources_come_from_the_baseline_lines(rows):
    by = {r.path: r for r in rows}
    assert by["loan_pool.total"].baseline == "400 bn"
    assert by["loan_pool.total"].source == "[seed]"
    assert by["loan_pool.total"].default == "required"
    assert by["population.tiers.srdi.pd_annual_median"].unit == "share"
    assert by["population.tiers.srdi.pd_annual_median"].source == "[A] [F 3]"
    # a comment block just above a key is its source
    assert by["loan_pool.kind"].baseline == "target"
    assert by["loan_pool.kind"].source == "[F 8]"
    # a field the baseline does not write shows its default, marked
    assert by["rates.discount_rate"].baseline == "0.02 (default)"
    # an absent section, and a list with no items
    assert by["npl_compensation.budget"].baseline == "absent"
    assert by["awareness.list_pushes.*.day"].baseline == "none"
    # the nearest enclosing key's comment
    assert by["banks.group.n"].source == "[A] [F 1.1]"
    assert by["banks.lenders.0.name"].baseline == "ABC"


def test_with_table_replaces_only_between_the_markers():
    doc = f"before\n{pt.START}\nold\n{pt.END}\nafter\n"
    assert pt.with_table(doc, "new\n") == f"before\n{pt.START}\nnew\n{pt.END}\nafter\n"
    with pytest.raises(ValueError, match="once each"):
        pt.with_table("no markers", "new\n")


def test_check_command_reports_a_stale_table(tmp_path: Path):
    doc = tmp_path / "model.md"
    doc.write_text(f"# x\n{pt.START}\nstale\n{pt.END}\n", encoding="utf-8")
    args = ["--document", str(doc), "--baseline", str(BASELINE)]
    assert pt.main([*args, "--check"]) == 1
    assert pt.main(args) == 0
    assert pt.main([*args, "--check"]) == 0
    assert "`loan_pool.total`" in doc.read_text(encoding="utf-8")
