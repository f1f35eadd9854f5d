"""The package's shape: the layer contract, module sizes and the aliases of old import paths."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")
LAYERS = ["scenario", "model", "results", "experiments", "analysis", "reporting", "cli"]


def _lint(pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [str(LINT), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        cwd=pythonpath or ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_layers_contract_is_kept():
    done = _lint()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 2 kept, 0 broken." in done.stdout


def test_layers_contract_catches_a_lower_layer_importing_a_higher_one(tmp_path):
    shutil.copytree(ROOT / "sim", tmp_path / "sim", ignore=shutil.ignore_patterns("__pycache__"))
    ledger = tmp_path / "sim" / "model" / "ledger.py"
    ledger.write_text(ledger.read_text() + "\nfrom ..results import RunResult  # noqa\n")
    done = _lint(tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "sim.model is not allowed to import sim.results" in done.stdout
    assert "sim.model.ledger -> sim.results" in done.stdout


def test_each_layer_is_a_package_in_the_contract():
    text = (ROOT / "pyproject.toml").read_text()
    for layer in LAYERS:
        assert (ROOT / "sim" / layer / "__init__.py").is_file(), layer
        assert f'"sim.{layer}",' in text, layer


def test_public_api_resolves_and_version_is_the_installed_one():
    import importlib.metadata

    import sim

    for name in sim.__all__:
        assert getattr(sim, name) is not None, name
    assert sim.__version__ == importlib.metadata.version("smesim")


def test_every_measure_is_registered_in_rank_order():
    from sim.model.instruments import Instrument, instrument_classes

    classes = instrument_classes()
    assert [c.__name__ for c in classes][:2] == ["LoanPoolInstrument", "GuaranteeInstrument"]
    assert "NplCompensationInstrument" in [c.__name__ for c in classes]
    ranks = [c.rank for c in classes]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
    assert all(issubclass(c, Instrument) and c.section for c in classes)


def test_a_run_and_an_experiment_without_report_import_only_what_they_use():
    # what `smesim run` imports before and after a single run, and what `run -r R
    # --no-report` adds to print its table: no executors for a run, no plotting for either
    code = (
        "import sys, sim.cli, sim.reporting.folders, sim.reporting.i18n\n"
        "from sim.cli.experiments import _print_replications  # noqa\n"
        "single = {m for m in sys.modules if m.startswith(('sim.experiments.', 'matplotlib'))}\n"
        "from sim.reporting.formatting import format_value, format_difference, format_lever\n"
        "import sim.experiments.result\n"
        "print(sorted(single), 'matplotlib' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["['sim.experiments.precision']", "False"]
    import sim.cli.experiments as cli_experiments

    source = Path(cli_experiments.__file__).read_text()
    assert "experiment_report import" not in source  # terminal tables format without plots
