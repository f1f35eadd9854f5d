"""Cost relief: zone budgets paying a share of firms' running costs, first come first served,
and tariff cuts borne by the suppliers; every yuan booked to who bears it.

Public names: :class:`CostReliefInstrument`, :data:`TARIFF_BEARERS`, :data:`BEARERS`,
:data:`PUBLIC_BEARERS`, :func:`floor_area`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from ...scenario import Scenario
from ..banks import LenderTable
from ..ledger import Ledger
from .base import (
    MEASURES_OFFSET,
    TOTALS_ROWS_FROM,
    Account,
    Headline,
    HeadlineFormat,
    Instrument,
    Process,
    Slot,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import Model
from ..population import COST_CATEGORIES, Firms

__all__ = ["BEARERS", "PUBLIC_BEARERS", "CostReliefInstrument", "TARIFF_BEARERS", "floor_area"]

#: Who bears a tariff cut on each category: not the budget but the supplier.
TARIFF_BEARERS = {
    "rent": "landlords",
    "electricity": "utilities",
    "water": "utilities",
    "internet": "carriers",
}
#: Who may bear relief (``cost_relief.bearers``), in the order of the summary keys.
BEARERS = ("city", "districts", "park_operators", "utilities", "carriers")
#: Bearers that are public budgets: what they bear is a fiscal cost.
PUBLIC_BEARERS = frozenset({"city", "districts"})
_CUT = "relief_tariff_cut_amount"
#: Daily column of the tariff cuts borne by a public budget (when a cut category has one).
_PUBLIC_CUT = "relief_public_cut_amount"
_TOTAL = "relief_total_amount"
_OFF_BUDGET_RENT = "relief_rent_off_budget_amount"
#: Summary keys by bearer (when the scenario declares ``cost_relief.bearers``).
_BEARER_KEYS = tuple(f"relief_{b}_amount" for b in BEARERS)
#: Summary keys reported when a category is a tariff cut, then those by bearer.
_KEYS = (
    "relief_claim_amount",
    _CUT,
    *(f"relief_tariff_cut_{b}_amount" for b in dict.fromkeys(TARIFF_BEARERS.values())),
    _TOTAL,
    *_BEARER_KEYS,
    _OFF_BUDGET_RENT,
)


def floor_area(scenario: Scenario, firms: Firms) -> np.ndarray:
    """Floor area of each firm (m2), proxied by its rent cost / (rent price per m2 and day x
    365); by employees x floor space per employee when the rent price is 0."""
    rc = scenario.population.running_costs
    if rc.rent_per_m2_day > 0:
        return firms.costs[0] / (rc.rent_per_m2_day * 365.0)
    return firms.employees * rc.floor_m2_per_employee


def _tariff_cut(fmt: HeadlineFormat, s: Mapping[str, Any], sc: Scenario) -> str:
    """The tariff cuts, with who bears them."""
    by = fmt.text("list_sep").join(
        f"{fmt.text('bearer.' + b)} {fmt.amount(s[f'relief_tariff_cut_{b}_amount'])}"
        for b in ("utilities", "carriers", "landlords")
        if s[f"relief_tariff_cut_{b}_amount"] > 0
    )
    return fmt.text("h.tariff_cut_value", total=fmt.amount(s[_CUT]), by=by)


def _by_bearer(fmt: HeadlineFormat, s: Mapping[str, Any], sc: Scenario) -> str:
    """All relief, with who bears it (the bearers that bear something)."""
    by = fmt.text("list_sep").join(
        f"{fmt.text('bearer.' + b)} {fmt.amount(s[f'relief_{b}_amount'])}"
        for b in BEARERS
        if s[f"relief_{b}_amount"] > 0
    )
    total = fmt.amount(s[_TOTAL])
    return fmt.text("h.tariff_cut_value", total=total, by=by) if by else total


def _fiscal_range(fmt: HeadlineFormat, s: Mapping[str, Any], sc: Scenario) -> str:
    """The fiscal cost as run, and as it would be if the rent relief borne outside the
    public budgets were paid from the zone budgets (the same relief, another bearer)."""
    fiscal = s["fiscal_cost_amount"]
    return fmt.text(
        "h.fiscal_range_value",
        fiscal=fmt.amount(fiscal),
        alt=fmt.amount(fiscal + s[_OFF_BUDGET_RENT]),
    )


def _relief_total(s: Mapping[str, Any]) -> float:
    """All cost relief firms received: paid from zone budgets and tariff cuts."""
    return float(s.get(_TOTAL, s.get("relief_paid_amount", 0.0) + s.get(_CUT, 0.0)))


def _answer(fmt: HeadlineFormat, s: Mapping[str, Any], sc: Scenario) -> str:
    """The answer page's sentence: relief received, paid and as cuts."""
    total = _relief_total(s)
    paid = s.get("relief_claim_amount", s.get("relief_paid_amount", 0.0))
    if s.get(_CUT, 0.0) > 0 and paid <= 0:
        return fmt.text("answer.relief_cut", total=fmt.amount(total))
    if s.get(_CUT, 0.0) > 0:
        return fmt.text(
            "answer.relief",
            total=fmt.amount(total),
            paid=fmt.amount(paid),
            cut=fmt.amount(s[_CUT]),
        )
    return fmt.text("answer.relief_paid", total=fmt.amount(total))


def _claims_any(s: Mapping[str, Any], sc: Scenario) -> bool:
    """Whether some category is claimed from the zone budgets (or the scenario has no
    relief): otherwise no budget is ever drawn and their exhaustion says nothing."""
    c = sc.section("cost_relief")
    return c is None or any(getattr(c.channels, k) == "claim" for k in COST_CATEGORIES)


_COVER = frozenset({"cover"})
_TERMINAL = frozenset({"terminal"})


def _bearer_row(i: int, bearer: str) -> Headline:
    """The cover's row of what one bearer bore (shown when it bore something)."""
    key = f"relief_{bearer}_amount"
    return Headline(
        f"h.relief_{bearer}",
        (key,),
        ("amount",),
        order=143.1 + i / 10,
        places=_COVER,
        when=lambda s, sc: s.get(key, 0.0) > 0,
    )


class CostReliefInstrument(Instrument):
    """One budget account per zone or cluster.

    Every ``claim_interval_days`` each eligible firm in a zone claims
    ``sum_c rate_c x cost_c x interval/365`` over the categories whose channel is
    ``claim``, limited by what is left of its yearly cap. Claims reach the zone's budget
    in a random order drawn for the round; the budget pays them in full while it can and
    closes at the first claim it cannot pay. Categories whose channel is ``tariff_cut``
    reach every eligible firm in a zone in the same rounds, aware or not, uncapped and
    without drawing on a budget: their suppliers bear them (:data:`TARIFF_BEARERS`).

    When the scenario declares ``cost_relief.bearers``, every yuan is booked to who bears
    it (the claims to whoever funds the zone budgets, each cut to its category's bearer),
    and only what public budgets bear (:data:`PUBLIC_BEARERS`) is a fiscal cost.

    Parameters
    ----------
    scenario
        The validated scenario; ``scenario.cost_relief`` may be ``None``.
    firms
        The population (for zone sizes when the budget is split ``by_firms``).
    lenders
        The lender table.
    ledger
        The ledger in which to open the accounts.
    """

    section = "cost_relief"
    rank = 30
    columns = ("relief_paid_amount",)
    # claims are paid from budgets; tariff cuts save firms money at no budget's cost
    savings_columns = fiscal_columns = ("relief_paid_amount",)
    extra_columns = (_CUT,)  # only when a category is a tariff cut (set per run)
    summary_keys = _KEYS
    savings_categories = (
        *(f"relief_{c}" for c in COST_CATEGORIES),
        *(f"relief_tariff_cut_{c}" for c in COST_CATEGORIES),
    )
    fiscal_labels = (("paid", "fiscal.relief"),)
    summary_slots = (
        Slot("zone_budgets_n", "credit_sub_quota_exhausted_day", 3),
        Slot("zone_budgets_exhausted_n", "credit_sub_quota_exhausted_day", 4),
        Slot("relief_paid_amount", "defaults_n", 2),
        Slot("zone_budgets_exhausted_n", "bank_quotas_exhausted_n", 2, "experiment"),
        Slot("relief_paid_amount", "bank_quotas_exhausted_n", 3, "experiment"),
    )
    reported_accounts = (
        Account(
            "zone_budget", "any zone budget", "first_zone_budget_exhausted_day", first_of_kind=True
        ),
    )
    headlines = (
        Headline(
            "h.zones_exhausted",
            ("zone_budgets_exhausted_n", "zone_budgets_n"),
            ("count", "count"),
            order=50,
            places=frozenset({"cover", "tuner"}),
            when=_claims_any,
            value=lambda fmt, s, sc: fmt.text(
                "of", a=s["zone_budgets_exhausted_n"], b=s["zone_budgets_n"]
            ),
        ),
        # paid relief; claims and tariff cuts apart when a category is a tariff cut
        Headline(
            "h.relief",
            ("relief_paid_amount",),
            ("amount",),
            order=140,
            places=_COVER,
            when=lambda s, sc: _CUT not in s,
        ),
        # claims and cuts apart; by bearer instead when the scenario declares bearers
        Headline(
            "h.relief_claim",
            ("relief_claim_amount",),
            ("amount",),
            order=141,
            places=_COVER,
            when=lambda s, sc: "relief_claim_amount" in s and _TOTAL not in s,
        ),
        Headline(
            "h.tariff_cut",
            (_CUT,),
            ("amount",),
            order=142,
            places=_COVER,
            value=_tariff_cut,
            when=lambda s, sc: _CUT in s and _TOTAL not in s,
        ),
        # all relief by who bears it: one line on the terminal, a row a bearer on the cover
        Headline(
            "h.relief_bearers",
            (_TOTAL, *_BEARER_KEYS),
            ("amount",) * (1 + len(_BEARER_KEYS)),
            order=143,
            places=_TERMINAL,
            value=_by_bearer,
        ),
        Headline("h.relief_total", (_TOTAL,), ("amount",), order=143, places=_COVER),
        *(_bearer_row(i, b) for i, b in enumerate(BEARERS)),
        # the fiscal cost if the rent relief borne outside the public budgets were paid
        # from zone budgets: on the cover right after the fiscal cost
        Headline(
            "h.fiscal_range",
            ("fiscal_cost_amount", _OFF_BUDGET_RENT),
            ("amount", "amount"),
            order=TOTALS_ROWS_FROM + 30,
            places=_TERMINAL,
            value=_fiscal_range,
            when=lambda s, sc: s.get(_OFF_BUDGET_RENT, 0.0) > 0,
        ),
        Headline(
            "h.fiscal_rent_claimed",
            ("fiscal_cost_amount", _OFF_BUDGET_RENT),
            ("amount", "amount"),
            order=TOTALS_ROWS_FROM + 30,
            places=_COVER,
            value=lambda fmt, s, sc: fmt.amount(s["fiscal_cost_amount"] + s[_OFF_BUDGET_RENT]),
            when=lambda s, sc: s.get(_OFF_BUDGET_RENT, 0.0) > 0,
        ),
        # the answer page's sentence
        Headline(
            None,
            ("relief_paid_amount",),
            order=140,
            places=frozenset({"answer"}),
            when=lambda s, sc: _relief_total(s) > 0,
            value=_answer,
        ),
    )
    units = {
        _TOTAL: "money",
        **dict.fromkeys(_BEARER_KEYS, "money"),
        _OFF_BUDGET_RENT: "money",
        _PUBLIC_CUT: "money",
    }
    texts = {
        "en": {
            "msg.fiscal.relief": "relief",
            "msg.answer.relief": (
                "Firms in the zones received {total} of cost relief: {paid} paid from the "
                "zone budgets and {cut} as lower rents and tariffs."
            ),
            "msg.answer.relief_paid": (
                "Firms in the zones received {total} of cost relief, paid from the zone budgets."
            ),
            "msg.answer.relief_cut": (
                "Firms in the zones received {total} of cost relief, as lower rents and tariffs."
            ),
        },
        "zh": {
            "msg.fiscal.relief": "减负",
            "msg.answer.relief": "园区企业获得降本减负{total}：其中园区预算支付{paid}，租金和资费下调{cut}。",
            "msg.answer.relief_paid": "园区企业获得降本减负{total}，由园区预算支付。",
            "msg.answer.relief_cut": "园区企业获得降本减负{total}，形式为租金和资费下调。",
        },
    }

    def __init__(self, scenario: Scenario, firms: Firms, lenders: LenderTable, ledger: Ledger):
        super().__init__(scenario, firms, lenders, ledger)
        self.config = scenario.cost_relief
        c = self.config
        self.tariff_cat = np.array(
            [c is not None and getattr(c.channels, k) == "tariff_cut" for k in COST_CATEGORIES]
        )
        cuts = bool(self.tariff_cat.any())
        self.active = c is not None and (c.budget > 0 or cuts) and len(firms.zone_names) > 0
        # without zones there is nobody to cut tariffs for: no cut column either
        self.has_cuts = cuts and self.active
        # who bears each category's relief, claimed or cut (None: bearers not declared)
        self.bearers = c.bearers if c is not None and self.active else None
        b = self.bearers
        self.bearer_of = [
            None if b is None else getattr(b, k) if self.tariff_cat[i] else b.claim
            for i, k in enumerate(COST_CATEGORIES)
        ]
        # what public budgets bear is the fiscal cost: the claims (unless the zone budgets
        # are not public money) and the tariff cuts a city or district budget bears
        self.public_claims = b is None or b.claim in PUBLIC_BEARERS
        self.public_cut = np.array(
            [
                bool(t) and who in PUBLIC_BEARERS
                for t, who in zip(self.tariff_cat, self.bearer_of, strict=True)
            ]
        )
        self.has_public_cuts = self.has_cuts and bool(self.public_cut.any())
        public_cut = (_PUBLIC_CUT,) if self.has_public_cuts else ()
        self.extra_columns = ((_CUT,) if self.has_cuts else ()) + public_cut
        if self.has_cuts:
            self.savings_columns = ("relief_paid_amount", _CUT)
        claims = ("relief_paid_amount",) if self.public_claims else ()
        self.fiscal_columns = claims + public_cut
        self.zone_ids = np.empty(0, dtype=np.int64)
        if not self.active:
            return
        scale = scenario.population.scale
        names = list(firms.zone_names)
        explicit = np.array([c.zone_budgets.get(z, np.nan) for z in names])
        rest = c.budget - np.nansum(explicit)
        free = np.isnan(explicit)
        if c.allocation == "equal":
            w = free.astype(float)
        elif c.allocation == "by_floor_area":
            located = firms.zone >= 0
            area = floor_area(scenario, firms)[located]
            w = np.bincount(firms.zone[located], weights=area, minlength=len(names)) * scale
        else:
            w = np.bincount(firms.zone[firms.zone >= 0], minlength=len(names)).astype(float) * scale
            w = np.where(free, w, 0.0)
        share = w / w.sum() if w.sum() > 0 else np.zeros_like(w)
        budget = np.where(free, rest * share, explicit)
        self.zone_ids = ledger.open_many(
            [f"zone:{z}" for z in names], "zone_budget", budget / scale, group="cost_relief"
        )
        self.rates = np.array([getattr(c.subsidy_rates, k) for k in COST_CATEGORIES])
        self.eligible_tier = np.isin(np.array(firms.tier_names), c.eligible_tiers)
        self.paid_year = np.zeros(firms.n)
        self.paid_by_cat = np.zeros((len(COST_CATEGORIES), firms.n))
        self.year = 0
        # a firm's claim per round does not change: computed once, not every round
        self.by_cat = self.rates[:, None] * firms.costs * (c.claim_interval_days / 365.0)
        if self.has_cuts:
            # tariff cuts: what each firm's bills fall by per round, category by category
            self.cut_by_cat = np.where(self.tariff_cat[:, None], self.by_cat, 0.0)
            self.cut_paid_by_cat = np.zeros_like(self.cut_by_cat)
            self.by_cat = np.where(self.tariff_cat[:, None], 0.0, self.by_cat)
        self.want = self.by_cat.sum(axis=0)
        self.in_zone = firms.zone >= 0
        # each firm's budget account (-1 outside zones)
        self.account = np.where(self.in_zone, self.zone_ids[firms.zone], -1)

    def processes(self, model: Model) -> list[Process]:
        """A claim round every ``claim_interval_days``."""
        if not self.active:
            return []

        def round_(day: int) -> None:
            if self.has_cuts:
                total, public = self.cut(day, model.firms)
                model.ts[_CUT][day] += total
                if self.has_public_cuts:
                    model.ts[_PUBLIC_CUT][day] += public
            model.ts["relief_paid_amount"][day] += self.claim(
                day, model.firms, model.aware_day, model.ledger, rng=model.rng_relief
            )

        return [Process(MEASURES_OFFSET, round_, every=self.config.claim_interval_days)]

    def slot_summary(self, model: Model) -> dict[str, Any]:
        """Zone budgets and how many ran out; relief paid (scaled)."""
        ledger = model.ledger
        zones = [i for i, k in enumerate(ledger.kinds) if k == "zone_budget"]
        return {
            "zone_budgets_n": len(zones),
            "zone_budgets_exhausted_n": int((ledger.exhausted_on[zones] >= 0).sum()),
            "relief_paid_amount": float(model.ts["relief_paid_amount"].sum()) * model.scale,
        }

    def savings_by_firm(self, model: Model) -> dict[str, np.ndarray]:
        """Relief each firm was paid by category; tariff cuts apart when a category is one."""
        if not self.active:
            return {}
        out = {f"relief_{c}": self.paid_by_cat[i] for i, c in enumerate(COST_CATEGORIES)}
        if self.has_cuts:
            out.update(
                {
                    f"relief_tariff_cut_{c}": self.cut_paid_by_cat[i]
                    for i, c in enumerate(COST_CATEGORIES)
                }
            )
        return out

    def savings_terms(self, model: Model) -> list[float]:
        """Relief paid to firms, then the tariff cuts they got (if any)."""
        cuts = [model.ts[_CUT].sum()] if self.has_cuts else []
        return [model.ts["relief_paid_amount"].sum(), *cuts]

    def fiscal_terms(self, model: Model) -> tuple[list[float], list[float]]:
        """Relief borne by public budgets: the claims paid from the zone budgets (when the
        city or the districts fund them) and the tariff cuts a public budget bears; cuts
        borne by park operators, utilities and carriers are not a fiscal cost."""
        return [model.ts[c].sum() for c in self.fiscal_columns], []

    def summary(self, model: Model) -> dict[str, float]:
        """Claims and tariff cuts apart, and who bears the cuts (when a category is cut);
        all relief by who bears it (when the scenario declares the bearers)."""
        out: dict[str, float] = {}
        if self.has_cuts:
            out["relief_claim_amount"] = float(model.ts["relief_paid_amount"].sum()) * model.scale
            out[_CUT] = float(model.ts[_CUT].sum()) * model.scale
            by_cat = self.cut_paid_by_cat.sum(axis=1)
            for bearer in dict.fromkeys(TARIFF_BEARERS.values()):
                mine = [TARIFF_BEARERS[c] == bearer for c in COST_CATEGORIES]
                out[f"relief_tariff_cut_{bearer}_amount"] = float(by_cat[mine].sum()) * model.scale
        if self.bearers is not None:
            out.update(self.bearer_summary(model))
        return out

    def relief_by_category(self) -> np.ndarray:
        """Relief each category gave firms, claimed or cut (simulated units)."""
        got = self.paid_by_cat.sum(axis=1)
        if self.has_cuts:
            got = got + self.cut_paid_by_cat.sum(axis=1)
        return got

    def bearer_summary(self, model: Model) -> dict[str, float]:
        """All relief, what each bearer bore of it (the keys add up to the total) and the
        rent relief borne outside the public budgets (scaled)."""
        ts, scale = model.ts, model.scale
        total = float(ts["relief_paid_amount"].sum())
        if self.has_cuts:
            total += float(ts[_CUT].sum())
        got = self.relief_by_category()
        out = {_TOTAL: total * scale}
        for bearer in BEARERS:
            mine = np.array([who == bearer for who in self.bearer_of])
            out[f"relief_{bearer}_amount"] = float(got[mine].sum()) * scale
        rent = COST_CATEGORIES.index("rent")
        off = self.bearer_of[rent] not in PUBLIC_BEARERS
        out[_OFF_BUDGET_RENT] = float(got[rent]) * scale if off else 0.0
        return out

    def cut(self, day: int, firms: Firms) -> tuple[float, float]:
        """One round of tariff cuts: every eligible firm in a zone, without application or
        awareness, uncapped; return the amount and the part a public budget bears
        (simulated units)."""
        who = self.in_zone
        if not self.eligible_tier.all():
            who = who & self.eligible_tier[firms.tier]
        idx = who.nonzero()[0]
        total = public = 0.0
        for by_cat, got, pub in zip(
            self.cut_by_cat, self.cut_paid_by_cat, self.public_cut, strict=True
        ):
            if by_cat.any():
                got[idx] += by_cat[idx]
                part = float(by_cat[idx].sum())
                total += part
                if pub:
                    public += part
        return total, public

    def claim(
        self,
        day: int,
        firms: Firms,
        aware_day: np.ndarray,
        ledger: Ledger,
        *,
        rng: np.random.Generator,
    ) -> float:
        """Run one claim round; return the amount paid (simulated units)."""
        c = self.config
        year = day // 365
        if year != self.year:
            self.year = year
            self.paid_year[:] = 0.0
        who = self.in_zone
        if not self.eligible_tier.all():
            # certification moves firms between tiers: eligibility is looked up each round
            who = who & self.eligible_tier[firms.tier]
        if c.requires_awareness:
            who = who & (aware_day <= day)
        idx = who.nonzero()[0]
        if idx.size == 0:
            return 0.0
        room = np.maximum(c.cap_per_firm_year - self.paid_year[idx], 0.0)
        amount = np.minimum(self.want[idx], room)
        keep = amount > 0
        idx, amount = idx[keep], amount[keep]
        # claims reach the budgets in a random order; the books are kept in firm order
        order = rng.permutation(idx.size)
        arriving = amount[order]
        granted_arrival, _ = ledger.draw(self.account[idx[order]], arriving, day)
        if not granted_arrival.any():
            return 0.0
        if granted_arrival.all():
            paid_total = float(arriving.sum())
            paid = amount
        else:
            paid_total = float(np.where(granted_arrival, arriving, 0.0).sum())
            granted = np.empty(idx.size, dtype=bool)
            granted[order] = granted_arrival
            idx, paid = idx[granted], amount[granted]
        self.paid_year[idx] += paid
        # each category gets its share of what was paid: all of it unless the cap bit
        # (one category at a time: indexing rows is several times faster than 2-D)
        want = self.want[idx]
        ratio = None if (paid == want).all() else paid / want
        for by_cat, paid_by_cat in zip(self.by_cat, self.paid_by_cat, strict=True):
            share = by_cat[idx]
            if ratio is not None:
                share *= ratio
            paid_by_cat[idx] += share
        return paid_total
