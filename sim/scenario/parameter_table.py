"""Parameter table: every field of a scenario with its unit, default, baseline value and source.

Public names: :class:`ParameterRow`, :func:`parameter_rows`, :func:`parameter_table`,
:func:`with_table`, :func:`main`, :data:`START`, :data:`END`, :data:`BASELINE`,
:data:`DOCUMENT`.

The table of ``docs/model.md`` (section 6, Input data) is generated, never written by
hand: one row per leaf field of :class:`~sim.scenario.schema.Scenario` and of the
sections measures register (:mod:`.sections`), walked recursively. A mapping or list of
sections (tiers, lenders, award levels) gives one row per field of each item the
baseline holds (``population.tiers.srdi.pd_annual_median``, ``banks.lenders.0.officers``),
or one row per field under ``*`` when it holds none. Each row gives:

- the unit, from the field's type (``money``, ``share``, ``rate``, ``days``, ``count``,
  a choice...);
- the schema default (``required`` when there is none, ``none`` when it is null);
- the baseline's value (``absent`` in a section the baseline leaves out; ``(default)``
  when the baseline file does not write the field);
- the source marker of the baseline line (``[seed]``, ``[F x.y]``, ``[A]``, ``[C]``): in
  the comment on the field's line or the comment lines just below it, else in the comment
  block just above it, else in the comment of the nearest enclosing key;
- its meaning: the field's ``description``, else :data:`MEANINGS`.

``python -m sim.scenario.parameter_table`` rewrites the table in place between
:data:`START` and :data:`END`; ``--check`` exits with 1, writing nothing, when the
committed table differs from the generated one.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import re
import types
import typing
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from .loading import load_scenario
from .money import parse_money, parse_share
from .schema import Scenario
from .sections import registered_sections

__all__ = [
    "BASELINE",
    "DOCUMENT",
    "END",
    "MEANINGS",
    "START",
    "ParameterRow",
    "main",
    "parameter_rows",
    "parameter_table",
    "with_table",
]

_ROOT = Path(__file__).resolve().parents[2]
#: The shipped baseline the table's values and sources come from.
BASELINE = _ROOT / "scenarios" / "shanghai_2024.yaml"
#: The document holding the table.
DOCUMENT = _ROOT / "docs" / "model.md"
#: Markers around the generated table in :data:`DOCUMENT`.
START = "<!-- parameter-table:start -->"
END = "<!-- parameter-table:end -->"

#: Items of a mapping or list of sections listed one by one; a longer one (the zones'
#: labels) gives the ``*`` rows, valued as its first item.
_ITEMS_LISTED = 20

#: Meanings of fields whose schema declares no ``description`` (dotted paths, ``*`` for
#: any item of a mapping or list).
MEANINGS: dict[str, str] = {
    "demand.needs_per_firm_year": "Poisson rate of new financing needs (renewals of existing loans come on top), needs per firm per year",
    "demand.amount_revenue_ratio_median": "median need as a share of the firm's annual revenue",
    "demand.amount_sigma": "log-standard deviation of need amounts (log units)",
    "demand.waiting_at_launch_share": "share of firms holding a need on day 0",
    "demand.patience_days": "longest wait for the firm to become aware before the need is met elsewhere",
    "demand.monthly_weights": "weights of the calendar months (January first) in which new needs arise, normalised; absent: uniform over days",
    "demand.existing_loans_share": "share of firms holding a bank loan with their main bank at launch; one share, or a mapping tier -> share (tiers not named: 0)",
    "demand.renewal_share": "probability that an eligible holder renews into the programme at a maturity",
    "rates.lpr_1y": "one-year loan prime rate, a year",
    "rates.programme_spread": "spread of programme loans over the LPR (may be negative), a year",
    "rates.market_spread_base": "spread of market loans over the LPR at PD 0 (may be negative), a year",
    "rates.market_risk_premium_per_pd": "extra market spread per unit of annual PD",
    "rates.discount_rate": "annual rate at which savings and fiscal cost after day 0 are discounted to present values (`*_pv_amount`)",
    "loan_pool.total": "programme lending volume (cumulative draws)",
    "loan_pool.quota_mode": "`bank_quotas` (one quota per lender) or `shared_pool` (one account, first come first served)",
    "loan_pool.credit_sub_quota": "cumulative volume of credit (unsecured) loans; `null` = no sub-quota",
    "loan_pool.credit_loan_max_collateral": "collateral ratio below which a loan is a credit loan",
    "loan_pool.interest_subsidy_share": "share of programme interest the city pays on credit loans, automatically",
    "loan_pool.eligible_tiers": "tiers that may borrow from the pool",
    "loan_pool.max_per_firm": "highest outstanding programme borrowing of one firm",
    "loan_pool.min_amount": "smallest loan",
    "loan_pool.term_days": "loan term",
    "loan_pool.reallocation_day": "day unused lender quotas are reassigned by use; `null` = never",
    "loan_pool.processing_cap_per_day": "programme-wide registration throughput before the banks' review, real applications a day; `null` = no such step",
    "loan_pool.kind": "account kind of the pool and, unless `bank_quota_kind` says otherwise, of the lender quotas: `hard` (refuses when used up), `target` (never refuses; day reached and overshoot reported) or `revolving` (refills when loans end)",
    "loan_pool.bank_quota_kind": "kind of the lender quotas when it differs from `kind` (the pool is then an account of its own); `null` = as `kind`",
    "loan_pool.credit_sub_quota_kind": "kind of the credit sub-quota",
    "loan_pool.partial_grants": "grant what remains of a hard or revolving account when it is at least `min_amount` (the loan, its guarantee and savings are smaller) instead of refusing",
    "loan_pool.subsidy_budget": "the interest-subsidy appropriation: a hard budget the subsidy payments draw on; `null` = unlimited",
    "loan_pool.subsidy_payment": "when the subsidy is paid: `at_approval` (whole term on the approval day), or `monthly`, `quarterly`, `annually` in arrears on the calendar",
}

_COUNT_NAMES = {"n", "officers", "per_round_max", "firms_per_round_max", "max_attempts"}
_MARKER = re.compile(r"\[([^\]\[]+)\]")
_F_MARKER = re.compile(r"F\s*\d[\d.]*(?:\s*,\s*(?:F\s*)?\d[\d.]*)*")
_F_SPACE = re.compile(r"F\s*")
_TEXT_SHOWN = 40


@dataclass(frozen=True)
class ParameterRow:
    """One row of the parameter table.

    Attributes
    ----------
    path
        Dotted path as ``--set`` takes it (``population.tiers.srdi.share``,
        ``banks.lenders.0.officers``; ``*`` for any item when the baseline has none).
    field_path
        The schema's path, ``*`` for any item (``population.tiers.*.share``).
    unit
        Unit or type, from the field's type.
    default
        The schema default as shown: ``required``, ``none``, or the value.
    baseline
        The baseline's value as shown (``absent`` in a section the baseline leaves out).
    source
        Source markers of the baseline line (``[A]``, ``[F 1.1]``...), or empty.
    meaning
        One line: the field's description, else :data:`MEANINGS`.
    """

    path: str
    field_path: str
    unit: str
    default: str
    baseline: str
    source: str
    meaning: str


# --------------------------------------------------------------------------- types


def _parts(annotation: Any) -> tuple[Any, list[Any]]:
    """The annotation without ``Annotated`` and ``None``, and the metadata found."""
    meta: list[Any] = []
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            args = typing.get_args(annotation)
            annotation = args[0]
            for m in args[1:]:
                meta.extend(getattr(m, "metadata", []) if isinstance(m, FieldInfo) else [m])
            continue
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) == 1:
                annotation = args[0]
                continue
        return annotation, meta


def _is_section(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _unit(name: str, annotation: Any, metadata: Sequence[Any]) -> str:
    """Unit or type of a field from its annotation, refined by its name."""
    base, meta = _parts(annotation)
    meta = [*metadata, *meta]
    origin = typing.get_origin(base)
    if origin in (typing.Union, types.UnionType):
        units = [_unit(name, a, []) for a in typing.get_args(base) if a is not type(None)]
        return " or ".join(dict.fromkeys(units))
    if origin is typing.Literal:
        return "choice: " + ", ".join(str(a) for a in typing.get_args(base))
    if origin is list:
        item = typing.get_args(base)[0]
        return "list of names" if item is str else f"list of {_plural(_unit(name, item, []))}"
    if origin is dict:
        return f"{_unit(name, typing.get_args(base)[1], [])} by name"
    simple = {bool: "true/false", str: "text", dt.date: "date"}
    if base in simple:
        return simple[base]
    return _number_unit(name, base, meta)


def _number_unit(name: str, base: Any, meta: Sequence[Any]) -> str:
    """Unit of a number: from the reader its type names, else from the field's name."""
    funcs = [getattr(m, "func", None) for m in meta]
    if parse_money in funcs:
        return "money"
    if parse_share in funcs:
        capped = any(getattr(m, "le", None) == 1 or getattr(m, "lt", None) == 1 for m in meta)
        return "share" if capped else "rate"
    if name in _COUNT_NAMES or name.endswith("_n"):
        return "count"
    if name == "days" or name.endswith("_days"):
        return "days"
    if base is int and (name == "day" or name.endswith("_day")):
        return "day"
    if base is int:
        return "integer"
    return "number" if base is float else getattr(base, "__name__", str(base))


def _plural(unit: str) -> str:
    return {"day": "days", "number": "numbers", "integer": "integers"}.get(unit, unit)


# --------------------------------------------------------------------------- values


def _number(value: float) -> str:
    if float(value).is_integer() and abs(value) >= 1000:
        return f"{int(value):,}"
    return f"{value:g}"


def _money(value: float) -> str:
    for size, unit in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:g} {unit}"
    return _number(value)


def _shown(value: Any, unit: str) -> str:
    """A value as the table shows it."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, BaseModel):
        return "set"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_shown(v, unit)}" for k, v in value.items()) or "empty"
    if isinstance(value, list | tuple):
        return ", ".join(_shown(v, unit) for v in value) or "empty"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float):
        if unit.startswith("money") or unit.endswith(("money by name", "list of money")):
            return _money(value)
        if isinstance(value, int) and unit in ("integer", "day", "days", "list of days"):
            return str(value)
        return _number(value)
    text = str(value)
    if len(text) > _TEXT_SHOWN:
        return f"text of {len(text)} characters"
    return text if text else "empty"


def _default(info: FieldInfo, unit: str) -> str:
    if info.is_required():
        return "required"
    if info.default_factory is not None:
        return _shown(info.default_factory(), unit)  # type: ignore[call-arg]
    if info.default is PydanticUndefined:  # pragma: no cover - required above
        return "required"
    return _shown(info.default, unit)


# --------------------------------------------------------------------------- sources


class _Source:
    """Source markers of the baseline file, found from the line a value is written on."""

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.root = yaml.compose(text, Loader=yaml.SafeLoader)

    @staticmethod
    def child(node: Any, key: str) -> tuple[Any, Any] | None:
        """``(key node, value node)`` of ``key`` in a mapping or sequence node."""
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == key:
                    return k, v
        if isinstance(node, yaml.SequenceNode) and key.isdigit() and int(key) < len(node.value):
            item = node.value[int(key)]
            return item, item
        return None

    def comment(self, i: int) -> tuple[int, str] | None:
        """``(column of '#', text)`` of line ``i``'s comment, or None."""
        line = self.lines[i]
        quote = None
        for j, ch in enumerate(line):
            if quote:
                quote = None if ch == quote else quote
            elif ch in "'\"" and (j == 0 or line[j - 1] in " \t:[{,"):
                quote = ch
            elif ch == "#" and (j == 0 or line[j - 1] in " \t"):
                return j, line[j + 1 :]
        return None

    def own(self, i: int, column: int) -> str:
        """The comment of line ``i`` and of the comment lines just below, indented deeper."""
        found = self.comment(i)
        texts = [found[1]] if found and self.lines[i][: found[0]].strip() else []
        if not texts:
            return ""
        k = i + 1
        while k < len(self.lines) and self.lines[k].lstrip().startswith("#"):
            c = self.comment(k)
            if c is None or c[0] <= column:
                break
            texts.append(c[1])
            k += 1
        return " ".join(texts)

    def above(self, i: int, column: int) -> str:
        """The block of comment lines just above line ``i`` at its indentation."""
        texts: list[str] = []
        k = i - 1
        while k >= 0 and self.lines[k].lstrip().startswith("#"):
            c = self.comment(k)
            if c is None or c[0] != column:
                break
            texts.insert(0, c[1])
            k -= 1
        return " ".join(texts)

    def markers(self, parts: Sequence[str]) -> tuple[bool, str]:
        """Whether the baseline file writes ``parts`` and the source markers found for it."""
        node = self.root
        keys: list[Any] = []
        for part in parts:
            found = self.child(node, part)
            if found is None:
                return False, ""
            keys.append(found[0])
            node = found[1]
        key = keys[-1]
        line, column = key.start_mark.line, key.start_mark.column
        # a top-level key's block above is the file's header, not its source
        text = self.own(line, column) or (self.above(line, column) if column else "")
        for outer in reversed(keys[:-1]):
            if text:
                break
            text = self.own(outer.start_mark.line, outer.start_mark.column)
        return True, _markers(text)


def _markers(text: str) -> str:
    """The source markers of a comment, in order, each once (``[F 1.1 gap]`` -> ``[F 1.1]``)."""
    out: list[str] = []
    for inner in _MARKER.findall(text):
        inner = inner.strip()
        if inner.startswith("seed"):
            out.append("[seed]")
        elif inner in ("A", "C"):
            out.append(f"[{inner}]")
        elif m := _F_MARKER.match(inner):
            out.append("[" + _F_SPACE.sub("F ", m.group(0)) + "]")
    return " ".join(dict.fromkeys(out))


# --------------------------------------------------------------------------- rows


def _meaning(field_path: str, info: FieldInfo) -> str:
    return (info.description or MEANINGS.get(field_path, "")).strip()


def _walk(
    model: type[BaseModel],
    value: Any,
    path: str,
    field_path: str,
    present: bool,
    source: _Source,
) -> Iterator[ParameterRow]:
    for name, info in model.model_fields.items():
        yield from _field(name, info, value, path, field_path, present, source)


def _field(
    name: str,
    info: FieldInfo,
    owner: Any,
    path: str,
    field_path: str,
    present: bool,
    source: _Source,
) -> Iterator[ParameterRow]:
    here, fhere = f"{path}{name}", f"{field_path}{name}"
    base, _ = _parts(info.annotation)
    value = getattr(owner, name, None) if owner is not None else None
    if _is_section(base):
        yield from _walk(
            base, value, f"{here}.", f"{fhere}.", present and value is not None, source
        )
        return
    origin = typing.get_origin(base)
    if origin in (dict, list):
        item, _ = _parts(typing.get_args(base)[-1])
        if _is_section(item):
            keys = (
                (list(value) if isinstance(value, dict) else [str(i) for i in range(len(value))])
                if present and value
                else []
            )
            items = list(value.values()) if isinstance(value, dict) else list(value or [])
            if not keys:
                yield from _walk(item, None, f"{here}.*.", f"{fhere}.*.", False, source)
            if len(keys) > _ITEMS_LISTED:
                # a long list (a city's zones): the first item's rows stand for all of them
                for row in _walk(item, items[0], f"{here}.{keys[0]}.", f"{fhere}.*.", True, source):
                    shown = f"{len(keys)} entries, as {keys[0]}: {row.baseline}"
                    yield dataclasses.replace(row, path=row.field_path, baseline=shown)
                return
            for key, entry in zip(keys, items, strict=True):
                yield from _walk(item, entry, f"{here}.{key}.", f"{fhere}.*.", True, source)
            return
    unit = _unit(name, info.annotation, info.metadata)
    written, markers = source.markers(here.split(".")) if present else (False, "")
    if not present:
        shown = "absent" if "*" not in here else "none"
    else:
        shown = _shown(value, unit) + ("" if written else " (default)")
    yield ParameterRow(
        path=here,
        field_path=fhere,
        unit=unit,
        default=_default(info, unit),
        baseline=shown,
        source=markers,
        meaning=_meaning(fhere, info),
    )


def parameter_rows(baseline: str | Path = BASELINE) -> list[ParameterRow]:
    """Every row of the parameter table, in the schema's order.

    Parameters
    ----------
    baseline
        The scenario file whose values and source comments fill the table (its own
        lines: a key it inherits through ``extends:`` shows as a default).

    Returns
    -------
    list of ParameterRow
        One per leaf field (per item field for mappings and lists of sections).
    """
    path = Path(baseline)
    scenario = load_scenario(path, check_memory=False)
    source = _Source(path.read_text(encoding="utf-8"))
    rows: list[ParameterRow] = []
    for name, info in Scenario.model_fields.items():
        rows += _field(name, info, scenario, "", "", True, source)
    for section in registered_sections():
        if section.name in Scenario.model_fields:
            continue
        info = FieldInfo(annotation=section.model | None, default=None)  # type: ignore[arg-type]
        value = {section.name: scenario.section(section.name)}
        rows += _field(section.name, info, _Holder(value), "", "", True, source)
    return rows


class _Holder:
    """An object whose attributes are the entries of a mapping (a registered section)."""

    def __init__(self, values: dict[str, Any]):
        self.__dict__.update(values)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def parameter_table(baseline: str | Path = BASELINE) -> str:
    """The generated table, in Markdown, one sub-table per top-level section.

    Parameters
    ----------
    baseline
        The scenario file whose values and source comments fill the table.

    Returns
    -------
    str
        The text that goes between :data:`START` and :data:`END` (no markers).
    """
    rows = parameter_rows(baseline)
    try:
        shown = Path(baseline).resolve().relative_to(_ROOT).as_posix()
    except ValueError:
        shown = Path(baseline).name
    out = [
        f"Generated from the schema and `{shown}` by "
        "`python -m sim.scenario.parameter_table`; do not edit by hand. "
        f"{len(rows)} rows.",
    ]
    header = "| path | unit | default | baseline | source | meaning |\n| --- | --- | --- | --- | --- | --- |"
    current = None
    for row in rows:
        top = row.path.split(".", 1)[0] if "." in row.path else ""
        if top != current:
            current = top
            out.append("")
            out.append(f"#### `{top}`" if top else "#### Top level")
            out.append("")
            out.append(header)
        cells = (
            f"`{row.path}`",
            row.unit,
            row.default,
            row.baseline,
            row.source,
            row.meaning,
        )
        out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(out) + "\n"


def with_table(document: str, table: str) -> str:
    """``document`` with the text between :data:`START` and :data:`END` replaced by ``table``.

    Raises
    ------
    ValueError
        If the document does not hold both markers, in that order, once each.
    """
    if document.count(START) != 1 or document.count(END) != 1:
        raise ValueError(f"expected {START} and {END} once each in the document")
    head, rest = document.split(START, 1)
    _, tail = rest.split(END, 1)
    if END in head:
        raise ValueError(f"expected {START} before {END}")
    return f"{head}{START}\n{table}{END}{tail}"


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite the parameter table of a document in place (``--check``: compare only).

    Returns
    -------
    int
        0 when the document holds the generated table (after writing it), 1 when
        ``--check`` finds it stale.
    """
    parser = argparse.ArgumentParser(prog="python -m sim.scenario.parameter_table")
    parser.add_argument("--document", type=Path, default=DOCUMENT)
    parser.add_argument("--baseline", type=Path, default=BASELINE)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    text = args.document.read_text(encoding="utf-8")
    new = with_table(text, parameter_table(args.baseline))
    if args.check:
        return 0 if new == text else 1
    if new != text:
        args.document.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
