"""Loan pool: the special loan quota, split into lender quotas, with a credit-loan sub-quota.

Public names: :class:`LoanPoolInstrument`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ...scenario import Scenario
from ..banks import LenderTable
from ..codes import Outcome
from ..ledger import Ledger
from ..population import Firms
from ..subsidy import due_in_period, payment_days
from .base import MEASURES_OFFSET, Account, Headline, Instrument, Process

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import Model

__all__ = ["LoanPoolInstrument"]

# the outcomes of an application refused by a quota (or the pool) and by the sub-quota
_R_QUOTA, _R_CREDIT_QUOTA = int(Outcome.REFUSED_QUOTA), int(Outcome.REFUSED_CREDIT_QUOTA)


class LoanPoolInstrument(Instrument):
    """Accounts, pricing and savings of the special loan pool.

    In ``bank_quotas`` mode each lender has an account of ``total * quota_share``; in
    ``shared_pool`` mode one account serves every lender first come first served. A
    *credit loan* (collateral below ``credit_loan_max_collateral``) also draws on the
    credit sub-quota when there is one, and earns the automatic interest subsidy. The
    subsidy is paid on approval for the whole term, or in arrears each calendar month,
    quarter or year (``subsidy_payment``, see :mod:`sim.model.subsidy`), from the
    appropriation ``subsidy_budget`` when there is one: a hard account, and what falls
    due once it has run out is not paid.

    Each account has the kind the scenario gives it (``loan_pool.kind``,
    ``bank_quota_kind``, ``credit_sub_quota_kind``; docs/model.md 7.7). When the lender
    quotas are of another kind than the pool, the pool is an account of its own
    (``loan_pool``) that every loan also draws on. A loan that ends gives its amount back
    to the revolving accounts it drew on.

    Parameters
    ----------
    scenario
        The validated scenario.
    firms
        The population.
    lenders
        The lender table.
    ledger
        The ledger in which to open the accounts (before it is frozen).
    """

    section = "loan_pool"
    rank = 10
    columns = ("subsidy_paid_amount", "subsidy_unpaid_amount")
    column_places = {"subsidy_paid_amount": "last", "subsidy_unpaid_amount": "last"}
    savings_categories = ("interest",)
    fiscal_labels = (("paid", "fiscal.subsidy"),)
    reported_accounts = (
        Account(
            "loan_pool",
            "loan pool",
            "pool_exhausted_day",
            "pool_target_reached_day",
            "pool_kind",
            present=lambda sc: True,
        ),
        Account(
            "bank_quota",
            "first lender quota",
            "first_bank_quota_exhausted_day",
            "first_bank_quota_target_reached_day",
            "bank_quota_kind",
            present=lambda sc: sc.loan_pool.quota_mode == "bank_quotas",
        ),
        Account(
            "credit_sub_quota",
            "credit sub-quota",
            "credit_sub_quota_exhausted_day",
            "credit_sub_quota_target_reached_day",
            "credit_sub_quota_kind",
            plot=True,
            present=lambda sc: sc.loan_pool.credit_sub_quota is not None,
        ),
    )
    headlines = (
        Headline(
            "h.programme_split",
            ("programme_new_amount", "programme_renewal_amount", "programme_no_principal_amount"),
            ("amount", "amount", "amount"),
            order=40,
            places=frozenset({"cover", "workbook", "tuner"}),
            value=lambda fmt, s, sc: fmt.text(
                "programme_split_value",
                new=fmt.amount(s["programme_new_amount"]),
                renewal=fmt.amount(s["programme_renewal_amount"]),
                no_principal=fmt.amount(s["programme_no_principal_amount"]),
            ),
        ),
        Headline(
            "h.programme_additional",
            ("programme_additional_amount", "programme_additional_n"),
            ("amount", "count"),
            order=41,
            places=frozenset({"workbook", "tuner"}),
        ),
        Headline(
            "h.pool_target_new",
            ("pool_target_new_amount",),
            ("amount",),
            order=42,
            places=frozenset({"cover", "workbook"}),
            when=lambda s, sc: s.get("pool_target_new_amount") is not None,
        ),
        Headline(
            "h.loan_types",
            (
                "credit_type_loans_amount",
                "guaranteed_type_loans_amount",
                "secured_type_loans_amount",
            ),
            order=43,
            places=frozenset({"cover", "workbook"}),
            value=lambda fmt, s, sc: " / ".join(
                fmt.amount(s[f"{t}_type_loans_amount"]) for t in ("credit", "guaranteed", "secured")
            ),
        ),
        Headline(
            None,
            ("programme_new_amount", "programme_renewal_amount", "programme_additional_amount"),
            ("amount", "amount", "amount"),
            order=40,
            places=frozenset({"terminal"}),
            value=lambda fmt, s, sc: (
                fmt.text(
                    "programme_split_line",
                    new=fmt.amount(s["programme_new_amount"]),
                    renewal=fmt.amount(s["programme_renewal_amount"]),
                    no_principal=fmt.amount(s["programme_no_principal_amount"]),
                    additional=fmt.amount(s["programme_additional_amount"]),
                )
                + (
                    ""
                    if s.get("pool_target_new_amount") is None
                    else fmt.text(
                        "pool_target_new_line",
                        day=fmt.day(s.get("pool_target_reached_day")),
                        new=fmt.amount(s["pool_target_new_amount"]),
                    )
                )
            ),
        ),
        Headline(
            "h.partial",
            ("partial_grants_n",),
            ("count",),
            order=46,
            places=frozenset({"cover"}),
            when=lambda s, sc: sc.loan_pool.partial_grants,
        ),
        Headline(
            "h.interest",
            ("interest_savings_amount", "interest_subsidy_amount"),
            ("amount", "amount"),
            order=120,
            places=frozenset({"cover"}),
        ),
    )
    texts = {
        "en": {
            "msg.fiscal.subsidy": "subsidy",
            "msg.programme_split_value": "{new} / {renewal} ({no_principal})",
            "msg.programme_split_line": (
                "  of which new money {new}, renewals {renewal} (without repaying principal "
                "{no_principal}); additional lending {additional}"
            ),
            "msg.pool_target_new_line": (
                "\n  the pool's target was reached on {day}, of which {new} was new money"
            ),
        },
        "zh": {
            "msg.fiscal.subsidy": "贴息",
            "msg.programme_split_value": "{new} / {renewal}（{no_principal}）",
            "msg.programme_split_line": (
                "  其中新增资金 {new}，续贷 {renewal}（无还本续贷 {no_principal}）；新增性贷款 {additional}"
            ),
            "msg.pool_target_new_line": "\n  专项贷款总目标于 {day} 达成，其中新增资金 {new}",
        },
    }

    def __init__(self, scenario: Scenario, firms: Firms, lenders: LenderTable, ledger: Ledger):
        super().__init__(scenario, firms, lenders, ledger)
        self.active = True
        self.config = scenario.loan_pool
        self.rates = scenario.rates
        scale = scenario.population.scale
        self.per_bank = self.config.quota_mode == "bank_quotas"
        kind = self.config.kind
        #: the pool's own account: in shared_pool mode, or when the lender quotas are of
        #: another kind than the pool (-1: the pool is the sum of the lender quotas)
        self.pool_id = -1
        if self.per_bank:
            # a group's identical lenders hold one quota, the group's: a sample cannot tell
            # which of many identical lenders runs out first (docs/model.md 2.6)
            named = len(scenario.banks.lenders)
            names = [f"quota:{n}" for n in lenders.names[:named]]
            shares = list(lenders.quota_share[:named])
            g = scenario.banks.group
            if g is not None:
                names.append(f"quota:{g.name}")
                shares.append(g.quota_share)
            ids = ledger.open_many(
                names,
                "bank_quota",
                self.config.total * np.array(shares) / scale,
                group="loan_pool",
                account_kind=self.config.quota_kind,
                refusal=_R_QUOTA,
            )
            #: the lender quota accounts (a group's lenders share one), and each lender's
            self.quota_accounts = ids
            self.quota_ids = np.concatenate([ids[:named], np.full(lenders.n - named, ids[-1])])
            self.quota_ids = self.quota_ids.astype(np.int64)
            if self.config.quota_kind != kind:
                self.pool_id = ledger.open(
                    "loan_pool",
                    "loan_pool",
                    self.config.total / scale,
                    group="loan_pool",
                    account_kind=kind,
                    refusal=_R_QUOTA,
                )
        else:
            self.pool_id = ledger.open(
                "loan_pool",
                "loan_pool",
                self.config.total / scale,
                group="loan_pool",
                account_kind=kind,
                refusal=_R_QUOTA,
            )
            self.quota_ids = np.full(lenders.n, self.pool_id, dtype=np.int64)
            self.quota_accounts = np.array([self.pool_id], dtype=np.int64)
        #: the pool's own account when it is drawn on besides the lender quotas
        self.extra_pool_id = self.pool_id if self.per_bank else -1
        self.credit_id = (
            ledger.open(
                "credit_sub_quota",
                "credit_sub_quota",
                self.config.credit_sub_quota / scale,
                group="loan_pool",
                account_kind=self.config.credit_sub_quota_kind,
                refusal=_R_CREDIT_QUOTA,
            )
            if self.config.credit_sub_quota is not None
            else -1
        )
        #: columns of :meth:`accounts`: lender quota (or pool), credit sub-quota, and the
        #: pool's own account when the quotas are of another kind
        self.n_accounts = 3 if self.extra_pool_id >= 0 else 2
        self.term_years = self.config.term_days / 365.0
        self.programme_rate = self.rates.lpr_1y + self.rates.programme_spread
        budget = self.config.subsidy_budget
        self.subsidy_id = (
            ledger.open("subsidy_budget", "subsidy_budget", budget / scale, group="subsidy")
            if budget is not None
            else -1
        )
        self.payment_days = payment_days(
            self.config.subsidy_payment, scenario.horizon.start_date, scenario.horizon.days
        )

    def market_rate(self, pd_annual: np.ndarray) -> np.ndarray:
        """Rate the firm would pay outside the programme: LPR + base spread + premium x PD."""
        r = self.rates
        return r.lpr_1y + r.market_spread_base + r.market_risk_premium_per_pd * pd_annual

    def is_credit_loan(self, collateral_ratio: np.ndarray) -> np.ndarray:
        """Whether a loan to a firm with this collateral counts as an unsecured credit loan."""
        return collateral_ratio < self.config.credit_loan_max_collateral

    def benefit_rate(self, pd_annual: np.ndarray, credit: np.ndarray) -> np.ndarray:
        """Yearly saving per unit borrowed: rate concession plus the subsidy on credit loans."""
        concession = np.maximum(self.market_rate(pd_annual) - self.programme_rate, 0.0)
        return concession + np.where(
            credit, self.config.interest_subsidy_share * self.programme_rate, 0.0
        )

    def subsidy(
        self, amount: np.ndarray, credit: np.ndarray, rate: np.ndarray | None = None
    ) -> np.ndarray:
        """Interest subsidy paid by the city over the loan's term (credit loans only), at
        the programme rate or at each loan's own ``rate``."""
        r = self.programme_rate if rate is None else rate
        return np.where(
            credit,
            amount * self.config.interest_subsidy_share * r * self.term_years,
            0.0,
        )

    def outside_rate(self, pd_annual: np.ndarray, uncovered: np.ndarray) -> np.ndarray:
        """Rate of a risk-priced loan without the programme's cover: LPR + base spread +
        premium x PD x the share of the loan its collateral leaves uncovered."""
        r = self.rates
        return (
            r.lpr_1y + r.market_spread_base + r.market_risk_premium_per_pd * pd_annual * uncovered
        )

    def loan_rate(
        self, pd_annual: np.ndarray, uncovered: np.ndarray, cover_share: np.ndarray
    ) -> np.ndarray:
        """Rate of a risk-priced programme loan (``rates.pricing: risk_based``): the
        premium is charged on the share of the loss the bank still bears after collateral
        and the guarantee (``cover_share`` = guarantee / loan)."""
        r = self.rates
        bears = uncovered * np.clip(1.0 - cover_share, 0.0, 1.0)
        return r.lpr_1y + r.market_spread_base + r.market_risk_premium_per_pd * pd_annual * bears

    def accounts(
        self, bank: np.ndarray, credit: np.ndarray, width: int | None = None
    ) -> np.ndarray:
        """Accounts a loan draws on, shape ``(m, n_accounts)``: lender quota (or pool),
        credit sub-quota, and the pool's own account if it has one besides the quotas.

        With ``width`` (at least ``n_accounts``) the array has that many columns, the
        ones after these ``-1`` (none), for the caller to fill.
        """
        out = np.empty((bank.shape[0], width or self.n_accounts), dtype=np.int64)
        out.fill(-1)
        out[:, 0] = self.quota_ids[bank]
        if self.credit_id >= 0:
            out[credit, 1] = self.credit_id
        if self.extra_pool_id >= 0:
            out[:, 2] = self.extra_pool_id
        return out

    def open_lenders(self, ledger: Ledger) -> np.ndarray:
        """Whether each lender's quota (or the shared pool) is still open."""
        open_ = ~ledger.closed[self.quota_ids]
        if self.extra_pool_id >= 0 and ledger.closed[self.extra_pool_id]:
            open_[:] = False  # the pool itself is used up: no lender can lend from it
        return open_

    def loans_ended(self, model: Model, day: int, app: np.ndarray) -> None:
        """Give the amount of loans that ended back to the revolving accounts they drew on."""
        ledger = model.ledger
        if not ledger.is_revolving.any():
            return
        a = model.apps.cols
        acc = self.accounts(a["bank"][app], a["credit_loan"][app])
        amount = np.repeat(a["amount"][app], acc.shape[1])
        ledger.release(acc.ravel(), amount)

    def processes(self, model: Model) -> list[Process]:
        """The one-off reallocation of unused lender quotas, when the scenario sets its day,
        and the subsidy payments in arrears, when they are periodic."""
        out = []
        day = self.config.reallocation_day
        if day is not None:
            out.append(
                Process(
                    MEASURES_OFFSET + 0.03, lambda d: self.reallocate(model.ledger, d), days=[day]
                )
            )
        if self.payment_days.size:
            out.append(
                Process(
                    MEASURES_OFFSET + 0.035,
                    lambda d: self.pay_subsidy(model, d),
                    days=self.payment_days.tolist(),
                )
            )
        return out

    def scenario_changed(self, model: Model, day: int, paths: tuple[str, ...]) -> None:
        """Resize the accounts whose size the day's events changed (docs/model.md 7.17):
        the pool and each lender's quota by its share (``loan_pool.total``), the credit
        sub-quota, the subsidy appropriation."""
        self.config = self.scenario.loan_pool
        scale = self.scenario.population.scale
        ledger = model.ledger
        if "loan_pool.total" in paths:
            total = self.config.total
            if self.per_bank:
                named = len(self.scenario.banks.lenders)
                shares = list(model.lenders.quota_share[:named])
                g = self.scenario.banks.group
                if g is not None:
                    shares.append(g.quota_share)
                for account, share in zip(self.quota_accounts.tolist(), shares, strict=True):
                    ledger.resize(account, total * share / scale, day)
            if self.pool_id >= 0:
                ledger.resize(self.pool_id, total / scale, day)
        if "loan_pool.credit_sub_quota" in paths and self.credit_id >= 0:
            ledger.resize(self.credit_id, self.config.credit_sub_quota / scale, day)
        if "loan_pool.subsidy_budget" in paths and self.subsidy_id >= 0:
            ledger.resize(self.subsidy_id, self.config.subsidy_budget / scale, day)

    def loans_booked(self, model: Model, day: int, app: np.ndarray) -> None:
        """Pay the whole term's subsidy of the loans just approved (``at_approval``)."""
        if self.config.subsidy_payment != "at_approval":
            return
        due = model.apps.cols["subsidy"][app]
        self._pay(model, day, app[due > 0], due[due > 0])

    def pay_subsidy(self, model: Model, day: int) -> None:
        """Pay, in arrears, the subsidy accrued since the previous payment day."""
        k = int(np.searchsorted(self.payment_days, day))
        lo = int(self.payment_days[k - 1]) if k > 0 else 0
        a = model.apps.view()
        live = (
            (a["outcome"] == Outcome.APPROVED)
            & (a["subsidy"] > 0)
            & (a["decision_day"] < day)
            & (a["end_day"] > lo)
        )
        app = live.nonzero()[0]
        due = due_in_period(
            a["subsidy"][app] / self.config.term_days,
            a["decision_day"][app],
            a["end_day"][app],
            lo,
            day,
        )
        self._pay(model, day, app[due > 0], due[due > 0])

    def _pay(self, model: Model, day: int, app: np.ndarray, due: np.ndarray) -> None:
        """Draw ``due`` for loans ``app`` from the appropriation (if any); book what is paid."""
        if app.size == 0:
            return
        if self.subsidy_id >= 0:
            paid, _ = model.ledger.draw(np.full(app.size, self.subsidy_id), due, day)
        else:
            paid = np.ones(app.size, dtype=bool)
        a = model.apps.cols
        a["subsidy_paid"][app] += np.where(paid, due, 0.0)
        a["subsidy_unpaid"][app] += np.where(paid, 0.0, due)
        model.ts["subsidy_paid_amount"][day] += due[paid].sum()
        model.ts["subsidy_unpaid_amount"][day] += due[~paid].sum()

    def savings_by_firm(self, model: Model) -> dict[str, np.ndarray]:
        """Interest each firm saved on its approved loans."""
        a = model.apps.view()
        approved = a["outcome"] == Outcome.APPROVED
        interest = np.zeros(model.firms.n)
        np.add.at(interest, a["firm"][approved], a["interest_saving"][approved])
        return {"interest": interest}

    def savings_terms(self, model: Model) -> list[float]:
        """Interest firms saved on approved loans (rate concession plus subsidy)."""
        return [model.approved_sum("interest_saving")]

    def fiscal_terms(self, model: Model) -> tuple[list[float], list[float]]:
        """The interest subsidy paid by the city."""
        return [model.approved_sum("subsidy")], []

    def reallocate(self, ledger: Ledger, day: int) -> None:
        """Pool unused lender quotas and share them out in proportion to use so far.

        Every lender ends with a remaining quota proportional to what it has drawn, so
        lenders whose quota ran out reopen with a share of the spare quota. Transfers go
        from lenders above their target to those below, in lender order, and are recorded
        in the books, so the pool's total is unchanged.
        """
        if not self.per_bank:
            return
        ids = self.quota_accounts
        used = ledger.drawn[ids]
        # a target's level may be below zero: it has nothing to spare
        spare = np.maximum(ledger.level[ids], 0.0)
        pot = spare.sum()
        if pot <= 0 or used.sum() <= 0:
            return
        target = pot * used / used.sum()
        delta = target - spare
        givers = np.flatnonzero(delta < 0)
        takers = np.flatnonzero(delta > 0)
        for g in givers:
            amount = -delta[g]
            for t in takers:
                if amount <= 0:
                    break
                move = min(amount, delta[t])
                if move > 0:
                    ledger.transfer(int(ids[g]), int(ids[t]), move)
                    delta[t] -= move
                    amount -= move
