"""The reconciliation statement as of a date, and signing a period off.

The statement has a section per currency the records carry (currencies are never summed), each
computed in exact integer units until it is presented:

    adjusted statement balance = statement balance - open statement items + open ledger items
    adjusted ledger balance    = ledger balance + statement write-offs - ledger write-offs
    difference                 = adjusted statement balance - adjusted ledger balance

Open items and write-offs count when their record is booked on or before the date. The
statement balance is the statement source's stored closing balance (the latest on or before the
date, plus the statement's records booked after it up to the date), or one the user enters; the
ledger balance sums the ledger source's records booked up to the date, or is entered.

An owner signs a period off only when every currency's difference is exactly zero; the
statement is kept as signed, and decisions on records dated within the period lock
(tally.periods.locks) until the period is reopened with a reason. Both are audit events.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import structlog
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from tally.kit.errors import Conflict, NotFound, TallyError
from tally.kit.pagination import Cursor, read_all
from tally.kit.tasks import TaskQueue
from tally.matching.rules import AmountCondition, RuleSet
from tally.models import AuditEvent, DataSource, PeriodSignoff, Reconciliation, WriteOff
from tally.models.base import utcnow
from tally.money import format_amount, from_units, to_units
from tally.periods.locks import PeriodLocks
from tally.periods.repository import PeriodRepository
from tally.periods.schemas import (
    CurrencyStatement,
    ReconciliationStatement,
    SignoffCreate,
    SignoffDetail,
    SignoffRead,
    SignoffReopen,
    StatementInput,
    StatementLine,
    StatementSection,
    WriteOffLine,
    WriteOffSection,
)
from tally.projects.auth import ProjectAccess
from tally.reconciliations.repository import ReconciliationRepository
from tally.webhooks.emit import emit_period_signed_off

log = structlog.get_logger("tally.periods")


class StatementReconciliationNotFound(NotFound):
    """No such reconciliation in this project."""


class SignoffNotFound(NotFound):
    """No such sign-off of this reconciliation."""


class PeriodNotBalanced(Conflict):
    """The statement's difference is not zero (or its balance is unknown): it cannot be signed."""


class PeriodAlreadySigned(Conflict):
    """A standing sign-off already covers this date; reopen it first."""


class SignoffAlreadyReopened(Conflict):
    """This sign-off was reopened already."""


class PeriodService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = PeriodRepository(session)
        self.locks = PeriodLocks(session)

    async def statement(
        self, access: ProjectAccess, reconciliation_id: int, data: StatementInput
    ) -> ReconciliationStatement:
        """The reconciliation statement as of ``data.as_of_date``, exact to the unit."""
        reconciliation = await self._reconciliation(access, reconciliation_id)
        statement = await self._statement(reconciliation, data)
        standing = await self.locks.signed_through(reconciliation.id)
        if standing is not None and data.as_of_date <= standing.as_of_date:
            signer = await self.repository.email(standing.signed_by_id)
            statement.signed_off = _read(standing, signer)
        return statement

    async def sign_off(
        self,
        access: ProjectAccess,
        reconciliation_id: int,
        data: SignoffCreate,
        queue: TaskQueue,
    ) -> SignoffDetail:
        """Sign the period to ``as_of_date`` off (owners): refused unless the difference is
        exactly zero. The statement is kept as signed; decisions dated within it lock; the
        project's webhooks hear of it once this transaction commits."""
        reconciliation = await self._reconciliation(access, reconciliation_id)
        # One sign-off at a time per reconciliation: its row lock (SQLite: one writer anyway).
        await self._lock(reconciliation.id)
        standing = await self.locks.signed_through(reconciliation.id)
        if standing is not None and data.as_of_date <= standing.as_of_date:
            raise PeriodAlreadySigned(
                f"The period to {standing.as_of_date.isoformat()} is signed off already "
                f"(sign-off {standing.id})",
                signoff_id=standing.id,
            )
        statement = await self._statement(reconciliation, data)
        if not statement.balanced:
            why = "; ".join(
                f"{section.currency or 'no currency'}: "
                + (
                    "the statement balance is unknown: enter it"
                    if section.difference is None
                    else f"the unexplained difference is {section.difference}, not zero"
                )
                for section in statement.currencies
                if section.difference != 0
            )
            raise PeriodNotBalanced(
                f"The period to {data.as_of_date.isoformat()} cannot be signed off: {why}",
                statement=statement.model_dump(mode="json"),
            )
        signoff = await self.repository.add(
            PeriodSignoff(
                project_id=access.project_id,
                reconciliation_id=reconciliation.id,
                as_of_date=data.as_of_date,
                statement=statement.model_dump(mode="json"),
                signed_by_id=access.principal.user_id,
                signed_at=utcnow(),
            )
        )
        self._audit(
            access,
            "period.signed_off",
            signoff,
            as_of_date=data.as_of_date.isoformat(),
            balances={
                section.currency or "": {
                    "statement": str(section.statement_balance),
                    "ledger": str(section.ledger_balance),
                }
                for section in statement.currencies
            },
        )
        await self.session.flush()
        await emit_period_signed_off(
            self.session,
            queue,
            access.project_id,
            period_id=signoff.id,
            as_of=data.as_of_date,
            signed_off_by=signoff.signed_by_id,
            signed_off_at=signoff.signed_at,
            statement=signoff.statement,
        )
        log.info("periods.signed_off", signoff_id=signoff.id, as_of=str(data.as_of_date))
        return self._detail(signoff, access.principal.email)

    async def reopen(
        self, access: ProjectAccess, reconciliation_id: int, signoff_id: int, data: SignoffReopen
    ) -> SignoffDetail:
        """Reopen a signed-off period (owners), with a reason: its decisions unlock."""
        reconciliation = await self._reconciliation(access, reconciliation_id)
        found = await self.repository.signoff(reconciliation.id, signoff_id)
        if found is None:
            raise SignoffNotFound(f"Sign-off {signoff_id} not found for this reconciliation")
        signoff, email = found
        if signoff.reopened_at is not None:
            raise SignoffAlreadyReopened(f"Sign-off {signoff_id} was reopened already")
        signoff.reopened_at = utcnow()
        signoff.reopened_by_id = access.principal.user_id
        signoff.reopen_reason = data.reason
        self._audit(
            access,
            "period.reopened",
            signoff,
            as_of_date=signoff.as_of_date.isoformat(),
            reason=data.reason,
        )
        await self.session.flush()
        return self._detail(signoff, email)

    async def page_signoffs(
        self, access: ProjectAccess, reconciliation_id: int, cursor: Cursor
    ) -> tuple[list[SignoffRead], bool]:
        """A page of the reconciliation's sign-offs, newest first, and whether more follow."""
        reconciliation = await self._reconciliation(access, reconciliation_id)
        rows, has_more = await self.repository.page_signoffs(reconciliation.id, cursor)
        return [_read(s, email) for s, email in rows], has_more

    async def list_signoffs(
        self, access: ProjectAccess, reconciliation_id: int
    ) -> list[SignoffRead]:
        """Every sign-off of the reconciliation, newest first."""
        return await read_all(
            lambda cursor: self.page_signoffs(access, reconciliation_id, cursor),
            lambda signoff: signoff.id,
        )

    async def get_signoff(
        self, access: ProjectAccess, reconciliation_id: int, signoff_id: int
    ) -> SignoffDetail:
        reconciliation = await self._reconciliation(access, reconciliation_id)
        found = await self.repository.signoff(reconciliation.id, signoff_id, for_update=False)
        if found is not None:
            return self._detail(*found)
        raise SignoffNotFound(f"Sign-off {signoff_id} not found for this reconciliation")

    # --- the statement -------------------------------------------------------------------------

    async def _statement(
        self, reconciliation: Reconciliation, data: StatementInput
    ) -> ReconciliationStatement:
        through = data.as_of_date
        bank = await self.repository.source(reconciliation.left_source_id)
        ledger = await self.repository.source(reconciliation.right_source_id)
        assert bank is not None and ledger is not None  # a reconciliation goes with its sources
        sign = _ledger_sign(await self.repository.job_rules(reconciliation.latest_job_id))
        bank_booked = await self.repository.booked_totals(bank.id, None, through)
        ledger_booked = await self.repository.booked_totals(ledger.id, None, through)
        open_bank = await self.repository.open_totals(reconciliation.id, "left", through)
        open_ledger = await self.repository.open_totals(reconciliation.id, "right", through)
        write_offs = await self.repository.write_offs(reconciliation.id, through)
        closings = _latest_closings(bank.statement, through)
        found = (
            set(bank_booked)
            | set(ledger_booked)
            | set(open_bank)
            | set(open_ledger)
            | {w.currency for w in write_offs}
            | set(data.statement_balances)
            | set(data.ledger_balances)
            | {currency for currency in closings if currency is not None}
        )
        currencies = sorted(found, key=lambda code: code or "") or [None]
        entered_statement = _entered(data.statement_balance, data.statement_balances, currencies)
        entered_ledger = _entered(data.ledger_balance, data.ledger_balances, currencies)
        sections = []
        for currency in currencies:
            if currency in entered_statement:
                statement_units: int | None = entered_statement[currency]
                statement_basis = "entered"
            else:
                closing = closings.get(currency) or (
                    closings.get(None) if len(currencies) == 1 else None
                )
                statement_units, statement_basis = await self._closing(
                    bank, closing, currency, through
                )
            if currency in entered_ledger:
                ledger_units, ledger_basis = entered_ledger[currency], "entered"
            else:
                ledger_units = sign * ledger_booked.get(currency, 0)
                ledger_basis = f"the ledger's records booked up to {through.isoformat()}"
            bank_units, bank_section = await self._section(
                reconciliation.id, "left", through, 1, currency, open_bank.get(currency)
            )
            ledger_open_units, ledger_section = await self._section(
                reconciliation.id, "right", through, sign, currency, open_ledger.get(currency)
            )
            offs = [w for w in write_offs if w.currency == currency]
            bank_off_units, bank_offs = _write_off_section(
                [w for w in offs if w.side == "left"], 1, currency
            )
            ledger_off_units, ledger_offs = _write_off_section(
                [w for w in offs if w.side == "right"], sign, currency
            )
            adjusted_ledger = ledger_units + bank_off_units - ledger_off_units
            adjusted_statement = difference = None
            if statement_units is not None:
                adjusted_statement = statement_units - bank_units + ledger_open_units
                difference = adjusted_statement - adjusted_ledger
            sections.append(
                CurrencyStatement(
                    currency=currency,
                    statement_balance=_money(statement_units),
                    statement_balance_basis=statement_basis,
                    ledger_balance=from_units(ledger_units),
                    ledger_balance_basis=ledger_basis,
                    open_statement_items=bank_section,
                    open_ledger_items=ledger_section,
                    statement_write_offs=bank_offs,
                    ledger_write_offs=ledger_offs,
                    adjusted_statement_balance=_money(adjusted_statement),
                    adjusted_ledger_balance=from_units(adjusted_ledger),
                    difference=_money(difference),
                )
            )
        return ReconciliationStatement(
            reconciliation_id=reconciliation.id,
            as_of_date=through,
            statement_source=bank.name,
            ledger_source=ledger.name,
            ledger_sign=sign,
            currencies=sections,
            balanced=all(section.difference == 0 for section in sections),
        )

    async def _closing(
        self,
        bank: DataSource,
        closing: tuple[date, int, str] | None,
        currency: str | None,
        through: date,
    ) -> tuple[int | None, str]:
        """A currency's statement balance from the latest stored closing balance on or before
        ``through``, plus the statement's records in that currency booked after it."""
        if closing is None:
            return None, "none stored on or before this date: enter it"
        on, units, name = closing
        after = (await self.repository.booked_totals(bank.id, on, through)).get(currency, 0)
        basis = f"closing balance of statement {name} on {on.isoformat()}"
        if on != through:
            basis += f", plus {format_amount(after, currency)} booked after it"
        return units + after, basis

    async def _section(
        self,
        reconciliation_id: int,
        side: str,
        through: date,
        sign: int,
        currency: str | None,
        totals: tuple[int, int] | None,
    ) -> tuple[int, StatementSection]:
        """A side's open items in one currency: their signed total in units, and the section."""
        count, amount = totals or (0, 0)
        listed = await self.repository.open_lines(reconciliation_id, side, through, currency)
        lines = [
            StatementLine(
                record_id=record.id,
                reference=record.reference,
                booking_date=record.booking_date,
                description=record.description,
                amount=format_amount(sign * record.amount, record.currency),
                currency=record.currency,
                exception_id=item.id if item else None,
                exception_status=item.status if item else None,
                resolution=item.resolution if item else None,
                expected_clear_date=item.expected_clear_date if item else None,
            )
            for record, item in listed
        ]
        section = StatementSection(
            count=count,
            amount=format_amount(sign * amount, currency),
            currency=currency,
            lines=lines,
        )
        return sign * amount, section

    # --- helpers -------------------------------------------------------------------------------

    async def _reconciliation(
        self, access: ProjectAccess, reconciliation_id: int
    ) -> Reconciliation:
        found = await self.repository.reconciliation(access.project_id, reconciliation_id)
        if found is None:
            raise StatementReconciliationNotFound(
                f"Reconciliation {reconciliation_id} not found in this project"
            )
        return found

    async def _lock(self, reconciliation_id: int) -> None:
        await ReconciliationRepository(self.session).lock(reconciliation_id)

    def _audit(
        self, access: ProjectAccess, action: str, signoff: PeriodSignoff, **detail: Any
    ) -> None:
        self.session.add(
            AuditEvent(
                project_id=signoff.project_id,
                actor_id=access.principal.user_id,
                action=action,
                target=f"signoff:{signoff.id}",
                detail={"reconciliation_id": signoff.reconciliation_id, **detail},
            )
        )

    def _detail(self, signoff: PeriodSignoff, email: str | None) -> SignoffDetail:
        return SignoffDetail(
            **_read(signoff, email).model_dump(),
            statement=ReconciliationStatement.model_validate(signoff.statement),
        )


def _read(signoff: PeriodSignoff, email: str | None) -> SignoffRead:
    return SignoffRead(
        id=signoff.id,
        reconciliation_id=signoff.reconciliation_id,
        as_of_date=signoff.as_of_date,
        signed_by_id=signoff.signed_by_id,
        signed_by_email=email,
        signed_at=signoff.signed_at,
        reopened_at=signoff.reopened_at,
        reopened_by_id=signoff.reopened_by_id,
        reopen_reason=signoff.reopen_reason,
        # Signed only when every currency's difference was zero.
        difference=Decimal(0),
    )


def _money(units: int | None) -> Decimal | None:
    return None if units is None else from_units(units)


def _write_off_section(
    write_offs: list[WriteOff], sign: int, currency: str | None
) -> tuple[int, WriteOffSection]:
    """One side's standing write-offs in one currency: their signed total in units, and the
    section."""
    total = sign * sum(w.amount for w in write_offs)
    return total, WriteOffSection(
        count=len(write_offs),
        amount=format_amount(total, currency),
        currency=currency,
        lines=[
            WriteOffLine(
                write_off_id=w.id,
                exception_id=w.exception_id,
                record_id=w.record_id,
                booking_date=w.booking_date,
                amount=format_amount(sign * w.amount, w.currency),
                currency=w.currency,
                reason=w.reason,
                account=w.account,
            )
            for w in write_offs
        ],
    )


class BalanceNeedsCurrency(TallyError):
    """A single entered balance for a reconciliation in several currencies: enter one per
    currency."""

    status_code = 422


def _entered(
    single: Decimal | None, per_currency: dict[str, Decimal], currencies: list[str | None]
) -> dict[str | None, int]:
    """Entered balances in units by currency: the per-currency ones, or the single one when the
    reconciliation holds one currency."""
    entered: dict[str | None, int] = {code: to_units(v) for code, v in per_currency.items()}
    if single is not None:
        if len(currencies) != 1:
            named = ", ".join(code or "none" for code in currencies)
            raise BalanceNeedsCurrency(
                f"This reconciliation holds several currencies ({named}): enter a balance per "
                "currency"
            )
        entered.setdefault(currencies[0], to_units(single))
    return entered


def _latest_closings(
    stored: dict[str, Any] | None, through: date
) -> dict[str | None, tuple[date, int, str]]:
    """Per currency, the latest closing balance a statement file gave on or before ``through``:
    (its date, units, statement id). Statements without a closing balance or an end date are
    skipped; a statement naming no currency is keyed None."""
    best: dict[str | None, tuple[date, int, str]] = {}
    for summary in (stored or {}).get("statements") or []:
        closing, to_date = summary.get("closing_balance"), summary.get("to_date")
        if closing is None or to_date is None:
            continue
        on = date.fromisoformat(to_date)
        currency = summary.get("currency") or None
        known = best.get(currency)
        if on <= through and (known is None or on >= known[0]):
            name = str(summary.get("statement_id") or summary.get("index"))
            best[currency] = (on, to_units(closing), name)
    return best


def _ledger_sign(rules: dict[str, Any] | None) -> int:
    """-1 when the reconciliation's rules compare ledger amounts with opposite signs."""
    try:
        rule_set = RuleSet.model_validate(rules or {})
    except ValidationError:
        return 1
    signs = {
        c.sign_factor
        for rule in rule_set.rules
        for c in rule.conditions
        if isinstance(c, AmountCondition)
    }
    return -1 if signs == {-1} else 1
