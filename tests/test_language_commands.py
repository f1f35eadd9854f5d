"""``--lang`` on every command that writes a report or prints a summary.

Each command, run with ``--lang zh``, writes a report whose text is Chinese (no English
page title left) and prints a Chinese summary; ``--lang xx`` exits 2 before any work;
English stays English.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cli
from sim.reporting import fonts
from sim.reporting.i18n import MESSAGES

from .conftest import BASELINE, SCENARIOS

ROOT = Path(__file__).resolve().parents[1]
SMALL = [
    "population.firms_n=600",
    "horizon.days=180",
    "awards.round_days=[100]",
    "loan_pool.reallocation_day=90",
]
SETS = [a for s in SMALL for a in ("--set", s)]
TARGETS = "name: t\nillustrative: true\nsummary:\n  - {key: approval_rate, value: 0.7}\n"

# the English page titles (and figure titles) of every report kind: none may be left
ENGLISH_TITLES = [
    "smesim replications",
    "smesim comparison",
    "smesim sweep",
    "Sensitivity of",
    "Calibration of",
    "Design on",
    "Savings of firms by category",
    "Refused applications by reason",
    "Probability that each quota",
    "Headline figures against",
    "Change from the base",
    "median and 5-95",
    "Headline figure",
    "replications",
]

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="no pdftotext")


def smesim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-W", "error", "-m", "cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )


def _pdf_text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True)
    return out.stdout


def _commands(tmp: Path) -> dict[str, list[str]]:
    targets = tmp / "targets.yaml"
    targets.write_text(TARGETS)
    old_cap = str(SCENARIOS / "shanghai_2024_old_cap.yaml")
    return {
        "replications": ["run", str(BASELINE), "-r", "2", "-p", "1"],
        "compare": ["compare", str(BASELINE), old_cap, "-r", "2", "-p", "1"],
        "sweep": ["sweep", str(BASELINE), "--vary", "guarantee.cap_per_firm=10m,30m", "-r", "2", "-p", "1"],
        "sensitivity": [
            "sensitivity", str(BASELINE), "--method", "morris", "-n", "2",
            "--param", "behaviour.apply_intercept=-2:0",
            "--param", "guarantee.cap_per_firm=10m:40m",
            "--output", "uptake_rate", "-p", "1",
        ],
        "calibrate": [
            "calibrate", str(BASELINE), "--targets", str(targets),
            "--fit", "behaviour.apply_intercept=-2:0", "-r", "1",
            "--global-points", "8", "--polish-evals", "2", "-p", "1",
        ],
        "design": [
            "design", str(BASELINE), "--lever", "guarantee.capital=1bn:4bn",
            "--target", "mean uptake_rate >= 0.01", "-r", "2", "--tol", "0.3", "-p", "1",
        ],
    }  # fmt: skip


# words every Chinese report of the kind must show (its title)
CHINESE_TITLES = {
    "replications": "smesim 重复模拟",
    "compare": "smesim 情景比较",
    "sweep": "smesim 参数扫描",
    "sensitivity": "的敏感性分析",
    "calibrate": "的参数校准",
    "design": "的政策设计",
}


@needs_pdftotext
@pytest.mark.slow
@pytest.mark.parametrize("kind", list(CHINESE_TITLES))
def test_chinese_report_and_summary(kind, tmp_path):
    out = tmp_path / "o"
    r = smesim(*_commands(tmp_path)[kind], *SETS, "--lang", "zh", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "Glyph" not in r.stderr and "findfont" not in r.stderr
    text = _pdf_text(out / "report.pdf")
    assert CHINESE_TITLES[kind] in text
    left = [t for t in ENGLISH_TITLES if t in text]
    assert not left, left
    # the terminal summary is Chinese, its last line included
    last = r.stdout.strip().splitlines()[-1]
    assert "已写入" in last and "用时" in last, r.stdout
    assert "wrote" not in r.stdout
    if kind in ("replications", "compare", "sweep"):
        assert "亿元" in r.stdout or "万元" in r.stdout
        assert "亿元" in text or "万元" in text


@pytest.mark.parametrize(
    "args",
    [
        ["run", str(BASELINE)],
        ["run", str(BASELINE), "-r", "2"],
        ["compare", str(BASELINE), str(BASELINE)],
        ["sweep", str(BASELINE), "--vary", "guarantee.cap_per_firm=10m,30m"],
        ["sensitivity", str(BASELINE), "--param", "behaviour.apply_intercept=-2:0",
         "--output", "uptake_rate"],
        ["calibrate", str(BASELINE), "--targets", "t.yaml", "--fit", "behaviour.apply_intercept=-2:0"],
        ["design", str(BASELINE), "--lever", "guarantee.capital=1bn:4bn",
         "--target", "mean uptake_rate >= 0.5"],
        ["calibration-table", str(BASELINE)],
        ["predict", str(BASELINE), "--targets", "t.yaml"],
    ],
    ids=lambda a: " ".join(a[:1] + a[2:3]),
)  # fmt: skip
def test_unknown_language_exits_2_before_any_work(args, tmp_path):
    out = tmp_path / "o"
    extra = (
        ["--csv", str(tmp_path / "t.csv")] if args[0] == "calibration-table" else ["-o", str(out)]
    )
    r = CliRunner().invoke(cli.app, [*args, *extra, "--lang", "xx"])
    assert r.exit_code == 2, r.output
    assert "--lang: expected zh or en, got 'xx'" in r.output
    assert "Traceback" not in r.output
    assert not out.exists() and not (tmp_path / "t.csv").exists()


@pytest.mark.parametrize("command", ["compare", "sensitivity"])
def test_no_cjk_font_exits_2_before_the_runs(command, tmp_path, monkeypatch):
    monkeypatch.setattr(fonts, "_find_cjk_font", lambda: None)
    args = _commands(tmp_path)[command]
    r = CliRunner().invoke(cli.app, [*args, *SETS, "--lang", "zh", "-o", str(tmp_path / "o")])
    assert r.exit_code == 2, r.output
    assert "[zh]" in r.output
    assert not (tmp_path / "o").exists() and not (tmp_path / "o.tasks").exists()


def test_scenario_language_is_the_default_of_replications(tmp_path):
    args = ["run", str(BASELINE), "-r", "2", "-p", "1", "--no-report", *SETS]
    r = smesim(*args, "--set", "language=zh", "-o", str(tmp_path / "zh"))
    assert r.returncode == 0, r.stderr
    assert "2次重复模拟" in r.stdout and "已写入" in r.stdout
    r = smesim(*args, "--set", "language=zh", "--lang", "en", "-o", str(tmp_path / "en"))
    assert r.returncode == 0, r.stderr
    assert "2 replications (mean, 5th and 95th percentiles)" in r.stdout
    assert re.search(r"wrote .* in [\d.]+ s", r.stdout)
    assert not re.search(r"[\u4e00-\u9fff]", r.stdout)


def test_calibration_table_prints_in_chinese(tmp_path):
    csv = tmp_path / "t.csv"
    r = CliRunner().invoke(
        cli.app, ["calibration-table", str(BASELINE), *SETS, "--csv", str(csv), "--lang", "zh"]
    )
    assert r.exit_code == 0, r.output
    assert "校准目标" in r.output and "公开数据" in r.output and "已写入" in r.output
    assert "published" not in r.output


def test_english_messages_of_warnings_match_the_precision_module():
    from sim.experiments import precision
    from sim.reporting.i18n import band_caution, morris_caution, probability_caution

    for n in (1, 3, 9):
        assert band_caution(n) == precision.band_warning(n)
        assert band_caution(n, what="probability") == precision.band_warning(n, "probability")
        assert morris_caution(n) == precision.morris_warning(n)
        assert probability_caution(n) == precision.probability_warning(n)
    assert band_caution(3, "zh") == "警告：区间仅基于3次重复模拟（少于10次）"
    assert band_caution(10, "zh") is None


def test_design_lines_in_english_are_the_analysis_layers():
    from sim.analysis.design import describe as describe_en
    from sim.analysis.design import design
    from sim.analysis.evaluation import parse_range
    from sim.reporting.design_report import describe

    from .test_experiment_pages import tiny_pool

    sc = tiny_pool()
    lever = parse_range("loan_pool.total=50bn:60bn", sc, option="--lever")
    for target in ("P(pool_exhausted_day <= 119) <= 0.25", "max uptake_rate"):
        res = design(sc, lever, target, replications=2, grid=3, processes=1)
        assert describe(res, "en") == describe_en(res)
        zh = describe(res, "zh")
        assert zh[0].startswith("问题：") and any(line.startswith("答案：") for line in zh)
        assert not any("Answer" in line or "Check at" in line for line in zh)


def test_every_experiment_message_is_in_every_language():
    assert set(MESSAGES["zh"]) == set(MESSAGES["en"])


def test_predict_prints_in_chinese_and_draws_in_chinese(tmp_path):
    from matplotlib.figure import Figure

    import sim
    from sim.analysis.targets import load_targets
    from sim.analysis.validation import predict
    from sim.reporting.validation_plot import plot_prediction

    targets = tmp_path / "t.yaml"
    targets.write_text(
        "name: t\nsummary:\n  - {key: approval_rate, value: 0.7}\ncumulative:\n"
        "  - of: disbursed_amount\n    role: predict\n    points: [{day: 90, value: 1bn}]\n"
    )
    r = CliRunner().invoke(
        cli.app,
        ["predict", str(BASELINE), "-t", str(targets), "-r", "2", "-p", "1", *SETS,
         "-o", str(tmp_path / "p"), "--lang", "zh"],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "观测指标" in r.output and "留出" in r.output and "已写入" in r.output
    assert "observation" not in r.output and "wrote" not in r.output
    sc = sim.load_scenario(BASELINE, SMALL)
    pr = predict(sc, load_targets(targets, sc), 2, processes=1)
    ax = Figure().subplots()
    plot_prediction(ax, pr, "disbursed_amount", lang="zh")
    assert ax.get_title() == "获批金额（累计）" and ax.get_ylabel() == "亿元"
    assert ax.get_ylim()[1] < 1e3  # in 亿元, not yuan
