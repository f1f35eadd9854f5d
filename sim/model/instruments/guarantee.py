"""Guarantee: the policy guarantee fund, its capacity, per-firm cap, fees and claims.

Public names: :class:`GuaranteeInstrument`, :func:`batch_lenders`.

The fund takes part in the day's credit decisions through the credit-rule hooks of
:mod:`sim.model.instruments.base`: it offers cover to the applications it is referred
(:meth:`GuaranteeInstrument.offer_cover`), keeps each firm's guarantees outstanding as
loans are booked and end, and books its fees and expected loss at the end of the run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ...scenario import Scenario
from ..banks import LenderTable, bank_expected_loss, credit_approved
from ..batches import exclusive_firm_cumsum
from ..claim_rate import book_claim_rate
from ..codes import Outcome
from ..credit import Cover, CreditBatch
from ..ledger import Ledger
from ..population import Firms
from .base import Account, Headline, HeadlineFormat, Instrument, Slot, first_exhausted_day

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import Model

__all__ = ["GuaranteeInstrument", "batch_lenders"]


#: Summary keys reported when an option of the second revision is set (``Guarantee.extended``).
_KEYS = (
    "claims_committed_amount",
    "claims_committed_n",
    "guarantee_fee_subsidy_amount",
    "guarantee_claim_rate",
    "guaranteed_approvable_loans_n",
    "guarantee_lenders_suspended_n",
    "guarantee_first_suspension_day",
)


def _rules_shown(s: Mapping[str, Any], sc: Scenario) -> bool:
    """The rows of the guarantee rules: when a scenario sets one (docs/model.md 7.6a)."""
    return sc.guarantee is not None and "guarantee_claim_rate" in s


def _rules(fmt: HeadlineFormat, s: Mapping[str, Any], sc: Scenario) -> str:
    rate = s["guarantee_claim_rate"]
    return fmt.text(
        "h.guarantee_rules_value",
        mode=fmt.code(sc.guarantee.mode),
        sharing=fmt.code(sc.guarantee.risk_sharing),
        claim_rate=fmt.text("na") if rate is None else f"{100 * rate:.2f} %",
    )


def _suspended(fmt: HeadlineFormat, s: Mapping[str, Any], sc: Scenario) -> str:
    first = fmt.day(s["guarantee_first_suspension_day"])
    return f"{s['guarantee_lenders_suspended_n']} ({first})"


def _terminal_line(fmt: HeadlineFormat, s: Mapping[str, Any], sc: Scenario) -> str:
    """The terminal's line: amount guaranteed, the capacity's day, zone budgets run out."""
    target = s.get("guarantee_kind") == "target"
    day = s["guarantee_target_reached_day"] if target else s["guarantee_exhausted_day"]
    return fmt.text(
        "sum.guarantee_target" if target else "sum.guarantee",
        guaranteed=fmt.amount(s["guaranteed_amount"]),
        cap_day=(
            fmt.text("not_reached" if target else "not_exhausted")
            if day is None
            else fmt.text("day", d=day)
        ),
        zex=s["zone_budgets_exhausted_n"],
        zn=s["zone_budgets_n"],
    )


def _is_target(s: Mapping[str, Any], sc: Scenario) -> bool:
    return sc.guarantee is not None and sc.guarantee.kind == "target"


def _day_or(none: str, key: str) -> Any:
    """A value function: the day under ``key``, or the text ``none`` when missing."""
    return lambda fmt, s, sc: fmt.text(none) if s.get(key) is None else fmt.day(s[key])


_COVER = frozenset({"cover"})
_TUNER = frozenset({"tuner"})


class GuaranteeInstrument(Instrument):
    """The fund writes guarantees up to its capacity (capital x leverage).

    A guarantee is ``min(coverage x loan, cap_per_firm - firm's guarantees outstanding)``.
    It draws on the *capacity* account, of kind ``guarantee.kind``: ``revolving`` (the
    default) releases it when the loan ends, ``hard`` never does, ``target`` never
    refuses. Defaults produce claims paid from the *capital* account: ``lgd x
    guarantee`` under first-loss sharing, ``lgd x (1 - collateral) x guarantee`` under
    proportional sharing. Which loans are referred follows ``guarantee.mode``
    (:meth:`referred`, :meth:`worth_the_fee`); a lender whose claim rate passes
    ``suspend_claim_rate`` gets no new guarantees.

    Parameters
    ----------
    scenario
        The validated scenario; ``scenario.guarantee`` may be ``None`` (no fund).
    firms
        The population (its tier names resolve the eligible tiers).
    lenders
        The lender table.
    ledger
        The ledger in which to open the accounts.
    """

    section = "guarantee"
    rank = 20
    savings_categories = ("guarantee_fee",)
    summary_slots = (
        Slot("guarantee_exhausted_day", "credit_sub_quota_exhausted_day", 1),
        Slot("guarantee_capital_exhausted_day", "credit_sub_quota_exhausted_day", 2),
        Slot("guaranteed_amount", "credit_sub_quota_exhausted_day", 7),
        Slot("guaranteed_loans_n", "credit_sub_quota_exhausted_day", 8),
        Slot("avg_guaranteed_loan_amount", "credit_sub_quota_exhausted_day", 9),
        Slot("claims_paid_amount", "defaults_n", 1),
        Slot("guarantee_fee_savings_amount", "interest_subsidy_amount", 1),
        Slot("guarantee_kind", "credit_sub_quota_kind", 1, "kinds"),
        Slot("guarantee_target_reached_day", "credit_sub_quota_overshoot_amount", 1, "kinds"),
        Slot("guarantee_overshoot_amount", "credit_sub_quota_overshoot_amount", 2, "kinds"),
        Slot("guaranteed_amount", "disbursed_amount", 1, "experiment"),
        Slot("guaranteed_loans_n", "disbursed_amount", 2, "experiment"),
        Slot("avg_guaranteed_loan_amount", "disbursed_amount", 3, "experiment"),
        Slot("guarantee_exhausted_day", "bank_quotas_exhausted_n", 1, "experiment"),
    )
    fiscal_labels = (("expected", "fiscal.guarantee_loss"),)
    reported_accounts = (
        Account(
            "guarantee_capacity",
            "guarantee capacity",
            "guarantee_exhausted_day",
            "guarantee_target_reached_day",
            "guarantee_kind",
            plot=True,
        ),
        Account("guarantee_capital", plot=True),
    )
    headlines = (
        Headline(
            "h.guaranteed",
            ("guaranteed_amount", "guaranteed_loans_n"),
            ("amount", "count"),
            order=110,
            places=frozenset({"cover", "tuner"}),
        ),
        Headline("h.guarantee_rules", order=111, places=_COVER, when=_rules_shown, value=_rules),
        Headline(
            "h.guarantee_approvable",
            ("guaranteed_approvable_loans_n",),
            ("count",),
            order=112,
            places=_COVER,
            when=_rules_shown,
        ),
        Headline(
            "h.guarantee_fee_subsidy",
            ("guarantee_fee_subsidy_amount",),
            ("amount",),
            order=113,
            places=_COVER,
            when=lambda s, sc: _rules_shown(s, sc) and sc.guarantee.fee_subsidy_share > 0,
        ),
        Headline(
            "h.guarantee_suspended",
            order=114,
            places=_COVER,
            when=lambda s, sc: _rules_shown(s, sc) and sc.guarantee.suspend_claim_rate is not None,
            value=_suspended,
        ),
        # the capacity's day on the cover (reached, with the overshoot, when a target)
        Headline(
            "h.guarantee_target",
            ("guarantee_target_reached_day", "guarantee_overshoot_amount"),
            ("day", "amount"),
            order=45,
            places=_COVER,
            when=_is_target,
            value=lambda fmt, s, sc: (
                f"{_day_or('not_reached', 'guarantee_target_reached_day')(fmt, s, sc)} "
                f"({fmt.amount(s['guarantee_overshoot_amount'])})"
            ),
        ),
        Headline(
            "h.guarantee_exhausted",
            ("guarantee_exhausted_day",),
            ("day",),
            order=45,
            places=_COVER,
            when=lambda s, sc: not _is_target(s, sc),
            value=_day_or("not_exhausted", "guarantee_exhausted_day"),
        ),
        Headline(
            "h.guarantee_target",
            ("guarantee_target_reached_day",),
            ("day",),
            order=60,
            places=_TUNER,
            when=_is_target,
            value=_day_or("not_reached", "guarantee_target_reached_day"),
        ),
        Headline(
            "h.guarantee_exhausted",
            ("guarantee_exhausted_day",),
            ("day",),
            order=60,
            places=_TUNER,
            when=lambda s, sc: not _is_target(s, sc),
            value=_day_or("not_exhausted", "guarantee_exhausted_day"),
        ),
        Headline(
            "h.fees",
            ("guarantee_fee_savings_amount",),
            ("amount",),
            order=130,
            places=_COVER,
        ),
        Headline(
            None,
            ("guaranteed_amount",),
            ("amount",),
            order=110,
            places=frozenset({"terminal"}),
            value=_terminal_line,
        ),
        # the answer page's sentence
        Headline(
            None,
            ("guaranteed_amount", "guaranteed_loans_n", "claims_paid_amount"),
            order=110,
            places=frozenset({"answer"}),
            when=lambda s, sc: s.get("guaranteed_amount", 0.0) > 0,
            value=lambda fmt, s, sc: fmt.text(
                "answer.guarantee",
                amount=fmt.amount(s["guaranteed_amount"]),
                loans=fmt.count(s["guaranteed_loans_n"]),
                claims=fmt.amount(s["claims_paid_amount"]),
                rate=fmt.share(s.get("guarantee_claim_rate")),
            ),
        ),
    )
    texts = {
        "en": {
            "msg.fiscal.guarantee_loss": "net guarantee loss",
            "msg.answer.guarantee": (
                "The guarantee fund guaranteed {amount} in {loans} loans and paid {claims} "
                "of claims on those that defaulted (claims were {rate} of the guarantees "
                "released by loans that ended)."
            ),
        },
        "zh": {
            "msg.fiscal.guarantee_loss": "担保净损失",
            "msg.answer.guarantee": (
                "担保基金为{loans}笔贷款提供担保{amount}，为其中违约的贷款代偿{claims}"
                "（代偿率{rate}，即代偿额占已到期解保担保额的比例）。"
            ),
        },
    }
    summary_keys = _KEYS
    columns = ("guaranteed_amount", "claims_paid_amount")
    column_places = {"claims_paid_amount": "loan_book"}

    def __init__(self, scenario: Scenario, firms: Firms, lenders: LenderTable, ledger: Ledger):
        super().__init__(scenario, firms, lenders, ledger)
        tier_names = firms.tier_names
        self.config = scenario.guarantee
        scale = scenario.population.scale
        self.active = self.config is not None
        # per lender: guarantees written and claims paid (simulated units), the day it was
        # suspended (-1: never) and whether it may still refer loans
        self.written_by_lender = np.zeros(lenders.n)
        self.claims_by_lender = np.zeros(lenders.n)
        self.suspended_day = np.full(lenders.n, -1, dtype=np.int64)
        self.open_lender = np.ones(lenders.n, dtype=bool)
        self.approvable_n = 0
        self.outstanding = np.zeros(firms.n)  # per firm: guarantees outstanding
        if self.config is None:
            self.capacity_id = self.capital_id = -1
            self.eligible_tier = np.zeros(len(tier_names), dtype=bool)
            self.proportional = False
            self.mode = "rescue"
            return
        self.capacity_id = ledger.open(
            "guarantee_capacity",
            "guarantee_capacity",
            self.config.capacity / scale,
            group="guarantee",
            account_kind=self.config.kind,
            refusal=int(Outcome.REFUSED_GUARANTEE),
        )
        self.capital_id = ledger.open(
            "guarantee_capital", "guarantee_capital", self.config.capital / scale, group="guarantee"
        )
        self.eligible_tier = np.isin(np.array(tier_names), self.config.eligible_tiers)
        self.term_years = scenario.loan_pool.term_days / 365.0
        self.mode = self.config.mode
        self.proportional = self.config.risk_sharing == "proportional"
        self.batch_lender = batch_lenders(self.config.batch_lenders, scenario, lenders.names)

    # ---------------------------------------------------------------- referral
    def referred(
        self,
        ok0: np.ndarray,
        tier: np.ndarray,
        pd_annual: np.ndarray,
        bank: np.ndarray,
        pending: np.ndarray,
        ledger: Ledger,
    ) -> np.ndarray:
        """Applications sent to the fund, by ``guarantee.mode``.

        ``rescue``: those the bank would refuse on its own (``~ok0``). ``batch``: every
        one at a lender in the batch scheme whose firm is on the batch's list (eligible tier,
        ``PD <= batch_max_pd_annual``: the lender approves and files afterwards, the fund
        does not vet the loan), and rescues at the others. ``bank_choice``:
        every one (the bank keeps those whose cover is worth its fee, see
        :meth:`worth_the_fee`). In every mode the fund screens (:meth:`accepts`) and a
        suspended lender refers nothing; a closed capacity takes only rescues (a loan the
        bank approves anyway is then lent without cover).
        """
        eligible = self.eligible_tier[tier]
        accepted = eligible & (pd_annual <= self.config.max_pd_annual)  # :meth:`accepts`
        cand = ~ok0 & accepted & pending
        if self.mode == "rescue" and self.config.suspend_claim_rate is None:
            return cand  # today's rule, unchanged
        referring = pending & self.open_lender[bank]
        cand &= referring
        if self.mode == "rescue" or ledger.closed[self.capacity_id]:
            return cand
        if self.mode == "batch":
            screen = eligible & (pd_annual <= self.config.batch_max_pd_annual)
            screen &= referring
            screen &= self.batch_lender[bank]
            return cand | screen
        # bank_choice: the rescues, and every accepted one the bank would approve anyway
        return accepted & referring

    def worth_the_fee(self, saved_loss_rate: np.ndarray, share: np.ndarray) -> np.ndarray:
        """``bank_choice``: the cover lowers the bank's expected loss (share of the loan over
        the term) by more than the fee it bears or passes on, ``(1 - fee_subsidy_share) x
        fee_rate x term x guaranteed share``."""
        fee = (1.0 - self.config.fee_subsidy_share) * self.config.fee_rate * self.term_years
        return saved_loss_rate > fee * share

    def bank_loss(
        self,
        pd_term: np.ndarray,
        lgd: np.ndarray,
        collateral: np.ndarray,
        share: np.ndarray,
        uncovered: np.ndarray | None = None,
    ) -> np.ndarray:
        """The bank's expected loss rate on a loan with ``share`` of it guaranteed.

        First loss: ``PD x LGD x clip(1 - C - share, 0, 1)`` (the guarantee takes the loss
        after collateral first). Proportional: ``PD x LGD x clip(1 - C, 0, 1) x (1 - share)``;
        ``uncovered``, when given, is ``clip(1 - C, 0, 1)`` worked out beforehand.
        """
        if not self.proportional:
            return bank_expected_loss(pd_term, lgd, collateral, share)
        if uncovered is None:
            uncovered = np.minimum(np.maximum(1.0 - collateral, 0.0), 1.0)
        return pd_term * lgd * uncovered * (1.0 - share)

    def loss_per_default(
        self, guarantee: np.ndarray, lgd: np.ndarray, collateral: np.ndarray
    ) -> np.ndarray:
        """The fund's claim on a defaulted loan: ``LGD x Gu`` under first loss, ``LGD x
        (1 - C) x Gu`` (= coverage x LGD x (1 - C) x L) under proportional sharing."""
        if not self.proportional:
            return guarantee * lgd
        return guarantee * lgd * np.minimum(np.maximum(1.0 - collateral, 0.0), 1.0)

    def amount(self, loan: np.ndarray, outstanding: np.ndarray) -> np.ndarray:
        """Guarantee the fund would write on each loan, given the firm's guarantees outstanding."""
        if self.config is None:
            return np.zeros_like(loan)
        room = np.maximum(self.config.cap_per_firm - outstanding, 0.0)
        return np.minimum(self.config.coverage * loan, room)

    def accepts(self, tier: np.ndarray, pd_annual: np.ndarray) -> np.ndarray:
        """Whether the fund takes a referral: eligible tier and PD within the fund's limit."""
        if self.config is None:
            return np.zeros(tier.shape[0], dtype=bool)
        return self.eligible_tier[tier] & (pd_annual <= self.config.max_pd_annual)

    def expected_loss(
        self, pd_term: np.ndarray, guarantee: np.ndarray, lgd: np.ndarray, collateral: np.ndarray
    ) -> np.ndarray:
        """The fund's expected loss on guarantees: ``PD_term x`` :meth:`loss_per_default`."""
        if not self.proportional:
            return pd_term * lgd * guarantee
        return pd_term * self.loss_per_default(guarantee, lgd, collateral)

    def fee_savings(self, guarantee: np.ndarray) -> np.ndarray:
        """Fee saved over the term against a market guarantee fee (the firm pays
        ``1 - fee_subsidy_share`` of the fund's fee)."""
        if self.config is None:
            return np.zeros_like(guarantee)
        if self.config.fee_subsidy_share > 0:
            paid = self.config.fee_rate * (1.0 - self.config.fee_subsidy_share)
            return guarantee * max(self.config.market_fee_rate - paid, 0.0) * self.term_years
        return (
            guarantee
            * max(self.config.market_fee_rate - self.config.fee_rate, 0.0)
            * self.term_years
        )

    def fee_income(self, guarantee: np.ndarray) -> np.ndarray:
        """Fees the fund collects over the term."""
        if self.config is None:
            return np.zeros_like(guarantee)
        return guarantee * self.config.fee_rate * self.term_years

    def fee_subsidy(self, guarantee: np.ndarray) -> np.ndarray:
        """Part of the fee the districts pay over the term (``fee_subsidy_share``)."""
        if self.config is None:
            return np.zeros_like(guarantee)
        return guarantee * self.config.fee_rate * self.config.fee_subsidy_share * self.term_years

    # ---------------------------------------------------------------- credit hooks
    def offer_cover(self, model: Model, batch: CreditBatch) -> Cover | None:
        """Guarantees on the referred applications (:meth:`referred`) that the bank
        approves with them: each ``min(coverage x loan, cap_per_firm - outstanding)``,
        counting earlier guarantees of the same firm in the batch; under
        ``bank_choice`` a loan the bank would approve anyway is covered only when the
        cover is worth its fee (:meth:`worth_the_fee`)."""
        cand = self.referred(
            batch.ok0, batch.tier, batch.pd_annual, batch.bank, batch.pending, model.ledger
        )
        if not np.count_nonzero(cand):
            return None
        c_idx = cand.nonzero()[0]
        c_firm, c_amount = batch.firm[c_idx], batch.amount[c_idx]
        g_c = self.amount(c_amount, self.outstanding[c_firm])
        if batch.twice:
            earlier = exclusive_firm_cumsum(c_firm, g_c)
            g_c = self.amount(c_amount, self.outstanding[c_firm] + earlier)
        el1 = self.bank_loss(
            batch.pd_term[c_idx],
            batch.lgd[c_idx],
            batch.collateral[c_idx],
            g_c / c_amount,
            batch.uncovered[c_idx],
        )
        keeps = batch.keeps
        if keeps is not None:
            el1 = el1 * keeps[c_idx]
        ok1 = credit_approved(el1, batch.appetite[c_idx])
        use = ok1 & (g_c > 0)
        if self.mode == "bank_choice":
            el0_c = batch.el0[c_idx] if keeps is None else batch.el0[c_idx] * keeps[c_idx]
            use &= ~batch.ok0[c_idx] | self.worth_the_fee(el0_c - el1, g_c / c_amount)
        return Cover(c_idx[use], g_c[use], self.capacity_id)

    def scenario_changed(self, model: Model, day: int, paths: tuple[str, ...]) -> None:
        """Take the fund's terms in force from ``day`` (coverage, cap per firm, PD limits
        are read at each decision); resize the capital and the capacity (capital x
        leverage) when the day's events changed them (docs/model.md 7.17)."""
        if not self.active:
            return
        self.config = self.scenario.guarantee
        scale = self.scenario.population.scale
        if "guarantee.capital" in paths or "guarantee.leverage" in paths:
            model.ledger.resize(self.capacity_id, self.config.capacity / scale, day)
        if "guarantee.capital" in paths:
            model.ledger.resize(self.capital_id, self.config.capital / scale, day)

    def cover_settled(self, model: Model, batch: CreditBatch, cover: np.ndarray) -> None:
        """Count the guarantees on loans the bank would have approved without them."""
        if self.config.extended:
            self.approvable_n += np.count_nonzero((cover > 0) & batch.ok0)

    def loans_booked(self, model: Model, day: int, app: np.ndarray) -> None:
        """Add the new guarantees to their firms' outstanding and to the day's guaranteed
        amount; count the guarantees each lender has written (for its claim rate)."""
        a = model.apps.cols
        guarantee = a["guarantee"][app]
        if np.count_nonzero(guarantee):  # (adding zeros changes no balance)
            np.add.at(self.outstanding, a["firm"][app], guarantee)
        model.ts["guaranteed_amount"][day] += guarantee.sum()
        if self.config.suspend_claim_rate is None:
            return
        np.add.at(self.written_by_lender, a["bank"][app], guarantee)

    def loans_ended(self, model: Model, day: int, app: np.ndarray) -> None:
        """Release the guarantees of loans that ended; pay the claims on defaults;
        suspend lenders whose claim rate passed ``suspend_claim_rate``."""
        if not self.active:
            return
        a = model.apps.cols
        guarantee, firm = a["guarantee"][app], a["firm"][app]
        np.subtract.at(self.outstanding, firm, guarantee)
        # only these firms' balances moved, so only they can have dipped below zero
        self.outstanding[firm] = np.maximum(self.outstanding[firm], 0.0)
        model.ledger.release(np.full(app.size, self.capacity_id), guarantee)
        dflt = a["defaulted"][app] & (guarantee > 0)
        if dflt.any():
            d = app[dflt]
            claim = self.loss_per_default(
                a["guarantee"][d],
                model.lenders.lgd[a["bank"][d]],
                model.firms.collateral_ratio[a["firm"][d]],
            )
            granted, _ = model.ledger.draw(np.full(d.size, self.capital_id), claim, day)
            a["claim"][d] = np.where(granted, claim, 0.0)
            model.ts["claims_paid_amount"][day] += claim[granted].sum()
            if self.config.suspend_claim_rate is not None:
                np.add.at(self.claims_by_lender, a["bank"][d], a["claim"][d])
                self._suspend(day)

    def loans_closed(self, model: Model, app: np.ndarray) -> None:
        """Book each approved loan's guarantee fee saving, the fund's fee income and its
        expected loss on the guarantee."""
        a = model.apps.cols
        firm, g = a["firm"][app], a["guarantee"][app]
        a["fee_saving"][app] = self.fee_savings(g)
        a["fee_income"][app] = self.fee_income(g)
        a["expected_guarantee_loss"][app] = self.expected_loss(
            model.pd_term[firm],
            g,
            model.lenders.lgd[a["bank"][app]],
            model.firms.collateral_ratio[firm],
        )

    def _suspend(self, day: int) -> None:
        """Close referrals of lenders whose claims / guarantees written pass the threshold."""
        rate = np.divide(
            self.claims_by_lender,
            self.written_by_lender,
            out=np.zeros_like(self.claims_by_lender),
            where=self.written_by_lender > 0,
        )
        new = self.open_lender & (rate > self.config.suspend_claim_rate)
        self.open_lender[new] = False
        self.suspended_day[new] = day

    def summary(self, model: Model) -> dict[str, float | None]:
        """Claims on defaults after the horizon (committed: the guaranteed loans are
        followed until they end), and the second revision's figures, when one of its
        options is set."""
        a = model.apps.view()
        approved = a["outcome"] == Outcome.APPROVED
        later = (approved & a["default_after"] & (a["guarantee"] > 0)).nonzero()[0]
        committed = self.loss_per_default(
            a["guarantee"][later],
            model.lenders.lgd[a["bank"][later]],
            model.firms.collateral_ratio[a["firm"][later]],
        )
        out: dict[str, float | None] = {
            "claims_committed_amount": float(committed.sum()) * model.scale,
            "claims_committed_n": float(later.size) * model.scale,
        }
        if not self.config.extended:
            return out
        written = a["guarantee"][approved].sum()
        suspended = self.suspended_day[self.suspended_day >= 0]
        return out | {
            "guarantee_fee_subsidy_amount": float(self.fee_subsidy(written)) * model.scale,
            "guarantee_claim_rate": book_claim_rate(
                self.scenario,
                a["end_day"][approved],
                a["guarantee"][approved],
                a["defaulted"][approved],
            ),
            "guaranteed_approvable_loans_n": float(self.approvable_n) * model.scale,
            "guarantee_lenders_suspended_n": int(suspended.size),
            "guarantee_first_suspension_day": int(suspended.min()) if suspended.size else None,
        }

    def quota_columns(self, model: Model, accounts: list[str]) -> dict[str, Any]:
        """``guarantee_suspended_day`` when lenders may be suspended: the day each lender's
        guarantees were suspended, on its quota's row (a group's lenders share one quota:
        its row shows the first of them suspended)."""
        if not (self.active and self.config.suspend_claim_rate is not None):
            return {}
        day_of: dict[str, int] = {}
        quota_of = [model.ledger.names[j] for j in model.pool.quota_ids]
        for key, d in zip(quota_of, self.suspended_day.tolist(), strict=True):
            if d >= 0:
                day_of[key] = min(d, day_of.get(key, d))
        return {
            "guarantee_suspended_day": pd.array([day_of.get(a) for a in accounts], dtype="Int64")
        }

    @classmethod
    def names_a_kind(cls, scenario: Scenario) -> bool:
        """A capacity of another kind than revolving."""
        return scenario.guarantee is not None and scenario.guarantee.kind != "revolving"

    def kind_summary(self, model: Model) -> dict[str, Any]:
        """The capacity's kind, the day its target was reached and the overshoot."""
        ledger, cap = model.ledger, self.capacity_id
        reached = int(ledger.reached_on[cap]) if cap >= 0 else -1
        target = cap >= 0 and bool(ledger.is_target[cap])
        return {
            "guarantee_kind": self.scenario.guarantee.kind if self.scenario.guarantee else None,
            "guarantee_target_reached_day": reached if reached >= 0 else None,
            "guarantee_overshoot_amount": (
                max(-ledger.level[cap], 0.0) * model.scale if target else 0.0
            ),
        }

    def slot_summary(self, model: Model) -> dict[str, Any]:
        """The guarantees' keys of every run's summary: the days capacity and capital ran
        out, amounts guaranteed, claims paid, fees saved (scaled)."""
        a = model.apps.view()
        approved = a["outcome"] == Outcome.APPROVED
        guaranteed = a["guarantee"][approved]
        scale = model.scale
        return {
            "guarantee_exhausted_day": first_exhausted_day(model.ledger, "guarantee_capacity"),
            "guarantee_capital_exhausted_day": first_exhausted_day(
                model.ledger, "guarantee_capital"
            ),
            "guaranteed_amount": float(guaranteed.sum()) * scale,
            "guaranteed_loans_n": float((guaranteed > 0).sum()) * scale,
            "avg_guaranteed_loan_amount": (
                float(a["amount"][approved][guaranteed > 0].mean())
                if (guaranteed > 0).any()
                else None
            ),
            "claims_paid_amount": float(model.ts["claims_paid_amount"].sum()) * scale,
            "guarantee_fee_savings_amount": float(a["fee_saving"][approved].sum()) * scale,
        }

    def savings_by_firm(self, model: Model) -> dict[str, np.ndarray]:
        """Guarantee fees each firm saved on its approved loans."""
        a = model.apps.view()
        approved = a["outcome"] == Outcome.APPROVED
        fee = np.zeros(model.firms.n)
        np.add.at(fee, a["firm"][approved], a["fee_saving"][approved])
        return {"guarantee_fee": fee}

    def savings_terms(self, model: Model) -> list[float]:
        """Guarantee fees firms saved against a market fee."""
        return [model.approved_sum("fee_saving")]

    def fiscal_terms(self, model: Model) -> tuple[list[float], list[float]]:
        """Fee subsidy paid by the districts (if any); expected loss of the guarantees
        written, less the fees the fund collects (whoever pays them)."""
        paid = []
        if self.active and self.config.fee_subsidy_share > 0:
            paid = [self.fee_subsidy(np.asarray(model.approved_sum("guarantee"))).item()]
        return paid, [
            model.approved_sum("expected_guarantee_loss"),
            -model.approved_sum("fee_income"),
        ]


def batch_lenders(batch: str | list[str], scenario: Scenario, names: tuple[str, ...]) -> np.ndarray:
    """Whether each lender is in the batch scheme (a group's name covers its members)."""
    if batch == "all":
        return np.ones(len(names), dtype=bool)
    group = scenario.banks.group
    members = set(batch)
    if group is not None and group.name in members:
        width = len(str(group.n))
        members |= {f"{group.name}_{i + 1:0{width}d}" for i in range(group.n)}
    return np.array([n in members for n in names], dtype=bool)
