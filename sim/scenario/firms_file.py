"""Firms file: a user's own list of firms (``population.firms_file``), read and checked.

Public names: :class:`FirmsTable`, :func:`read_firms_file`, :func:`lender_names`,
:data:`FIRMS_COLUMNS`, :data:`RATING_PD`.

A firms file is a table (``.csv``, ``.xlsx`` or ``.parquet``) with one row per firm. The
columns ``id`` and ``tier`` are required; every other known column is optional, and a
missing column or an empty cell is drawn from the firm's tier exactly as the synthetic
population draws it (:func:`sim.model.population.make_population`). Column names are
matched without regard to case or surrounding spaces; other columns (a firm's name, its
address...) are ignored, except a name that looks like a misspelt known column, which is
refused.

Every problem is collected, with its row as a spreadsheet counts it (the header is row 1,
the first firm row 2) and its column, and the first :data:`MAX_SHOWN` are raised at once
as one :class:`~sim.errors.ScenarioError`.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import ScenarioError, printable
from .money import parse_money, shown_value

if TYPE_CHECKING:  # pragma: no cover
    from .schema import Banks, Scenario

__all__ = [
    "FirmsTable",
    "read_firms_file",
    "lender_names",
    "FIRMS_COLUMNS",
    "RATING_PD",
    "FIRMS_SUFFIXES",
    "MAX_SHOWN",
]

#: File types a firms file may have.
FIRMS_SUFFIXES = (".csv", ".xlsx", ".parquet")

#: Problems listed in one error (the rest are counted).
MAX_SHOWN = 10

#: The known columns: name -> what a cell holds. ``id`` and ``tier`` are required.
FIRMS_COLUMNS: dict[str, str] = {
    "id": "the firm's identifier, unique in the file (any text)",
    "tier": "one of the scenario's population.tiers",
    "zone": "a zone or cluster (zone_01.., cluster_01..), or 'none' for a firm in neither",
    "sector": "one of the scenario's population.sectors",
    "main_bank": "the name of a lender of the scenario (banks.lenders, or group_001.. of banks.group)",
    "revenue": "yearly revenue, an amount above 0 (30000000, 30m)",
    "employees": "number of employees, 0 or more",
    "age": "years since the firm was founded, above 0",
    "pd": "annual probability of default, 0..1 (0.015 or 1.5%)",
    "rating": "a credit rating AAA..C or D, used for pd where pd is empty (see RATING_PD)",
    "collateral_ratio": "collateral the firm can pledge, as a share of a loan, 0 or more",
    "growth": "yearly revenue growth, -1 or more (0.1 = 10 %)",
    "cost_rent": "yearly rent, an amount of 0 or more",
    "cost_electricity": "yearly electricity bill, an amount of 0 or more",
    "cost_water": "yearly water bill, an amount of 0 or more",
    "cost_internet": "yearly internet bill, an amount of 0 or more",
}
_REQUIRED = ("id", "tier")

#: Annual probability of default of a rating: rounded long-run one-year corporate
#: default rates of the international scale (S&P, 1981-2023 averages, from memory: low
#: confidence); ``+``/``-`` modifiers take their grade's value, CCC/CC/C share one.
#: Domestic Chinese ratings are more compressed; a bank's own PD estimate in ``pd``
#: is better where one exists.
RATING_PD: dict[str, float] = {
    "AAA": 0.0001,
    "AA": 0.0002,
    "A": 0.0005,
    "BBB": 0.0015,
    "BB": 0.006,
    "B": 0.03,
    "CCC": 0.27,
    "CC": 0.27,
    "C": 0.27,
    "D": 1.0,
}

# numeric columns: (attribute of the population, lower bound, inclusive?, upper bound, money?)
_NUMERIC: dict[str, tuple[str, float, bool, float | None, bool]] = {
    "revenue": ("revenue", 0.0, False, None, True),
    "employees": ("employees", 0.0, True, None, False),
    "age": ("age_years", 0.0, False, None, False),
    "pd": ("pd_annual", 0.0, True, 1.0, False),
    "collateral_ratio": ("collateral_ratio", 0.0, True, None, False),
    "growth": ("growth", -1.0, True, None, False),
    "cost_rent": ("cost_rent", 0.0, True, None, True),
    "cost_electricity": ("cost_electricity", 0.0, True, None, True),
    "cost_water": ("cost_water", 0.0, True, None, True),
    "cost_internet": ("cost_internet", 0.0, True, None, True),
}
_NONE_ZONE = ("none", "-")


@dataclass(frozen=True)
class FirmsTable:
    """A checked firms file: the firms' ids and tiers, and the cells the file gives.

    Attributes
    ----------
    path
        The file read (absolute).
    ids
        The firms' ids, as text, in file order.
    tier
        Tier index of each firm into ``population.tiers`` (in the scenario's order).
    given
        Attribute -> ``(values, mask)``: the values of a column the file has (codes for
        ``zone``, ``sector`` and ``main_bank``; ``zone`` -1 for none) and the mask of
        the cells it gives; an attribute missing here is drawn for every firm, a cell
        outside the mask is drawn for that firm. Attribute names are those of
        :class:`sim.model.population.Firms` (``age_years``, ``pd_annual``...) and
        ``cost_rent``.. for the running costs.
    """

    path: str
    ids: np.ndarray
    tier: np.ndarray
    given: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Number of firms in the file."""
        return int(self.tier.shape[0])


def lender_names(banks: Banks) -> list[str]:
    """Names of the lenders, a group expanded to ``name_001``.. (as the model names them)."""
    names = [b.name for b in banks.lenders]
    g = banks.group
    if g is not None:
        width = len(str(g.n))
        names += [f"{g.name}_{i + 1:0{width}d}" for i in range(g.n)]
    return names


# --------------------------------------------------------------------------- reading


def _read_table(path: Path) -> pd.DataFrame:
    """The file as a DataFrame of text (CSV, xlsx) or typed columns (Parquet)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            return pd.read_csv(
                path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skip_blank_lines=False
            )
        except UnicodeDecodeError:
            # Excel in a Chinese locale saves CSV as GBK / GB18030
            return pd.read_csv(
                path, dtype=str, keep_default_na=False, encoding="gb18030", skip_blank_lines=False
            )
    if suffix == ".xlsx":
        return pd.read_excel(path, dtype=object, engine="openpyxl")
    return pd.read_parquet(path)


def _load_frame(path: Path, shown: str) -> pd.DataFrame:
    if path.suffix.lower() not in FIRMS_SUFFIXES:
        raise ScenarioError(
            f"expected a firms file ending in {', '.join(FIRMS_SUFFIXES)}; got {shown}",
            field="population.firms_file",
        )
    if not path.exists():
        raise ScenarioError(
            "file not found; expected a firms file (CSV, xlsx or Parquet)", file=path
        )
    if path.is_dir():
        raise ScenarioError("is a folder; expected a firms file (CSV, xlsx or Parquet)", file=path)
    if path.stat().st_size == 0:
        raise ScenarioError(
            "is empty; expected a header row with at least the columns id and tier, then one "
            "row per firm",
            file=path,
        )
    try:
        return _read_table(path)
    except pd.errors.EmptyDataError:
        raise ScenarioError(
            "is empty; expected a header row with at least the columns id and tier, then one "
            "row per firm",
            file=path,
        ) from None
    except Exception as exc:  # each parser raises its own types on a malformed file
        kind = {".csv": "CSV text", ".xlsx": "an Excel workbook", ".parquet": "a Parquet file"}
        first = str(exc).splitlines()[0] if str(exc) else ""
        reason = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
        raise ScenarioError(
            f"cannot be read as {kind[path.suffix.lower()]} ({printable(reason[:200])}); "
            "expected a table with a header row and one row per firm",
            file=path,
        ) from None


# --------------------------------------------------------------------------- checking


class _Problems:
    """Problems found, as (row, column position, column, message); rows 1-based, header 1."""

    def __init__(self) -> None:
        self.items: list[tuple[int, int, str, str]] = []
        #: spreadsheet row number of each firm row (blank rows are skipped, not renumbered)
        self.rows = np.zeros(0, dtype=np.int64)

    def add(self, row: int, pos: int, column: str, message: str) -> None:
        self.items.append((row, pos, column, message))

    def add_rows(
        self, rows: np.ndarray, pos: int, column: str, cells: np.ndarray, expected: str
    ) -> None:
        # only the first few of one column are spelt out; all are counted
        for k, r in enumerate(rows):
            got = "an empty cell" if cells[r] == "" else shown_value(cells[r])
            msg = f"expected {expected}; got {got}" if k < MAX_SHOWN else ""
            self.add(int(self.rows[r]), pos, column, msg)

    def raise_if_any(self, path: Path) -> None:
        if not self.items:
            return
        items = sorted(self.items, key=lambda t: (t[0], t[1]))
        lines = []
        for row, _, column, msg in items[:MAX_SHOWN]:
            where = f"row {row}" + (" (header)" if row == 1 else "")
            if column:
                where += f", column '{printable(column)}'"
            lines.append(f"{where}: {msg}")
        n = len(items)
        more = ""
        if n > MAX_SHOWN:
            rows = len({t[0] for t in items})
            more = f"\n  ... and {n - MAX_SHOWN} more ({n} problems in {rows} rows)"
        head = "1 problem" if n == 1 else f"{n} problems"
        raise ScenarioError(
            f"{head} in the firms file (population.firms_file):\n  - "
            + "\n  - ".join(lines)
            + more,
            file=path,
        )


def _text_cells(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A column as stripped text (object array) and the mask of empty cells."""
    missing = pd.isna(col).to_numpy()
    if pd.api.types.infer_dtype(col, skipna=True) in ("string", "empty"):
        # text cells only (a CSV, text columns of a workbook): stripped column-wise
        text = col.where(~missing, "").astype(str).str.strip().to_numpy(dtype=object)
        return text, missing | (text == "")
    values = col.to_numpy(dtype=object)
    text = np.array(
        [
            "" if m else (str(v).strip() if not isinstance(v, float) else _num_text(v))
            for v, m in zip(values, missing, strict=True)
        ],
        dtype=object,
    )
    return text, missing | (text == "")


def _num_text(v: float) -> str:
    # an Excel number cell read into a text column (an id typed as 1001 is "1001")
    return str(int(v)) if float(v).is_integer() else repr(v)


def _numeric(name: str, col: pd.Series, pos: int, problems: _Problems):
    attr, lo, lo_incl, hi, money = _NUMERIC[name]
    if pd.api.types.is_bool_dtype(col.dtype):
        col = col.astype(object)
    if pd.api.types.is_numeric_dtype(col.dtype):
        values = col.to_numpy(dtype=float, na_value=np.nan)
        missing = np.isnan(values)
        cells = values.astype(object)
        bad_text = np.zeros(values.shape, dtype=bool)
    else:
        cells, missing = _text_cells(col)
        values = np.array(pd.to_numeric(pd.Series(cells), errors="coerce"), dtype=float)
        bad_text = ~missing & np.isnan(values)
        for r in np.flatnonzero(bad_text):
            # amounts may be written 30m; shares 1.5%: the few such cells go one by one
            v = cells[r]
            try:
                if money:
                    values[r] = parse_money(v)
                elif isinstance(v, str) and v.endswith(("%", "％")):
                    values[r] = float(v[:-1]) / 100.0
                else:
                    continue
                bad_text[r] = False
            except (ValueError, TypeError):
                continue
        unit = "an amount (30000000 or 30m)" if money else "a number"
        problems.add_rows(np.flatnonzero(bad_text), pos, name, cells, unit)
    ok = ~missing & ~bad_text
    finite = np.isfinite(values)
    low = (values < lo) if lo_incl else (values <= lo)
    high = values > hi if hi is not None else np.zeros(values.shape, dtype=bool)
    out = ok & (~finite | low | high)
    bound = f"{'at least' if lo_incl else 'above'} {lo:g}"
    if hi is not None:
        bound = f"a number from {lo:g} to {hi:g}"
    elif money:
        bound = f"an amount {bound}"
    else:
        bound = f"a number {bound}"
    problems.add_rows(np.flatnonzero(out), pos, name, cells, bound)
    return attr, np.where(ok, values, np.nan), ok


def _coded(
    name: str, col: pd.Series, pos: int, problems: _Problems, names: list[str], expected: str
) -> tuple[np.ndarray, np.ndarray]:
    cells, missing = _text_cells(col)
    index = {n: i for i, n in enumerate(names)}
    keys = pd.Series(cells, dtype=object)
    if name == "zone":
        index.update({k: -1 for k in _NONE_ZONE})
        lower = keys.str.lower()
        keys = keys.where(~lower.isin(_NONE_ZONE), lower)
    codes = keys.map(index).fillna(-2).to_numpy(dtype=np.int32)
    bad = ~missing & (codes == -2)
    problems.add_rows(np.flatnonzero(bad), pos, name, cells, expected)
    return codes, ~missing & ~bad


def _names_hint(names: list[str], what: str) -> str:
    if len(names) <= 8:
        return f"one of the {what} {', '.join(names)}"
    return f"one of the {what} ({names[0]}, {names[1]}, ... {names[-1]}: {len(names)} names)"


def _header_positions(
    frame: pd.DataFrame, headers: list[str], problems: _Problems
) -> dict[str, int]:
    """Each header's first column; repeated, misspelt and missing columns are added to
    ``problems``."""
    seen: dict[str, int] = {}
    for pos, (raw, h) in enumerate(zip(frame.columns, headers, strict=True)):
        if h in seen and h in FIRMS_COLUMNS:
            problems.add(
                1,
                pos,
                str(raw),
                f"column {h!r} appears twice (columns {seen[h] + 1} and {pos + 1})",
            )
        seen.setdefault(h, pos)
        if h not in FIRMS_COLUMNS:
            near = difflib.get_close_matches(h, list(FIRMS_COLUMNS), n=1, cutoff=0.8)
            if near and near[0] not in headers:
                problems.add(
                    1,
                    pos,
                    str(raw),
                    f"not a known column; did you mean {near[0]!r}? (known columns: "
                    f"{', '.join(FIRMS_COLUMNS)}; other columns are ignored)",
                )
    for req in _REQUIRED:
        if req not in seen:
            problems.add(
                1,
                -1,
                req,
                f"no column {req!r}; expected a header row naming at least the columns id and "
                f"tier (found {', '.join(repr(str(c)) for c in frame.columns[:12])})",
            )
    return seen


def _check(frame: pd.DataFrame, path: Path, scenario: Scenario) -> FirmsTable:
    pop = scenario.population
    problems = _Problems()
    headers = [str(c).strip().lower() for c in frame.columns]
    if not len(frame.columns):
        raise ScenarioError(
            "has no columns; expected a header row with at least the columns id and tier",
            file=path,
        )
    seen = _header_positions(frame, headers, problems)
    problems.raise_if_any(path)
    # rows with no cell filled in (blank lines, a formatted but empty Excel row) are not
    # firms; the others keep the row number a spreadsheet shows
    frame = frame.reset_index(drop=True)
    empty = (
        frame.isna().to_numpy()
        | (frame.astype(str).apply(lambda c: c.str.strip()) == "").to_numpy()
    )
    frame = frame[~empty.all(axis=1)]
    problems.rows = frame.index.to_numpy(dtype=np.int64) + 2
    frame = frame.reset_index(drop=True)
    if len(frame) == 0:
        raise ScenarioError(
            "holds no firms (a header row only); expected one row per firm after the header",
            file=path,
        )

    def col(name: str) -> tuple[pd.Series, int]:
        pos = seen[name]
        return frame.iloc[:, pos], pos

    # id: present, unique
    ids, pos = col("id")
    id_text, id_missing = _text_cells(ids)
    problems.add_rows(np.flatnonzero(id_missing), pos, "id", id_text, "an id (any text)")
    dup = pd.Series(id_text).duplicated(keep="first").to_numpy() & ~id_missing
    first_row: dict[str, int] = {}
    for r in np.flatnonzero(pd.Series(id_text).duplicated(keep=False).to_numpy() & ~id_missing):
        first_row.setdefault(id_text[r], int(problems.rows[r]))
    for r in np.flatnonzero(dup):
        problems.add(
            int(problems.rows[r]),
            pos,
            "id",
            f"expected a unique id; {shown_value(id_text[r])} is also the id of row "
            f"{first_row[id_text[r]]}",
        )

    tier_names = list(pop.tiers)
    tcol, pos = col("tier")
    tier, tier_ok = _coded(
        "tier", tcol, pos, problems, tier_names, _names_hint(tier_names, "tiers")
    )
    tier_cells, tier_missing = _text_cells(tcol)
    problems.add_rows(
        np.flatnonzero(tier_missing), pos, "tier", tier_cells, _names_hint(tier_names, "tiers")
    )
    given: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    from .schema import zone_names, zone_range

    coded = {
        "zone": zone_names(pop.zones),
        "sector": list(pop.sectors),
        "main_bank": lender_names(scenario.banks),
    }
    hints = {
        "zone": (
            f"a zone or cluster, {zone_range(pop.zones)}, or none"
            if coded["zone"]
            else "none (the scenario has no zone or cluster)"
        ),
        "sector": _names_hint(coded["sector"], "sectors"),
        "main_bank": _names_hint(coded["main_bank"], "lenders"),
    }
    for name, names in coded.items():
        if name in seen:
            c, pos = col(name)
            given[name] = _coded(name, c, pos, problems, names, hints[name])
    for name in _NUMERIC:
        if name in seen:
            c, pos = col(name)
            attr, values, ok = _numeric(name, c, pos, problems)
            given[attr] = (values, ok)
    if "rating" in seen:
        c, pos = col("rating")
        cells, missing = _text_cells(c)
        grade = np.array([s.upper().rstrip("+-") for s in cells], dtype=object)
        pd_of = np.array([RATING_PD.get(g, np.nan) for g in grade], dtype=float)
        bad = ~missing & np.isnan(pd_of)
        problems.add_rows(
            np.flatnonzero(bad), pos, "rating", cells, f"a rating, one of {', '.join(RATING_PD)}"
        )
        ok = ~missing & ~bad
        if "pd_annual" in given:  # pd where given, the rating's pd elsewhere
            v, m = given["pd_annual"]
            given["pd_annual"] = (np.where(m, v, pd_of), m | ok)
        else:
            given["pd_annual"] = (pd_of, ok)
    problems.raise_if_any(path)
    return FirmsTable(
        path=str(path),
        ids=id_text.astype(str),
        tier=tier.astype(np.int16),
        given={k: (v, m) for k, (v, m) in given.items() if m.any()},
    )


# --------------------------------------------------------------------------- public

_CACHE: dict[tuple, FirmsTable] = {}
_CACHE_SIZE = 4


def read_firms_file(path: str | Path, scenario: Scenario) -> FirmsTable:
    """Read and check a firms file against a scenario's tiers, zones, sectors and lenders.

    Parameters
    ----------
    path
        The firms file (``.csv``, ``.xlsx`` or ``.parquet``); a relative path is taken
        from the current folder (:func:`sim.load_scenario` makes it absolute, from the
        scenario file that names it).
    scenario
        The validated scenario the firms belong to.

    Returns
    -------
    FirmsTable
        The firms' ids, tiers and given cells. A file read before, unchanged since, is
        not read again.

    Raises
    ------
    ScenarioError
        Naming the file and, for each problem (the first :data:`MAX_SHOWN`), its row
        (header = row 1), its column and what was expected.
    """
    p = Path(path)
    shown = shown_value(str(path))
    try:
        st = os.stat(p)
        stamp: tuple = (st.st_mtime_ns, st.st_size, st.st_ino)
    except (OSError, ValueError):
        stamp = ()
    pop = scenario.population
    key = (
        str(p.resolve()) if stamp else str(p),
        stamp,
        tuple(pop.tiers),
        tuple(pop.sectors),
        pop.zones.zones_n,
        pop.zones.clusters_n,
        tuple(lender_names(scenario.banks)),
    )
    if stamp and key in _CACHE:
        return _CACHE[key]
    table = _check(_load_frame(p, shown), p, scenario)
    if stamp:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = table
    return table
