"""The tuning notebook runs top to bottom (so it cannot rot)."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "tuning.ipynb"

#: The notebook's experiments with fewer replications, in this process: every cell runs
#: as written otherwise (the suite runs on two cores already; worker processes and the
#: readers' replication counts would only make it slower). Each text must be found.
LIGHTER = {
    "sim.replicate(base, 8, processes=2)": "sim.replicate(base, 3, processes=1)",
    "replications=4, processes=2)": "replications=2, processes=1)",
    "sim.compare(base, [old_cap], 8, processes=2)": "sim.compare(base, [old_cap], 3, processes=1)",
    "    16,\n    processes=2,": "    16,\n    processes=1,",
}


# jupyter_client and zmq raise deprecation warnings of their own on some versions
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_tuning_notebook_executes():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for old, new in LIGHTER.items():
        cells = [c for c in nb.cells if c.cell_type == "code" and old in c.source]
        assert len(cells) == 1, f"the notebook no longer holds {old!r}"
        cells[0].source = cells[0].source.replace(old, new)
    client = nbclient.NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    errors = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert not errors
    images = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if "image/png" in out.get("data", {})
    ]
    assert len(images) >= 2  # fan/exhaustion and sweep figures were drawn
    # the live tuner was built and displayed, and ran again when driven from code
    widgets = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if "application/vnd.jupyter.widget-view+json" in out.get("data", {})
    ]
    assert widgets
    printed = "".join(
        out.get("text", "")
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream"
    )
    assert "smesim run " in printed and "--set guarantee.cap_per_firm=40m" in printed


def _committed() -> dict:
    import json

    return json.loads(NOTEBOOK.read_text(encoding="utf-8"))


def test_the_committed_notebook_keeps_its_outputs_and_charts():
    """Committed executed, so that it shows its tables and charts where it is read."""
    nb = _committed()
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 2
    tables = [
        "".join(o["data"]["text/plain"])
        for o in outputs
        if "text/html" in o.get("data", {}) and "text/plain" in o["data"]
    ]
    assert len(tables) >= 3
    for table in tables:  # money as amounts, not 2.790302e+09
        assert "e+0" not in table and "e+1" not in table, table
        assert " bn CNY" in table
    assert all(c.get("execution_count") for c in nb["cells"] if c["cell_type"] == "code")


def test_the_notebook_explains_firms_n_and_scale_before_using_them():
    cells = _committed()["cells"]
    text = ["".join(c["source"]) for c in cells]
    explained = next(i for i, t in enumerate(text) if "population.scale" in t and "firms_n" in t)
    used = next(
        i
        for i, (c, t) in enumerate(zip(cells, text, strict=True))
        if c["cell_type"] == "code" and "firms_n" in t
    )
    assert cells[explained]["cell_type"] == "markdown" and explained < used


def test_the_notebook_extra_installs_jupyter_and_the_kernel():
    tomllib = pytest.importorskip("tomllib")
    extras = tomllib.loads((NOTEBOOK.parents[1] / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]["notebook"]
    names = {e.split(">")[0].split("=")[0].split("[")[0] for e in extras}
    assert {"jupyterlab", "ipykernel", "ipywidgets"} <= names
