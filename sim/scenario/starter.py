"""Starter: a commented scenario to begin a programme of one's own (``smesim new``).

Public names: :data:`BLANK`, :func:`shipped_scenarios`, :func:`find_scenario`,
:func:`starter_yaml`.

A starter is a whole scenario written out, every field with a comment above it: its
meaning, its unit kind and its typical range (:mod:`.plausibility`), in English or
Chinese (the ``field`` and ``msg.new`` texts of the catalogue :mod:`sim.texts`). It
starts from :data:`BLANK`, a neutral programme (one tier of firms, one lender, a loan
pool and a guarantee fund, no zones and no service centres), or from any scenario: a
shipped one by name (``shanghai_2024``) or a file by path. It validates as written.

The shipped scenarios are found in the source tree (``scenarios/`` beside ``sim/``) or,
in an installed wheel, in the data folder the wheel installs them to
(``<prefix>/share/smesim/scenarios``, ``data-files`` of ``pyproject.toml``).
"""

from __future__ import annotations

import sysconfig
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from .. import texts
from ..errors import ScenarioError
from ._base import Section
from .loading import load_scenario, scenario_from_dict, scenario_to_dict
from .messages import annotation_at, did_you_mean, is_money_field, unwrap
from .plausibility import Typical, typical_range

__all__ = ["BLANK", "find_scenario", "shipped_scenarios", "starter_yaml"]

#: The neutral programme of a blank starter: numbers of no city, to be replaced.
BLANK: dict[str, Any] = {
    "name": "my_programme",
    "description": "",
    "currency": "CNY",
    "seed": 1,
    "horizon": {"days": 365, "start_date": "2025-01-01"},
    "population": {
        "firms_n": 2000,
        "scale": 1.0,
        "tiers": {
            "sme": {
                "share": 1.0,
                "revenue_median": 20_000_000.0,
                "revenue_sigma": 0.9,
                "pd_annual_median": 0.02,
            }
        },
        "zones": {"zones_n": 0, "clusters_n": 0},
    },
    # outreach (awareness.outreach_rate_day) is delivered by service centres: one, so that
    # the default rate reaches firms
    "service_centres": {
        "centres_n": 1,
        "contacts_per_centre_day": 10.0,
        "assists_per_centre_day": 6.0,
    },
    "banks": {
        "lenders": [{"name": "bank_a", "market_share": 1.0, "quota_share": 1.0, "officers": 10}]
    },
    "rates": {"lpr_1y": 0.031},
    "loan_pool": {
        "total": 5_000_000_000.0,
        "eligible_tiers": ["sme"],
        "max_per_firm": 10_000_000.0,
    },
    "guarantee": {
        "capital": 1_000_000_000.0,
        "leverage": 5.0,
        "cap_per_firm": 10_000_000.0,
        "coverage": 0.8,
        "fee_rate": 0.01,
        "market_fee_rate": 0.02,
        "eligible_tiers": ["sme"],
    },
}

_SOURCE_TREE = Path(__file__).resolve().parents[2] / "scenarios"


def _scenario_dirs() -> list[Path]:
    """Folders that may hold the shipped scenarios: the source tree, then the data
    folders of this installation (the environment's, the user's)."""
    dirs = [_SOURCE_TREE]
    for scheme in {sysconfig.get_default_scheme(), sysconfig.get_preferred_scheme("user")}:
        try:
            dirs.append(Path(sysconfig.get_path("data", scheme)) / "share" / "smesim" / "scenarios")
        except KeyError:  # pragma: no cover - a scheme this platform does not have
            continue
    return [d for d in dirs if d.is_dir()]


def shipped_scenarios() -> dict[str, Path]:
    """The scenarios shipped with smesim, by name (``shanghai_2024``, ``kfw_2020``, ...).

    Targets files (``*_targets.yaml``) are not scenarios and are left out; the first
    folder that has a name wins (the source tree before an installed copy).
    """
    found: dict[str, Path] = {}
    for d in _scenario_dirs():
        for path in sorted([*d.glob("*.yaml"), *d.glob("validation/*.yaml")]):
            if not path.stem.endswith("_targets"):
                found.setdefault(path.stem, path)
    return found


def find_scenario(name_or_path: str | Path) -> Path:
    """The scenario file ``name_or_path`` names: a file that exists, or a shipped name.

    Raises
    ------
    ScenarioError
        When it is neither, with the nearest shipped name and the list of them.
    """
    path = Path(name_or_path)
    if path.is_file():
        return path
    shipped = shipped_scenarios()
    name = path.name.removesuffix(".yaml").removesuffix(".yml")
    if name in shipped:
        return shipped[name]
    raise ScenarioError(
        f"no scenario file {str(name_or_path)!r} and no shipped scenario of that name"
        f"{did_you_mean(name, shipped)}; expected a path, or one of: {', '.join(shipped)}"
    )


# --------------------------------------------------------------------------- writing


def _pattern(path: list[str]) -> str:
    return ".".join(path)


def _range_text(t: Typical, currency: str) -> str:
    if t.kind in ("share", "rate", "rate_day"):
        return f"{100 * t.low:g} % .. {100 * t.high:g} %"
    if t.kind == "money":
        return f"{_compact(t.low)} .. {_compact(t.high)}"
    return f"{t.low:,.10g} .. {t.high:,.10g}"


def _comment(path: list[str], lang: str, currency: str) -> str:
    """The comment of a field: its meaning, unit kind and typical range."""
    key = f"field.{_pattern(path)}"
    meaning = texts.text(key, lang) if texts.has_text(key, lang) else ""
    t = typical_range(_pattern(path))
    if t is None or t.kind == "id":
        return meaning
    kind = texts.text(f"msg.new.kind.{t.kind}", lang, currency=currency)
    if t.unit:
        unit_key = f"msg.new.unit.{t.unit.replace(' ', '_')}"
        unit = texts.text(unit_key, lang) if texts.has_text(unit_key, lang) else t.unit
        kind += f"{'，' if lang == 'zh' else ', '}{unit}"
    span = texts.text("msg.new.typical", lang, range=_range_text(t, currency))
    sep = "；" if lang == "zh" else "; "
    return f"{meaning} [{kind}{sep}{span}]" if meaning else f"[{kind}{sep}{span}]"


def _compact(value: float) -> str:
    """An amount as written by hand (``5bn``, ``10m``, ``20k``) when it is exact."""
    for factor, unit in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if abs(value) >= factor:
            scaled = value / factor
            if abs(scaled * 1000 - round(scaled * 1000)) < 1e-6:
                return f"{scaled:g}{unit}"
            break
    return f"{value:g}" if float(value).is_integer() and abs(value) < 1e15 else repr(value)


def _scalar(value: Any, path: list[str]) -> str:
    money = isinstance(value, int | float) and not isinstance(value, bool) and value
    if money and is_money_field(".".join("0" if p == "*" else p for p in path)):
        return _compact(float(value))
    out = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000)
    return out.removesuffix("\n...\n").strip()


def _flow(value: Any, path: list[str]) -> str:
    if isinstance(value, Mapping):
        items = ", ".join(f"{k}: {_scalar(v, [*path, str(k)])}" for k, v in value.items())
        return "{" + items + "}"
    return _scalar(value, path)


def _is_section_field(path: list[str]) -> bool:
    ann, _ = annotation_at(["0" if p == "*" else p for p in path])
    base = unwrap(ann)
    return isinstance(base, type) and issubclass(base, Section)


def _is_section_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _is_section_map(value: Any, path: list[str]) -> bool:
    return (
        isinstance(value, Mapping)
        and bool(value)
        and all(isinstance(v, Mapping) for v in value.values())
        and typical_range(_pattern(path)) is None
    )


def _lines(
    data: Mapping[str, Any], path: list[str], indent: int, ctx: dict[str, Any]
) -> Iterator[str]:
    pad = " " * indent
    for key, value in data.items():
        here = [*path, str(key)]
        if value is None and _is_section_field(here):
            continue  # an absent section: a measure this programme does not have
        if ctx["comments"]:
            note = _comment(here, ctx["lang"], ctx["currency"])
            if note:
                yield f"{pad}# {note}"
        if _is_section_list(value):
            yield f"{pad}{key}:"
            yield from _entries_of_list(value, here, indent + 2, ctx)
        elif _is_section_map(value, here):
            yield f"{pad}{key}:"
            for i, (name, entry) in enumerate(value.items()):
                yield f"{pad}  {name}:"
                sub = dict(ctx, comments=ctx["comments"] and i == 0)
                yield from _lines(entry, [*here, "*"], indent + 4, sub)
        elif isinstance(value, Mapping) and value and typical_range(_pattern(here)) is None:
            yield f"{pad}{key}:"
            yield from _lines(value, here, indent + 2, ctx)
        else:
            yield f"{pad}{key}: {_flow(value, here)}"


def _entries_of_list(
    value: list[Mapping[str, Any]], path: list[str], indent: int, ctx: dict[str, Any]
) -> Iterator[str]:
    """The first entry written out with its comments, the others one per line."""
    pad = " " * indent
    star = [*path, "*"]
    if ctx["comments"]:
        yield f"{pad}# {texts.text('msg.new.entry', ctx['lang'])}"
        first = list(_lines(value[0], star, indent + 2, ctx))
        yield f"{pad}- {first[0].lstrip()}"
        yield from first[1:]
        rest = value[1:]
    else:
        rest = value
    for entry in rest:
        yield f"{pad}- {_flow(entry, star)}"


def starter_yaml(
    file_name: str | Path,
    *,
    like: str | Path | None = None,
    lang: str = "en",
) -> str:
    """The text of a starter scenario, every field commented.

    Parameters
    ----------
    file_name
        The file the starter will be written to: its stem is the scenario's name.
    like
        A shipped scenario's name or a scenario file to start from (its resolved
        values); None for :data:`BLANK`.
    lang
        Language of the comments (``en`` or ``zh``).

    Returns
    -------
    str
        YAML that validates as written (:func:`~sim.scenario.load_scenario`).

    Raises
    ------
    ScenarioError
        When ``like`` names no scenario, or the name from ``file_name`` is not a valid
        scenario name.

    Examples
    --------
    >>> text = starter_yaml("my_city.yaml")
    >>> "name: my_city" in text and "# guarantee fee" in text
    True
    """
    texts.check_lang(lang)
    name = Path(file_name).stem
    if like is None:
        scenario = scenario_from_dict({**BLANK, "name": name}, file=str(file_name))
        origin = texts.text("msg.new.blank", lang)
    else:
        source = find_scenario(like)
        scenario = load_scenario(source, check_memory=False)
        data = {**scenario_to_dict(scenario), "name": name}
        scenario = scenario_from_dict(data, file=str(file_name))
        origin = texts.text("msg.new.like", lang, like=source.stem)
    data = scenario_to_dict(scenario)
    ctx = {"lang": lang, "currency": scenario.currency, "comments": True}
    head = [
        texts.text("msg.new.head", lang),
        origin,
        texts.text("msg.new.forms", lang),
        texts.text("msg.new.sources", lang),
        texts.text("msg.new.check", lang, file=Path(file_name).name),
    ]
    if like is None:
        head.append(texts.text("msg.new.more", lang))
    body = "\n".join(_lines(data, [], 0, ctx))
    return "".join(f"# {line}\n" for line in head) + "\n" + body + "\n"
