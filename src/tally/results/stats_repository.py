"""The SQL of a job's totals (per side, per match category and status), the project's stored
stats and the decision counts of the quality report."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tally.models import Match, MatchCategory, MatchRecord, MatchStatus, ProjectStats, Record
from tally.models.base import utcnow

# Statuses under which a match's records count as reconciled.
SETTLED_STATUSES = (MatchStatus.AUTO, MatchStatus.CONFIRMED, MatchStatus.MANUAL)
SIDE_TOTALS = ("records", "claimed", "matched", "unmatched", "matched_amount", "unmatched_amount")
# (rule, rule_index, origin, status, count): the quality report's counts of a job's matches.
Decision = tuple[str, int, str, str, int]
# Ids bound in one IN list (a bulk review's records): under SQLite's 32,766 and PostgreSQL's
# 65,535 parameters, twice over (side_totals binds its ids twice).
ID_CHUNK = 10_000


class StatsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def job_totals(
        self, job_id: int, left_source_id: int, right_source_id: int
    ) -> dict[str, Any]:
        """Per-side record counts and amounts, settled vs open, straight from the stored results."""
        sides: dict[str, dict[str, Any]] = dict(
            await self.side_totals(job_id, left_source_id, right_source_id)
        )
        currencies = await self.source_currencies((left_source_id, right_source_id))
        sides["left"] = {**sides["left"], "currency": currencies.get(left_source_id)}
        sides["right"] = {**sides["right"], "currency": currencies.get(right_source_id)}
        return {**sides, "matches": await self.match_counts(job_id)}

    async def source_currencies(self, source_ids: Collection[int]) -> dict[int, str | None]:
        """The one currency each source's records name (tally.money.single_currency)."""
        rows = await self.session.execute(
            select(Record.data_source_id, func.min(Record.currency), func.max(Record.currency))
            .where(Record.data_source_id.in_(source_ids))
            .group_by(Record.data_source_id)
        )
        return {source: low if low == high else None for source, low, high in rows}

    async def side_totals(
        self,
        job_id: int,
        left_source_id: int,
        right_source_id: int,
        record_ids: Collection[int] | None = None,
    ) -> dict[str, dict[str, Any]]:
        """``left``/``right``: records; claimed (held by a match: not in the unmatched tabs);
        matched (settled) and unmatched, and their amounts; ``by_currency`` the same per
        currency the records name ("" for none), since amounts of two currencies never add.

        One pass: a record has at most one claiming link per job (the partial unique index), so
        joining the claiming links needs no grouping. With ``record_ids``, only those records
        are counted: a review change measures the records it touches before and after, and
        applies the difference to the stored totals.
        """
        if record_ids is not None and len(record_ids) > ID_CHUNK:
            ids = list(record_ids)
            parts = [
                await self.side_totals(
                    job_id, left_source_id, right_source_id, ids[offset : offset + ID_CHUNK]
                )
                for offset in range(0, len(ids), ID_CHUNK)
            ]
            return {side: _added([part[side] for part in parts]) for side in ("left", "right")}
        settles = and_(Match.category == MatchCategory.MATCHED, Match.status.in_(SETTLED_STATUSES))
        claimed: ColumnElement[Any]
        settled: ColumnElement[Any]
        if record_ids is None:
            claims = (
                select(MatchRecord.record_id, case((settles, 1), else_=0).label("settled"))
                .join(Match, and_(Match.job_id == job_id, Match.id == MatchRecord.match_id))
                .where(MatchRecord.job_id == job_id, MatchRecord.claims)
                .subquery()
            )
            claimed, settled = claims.c.record_id, claims.c.settled
            records = select(Record).outerjoin(claims, claimed == Record.id)
        else:
            # From the given records: a primary-key lookup each, then their claiming link (the
            # partial unique index on job and record) and its match. The subquery above, joined
            # to a list of ids, made SQLite scan both sources (4 s for a 2,400-record review).
            claimed, settled = MatchRecord.record_id.expression, case((settles, 1), else_=0)
            records = (
                select(Record)
                .outerjoin(
                    MatchRecord,
                    and_(
                        MatchRecord.job_id == job_id,
                        MatchRecord.record_id == Record.id,
                        MatchRecord.claims,
                    ),
                )
                .outerjoin(Match, and_(Match.job_id == job_id, Match.id == MatchRecord.match_id))
                .where(Record.id.in_(record_ids))
            )
        is_settled = settled == 1
        statement = (
            records.with_only_columns(
                Record.data_source_id,
                Record.currency,
                func.count().label("records"),
                func.count(claimed).label("claimed"),
                func.coalesce(func.sum(settled), 0).label("matched"),
                func.coalesce(
                    func.sum(case((is_settled, func.abs(Record.amount)), else_=0)), 0
                ).label("matched_amount"),
                func.coalesce(
                    func.sum(case((is_settled, 0), else_=func.abs(Record.amount))), 0
                ).label("unmatched_amount"),
            )
            .where(Record.data_source_id.in_((left_source_id, right_source_id)))
            .group_by(Record.data_source_id, Record.currency)
        )
        groups: dict[int, dict[str, dict[str, int]]] = {}
        for row in await self.session.execute(statement):
            by_currency = groups.setdefault(row.data_source_id, {})
            figures = by_currency.setdefault(row.currency or "", dict.fromkeys(SIDE_TOTALS, 0))
            for key, value in (
                ("records", row.records),
                ("claimed", row.claimed),
                ("matched", row.matched),
                ("unmatched", row.records - row.matched),
                ("matched_amount", row.matched_amount),
                ("unmatched_amount", row.unmatched_amount),
            ):
                figures[key] += int(value)

        def side(source_id: int) -> dict[str, Any]:
            by_currency = groups.get(source_id, {})
            totals = {key: sum(f[key] for f in by_currency.values()) for key in SIDE_TOTALS}
            return {**totals, "by_currency": by_currency}

        return {"left": side(left_source_id), "right": side(right_source_id)}

    async def match_counts(self, job_id: int) -> dict[str, int]:
        """Matches per ``category:status`` (an index-only scan of the job's matches)."""
        by_status = await self.session.execute(
            select(Match.category, Match.status, func.count())
            .where(Match.job_id == job_id)
            .group_by(Match.category, Match.status)
        )
        return {f"{category}:{status}": int(n) for category, status, n in by_status}

    async def save_project_stats(
        self, project_id: int, job_id: int, totals: dict[str, Any]
    ) -> ProjectStats:
        left, right = totals["left"], totals["right"]
        records = left["records"] + right["records"]
        matched = left["matched"] + right["matched"]
        stats = await self.session.get(ProjectStats, project_id)
        if stats is None:
            stats = ProjectStats(project_id=project_id)
            self.session.add(stats)
        stats.last_job_id = job_id
        stats.matched_count = matched
        stats.unmatched_count = records - matched
        # Matched money is counted once (the left side); open items on both sides are each owed.
        stats.matched_amount = left["matched_amount"]
        stats.unmatched_amount = left["unmatched_amount"] + right["unmatched_amount"]
        stats.match_rate = matched / records if records else 0.0
        stats.detail = totals
        stats.computed_at = utcnow()
        await self.session.flush()
        return stats

    async def stats_job_id(self, project_id: int) -> int | None:
        """The job the project's stored stats describe (None without stats)."""
        return await self.session.scalar(
            select(ProjectStats.last_job_id).where(ProjectStats.project_id == project_id)
        )

    async def decision_counts(
        self, job_id: int, match_ids: Collection[int] | None = None
    ) -> list[Decision]:
        """(rule, rule_index, origin, status, count) over the job's matches, or only over
        ``match_ids``: a review counts the matches it touches before and after, and applies the
        difference to the stored counts."""
        if match_ids is not None and len(match_ids) > ID_CHUNK:
            ids = list(match_ids)
            return [  # moved_decisions adds up rows of the same key
                row
                for offset in range(0, len(ids), ID_CHUNK)
                for row in await self.decision_counts(job_id, ids[offset : offset + ID_CHUNK])
            ]
        statement = (
            select(Match.rule, Match.rule_index, Match.origin, Match.status, func.count())
            .where(Match.job_id == job_id)
            .group_by(Match.rule, Match.rule_index, Match.origin, Match.status)
            .order_by(Match.rule_index, Match.rule)
        )
        if match_ids is not None:
            statement = statement.where(Match.id.in_(match_ids))
        rows = await self.session.execute(statement)
        return [(r, int(i), o, s, int(n)) for r, i, o, s, n in rows]


def _added(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """One side's totals of several record sets, added (overall and per currency)."""
    by_currency: dict[str, dict[str, int]] = {}
    for part in parts:
        for code, figures in part["by_currency"].items():
            into = by_currency.setdefault(code, dict.fromkeys(SIDE_TOTALS, 0))
            for key in SIDE_TOTALS:
                into[key] += figures[key]
    totals = {key: sum(part[key] for part in parts) for key in SIDE_TOTALS}
    return {**totals, "by_currency": by_currency}
