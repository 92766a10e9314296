"""Rule suggestions: what repeated manual matches (and confirmed suggestions) have in common,
across a project's past jobs, proposed as human-readable rules and measured on each job's records.

For the reviewed pairs the rules did not settle on their own, pooled over the jobs,
:func:`propose_rules` looks for a shared key — the references equal after normalising, or one
side's reference written inside the other side's description — and for the amount and date spread
of the pairs sharing it (a constant fee, a percentage, a number of days). Each pattern seen in at
least ``min_support`` pairs (of any jobs: once in each of three jobs is repeated too) becomes a
one-rule proposal, which is then run alone over each job's two record sets: its coverage is how
many of the pairs it finds, its precision how many of the pairs it proposes reviewers accepted,
against those they rejected or matched otherwise — per job and over all of them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from decimal import Decimal

import polars as pl

from tally.matching.backtest import predicted_pairs
from tally.matching.engine import reconcile
from tally.matching.fields import INPUT_COLUMNS, normalise
from tally.matching.rules import DerivedField, Rule, RuleSet
from tally.money import format_units

MIN_SUPPORT = 3  # "repeated": a pattern seen in at least this many reviewed pairs
REFERENCE_NORMALISERS = ("case", "whitespace", "punctuation", "leading_zeros")
_NORMALISER_WORDS = "case, spaces, punctuation and leading zeros"
_KEY = ["left_id", "right_id"]
_PCT_PLACES = 2  # percentage tolerances are proposed to 0.01 %
_MAX_WINDOW_DAYS = 366


@dataclass(frozen=True)
class JobReview:
    """One past job as suggestions learn from it: its two record frames (``INPUT_COLUMNS``) and
    its reviewers' decisions as (``left_id``, ``right_id``) pairs.

    ``learned``: the manual matches and confirmed suggestions (what the rules did not settle);
    ``positives``: every confirmed or manual pair; ``negatives``: the rejected pairs.
    """

    job_id: int
    left: pl.DataFrame
    right: pl.DataFrame
    learned: pl.DataFrame
    positives: pl.DataFrame
    negatives: pl.DataFrame


@dataclass(frozen=True)
class RuleFigures:
    """How a proposed rule does on some records.

    ``pairs``: the reviewed pairs learned from; ``found``: those the rule finds when run alone.
    Of the ``predicted`` pairs, ``confirmed`` were accepted by reviewers, ``rejected`` rejected,
    ``conflicting`` use a record reviewers matched with another one, the rest nobody decided on.
    """

    pairs: int
    found: int
    predicted: int
    confirmed: int
    rejected: int
    conflicting: int

    @property
    def coverage(self) -> float:
        return self.found / self.pairs if self.pairs else 0.0

    @property
    def precision(self) -> float | None:
        decided = self.confirmed + self.rejected + self.conflicting
        return self.confirmed / decided if decided else None

    def __add__(self, other: RuleFigures) -> RuleFigures:
        return RuleFigures(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )


@dataclass(frozen=True)
class RuleProposal:
    """One proposed rule (with the derived fields it reads), the number of learned pairs showing
    its pattern (``support``), and its figures on each job (``by_job``, in the jobs' order)."""

    rule: Rule
    derived_fields: tuple[DerivedField, ...]
    description: str
    support: int
    by_job: tuple[tuple[int, RuleFigures], ...]

    @property
    def overall(self) -> RuleFigures:
        """The figures of all the jobs together (a pair reviewed in two jobs counts in each)."""
        total = RuleFigures(0, 0, 0, 0, 0, 0)
        for _, figures in self.by_job:
            total += figures
        return total


@dataclass(frozen=True)
class _Pattern:
    name: str
    key_text: str  # how the key reads, e.g. "reference equal after normalising ..."
    key_conditions: list[dict[str, object]]
    derived: tuple[DerivedField, ...]
    support: pl.DataFrame  # the facts of the pairs showing it


def propose_rules(
    jobs: Sequence[JobReview], *, min_support: int = MIN_SUPPORT
) -> list[RuleProposal]:
    """Rules that would have found the ``learned`` pairs of ``jobs``, pooled.

    Every job's decisions count wherever its records appear (record ids are unique across jobs):
    a pair rejected in one job counts against a rule that predicts it on another job's records.
    Proposals come most specific first: equal references, a reference inside the description,
    then amount and date alone for pairs without a shared key.
    """
    if not jobs:
        return []
    facts = _with_gaps(pl.concat([_joined(job) for job in jobs]))
    if facts.height < min_support:
        return []
    patterns: list[_Pattern] = []
    remaining = facts
    for finder in (_equal_references, _reference_in_description):
        pattern = finder(remaining)
        if pattern is not None and pattern.support.height >= min_support:
            patterns.append(pattern)
            remaining = remaining.join(pattern.support.select(_KEY), on=_KEY, how="anti")
    if remaining.height >= min_support:
        patterns.append(_Pattern("amount_date", "", [], (), remaining))
    accepted = pl.concat([_pairs(job.positives) for job in jobs]).unique()
    rejected = (
        pl.concat([_pairs(job.negatives) for job in jobs])
        .unique()
        .join(accepted, on=_KEY, how="anti")
    )
    proposals = []
    for pattern in patterns:
        rule, description = _proposal_rule(pattern)
        rule_set = RuleSet(rules=[rule], derived_fields=list(pattern.derived))
        proposals.append(
            RuleProposal(
                rule=rule,
                derived_fields=pattern.derived,
                description=description,
                support=pattern.support.height,
                by_job=tuple(
                    (job.job_id, _measure(rule_set, job, accepted, rejected)) for job in jobs
                ),
            )
        )
    return proposals


_FACT_COLUMNS = [c for c in INPUT_COLUMNS if c != "extra"]


def _joined(job: JobReview) -> pl.DataFrame:
    """One row per learned pair of the job with both records' fields (``l_*``, ``r_*``)."""
    sides = [
        frame.select(_FACT_COLUMNS).rename({c: f"{prefix}_{c}" for c in _FACT_COLUMNS})
        for frame, prefix in ((job.left, "l"), (job.right, "r"))
    ]
    return (
        _pairs(job.learned)
        .join(sides[0], left_on="left_id", right_on="l_id")
        .join(sides[1], left_on="right_id", right_on="r_id")
    )


def _with_gaps(facts: pl.DataFrame) -> pl.DataFrame:
    """The pairs' amount and date gaps, with the sign convention most of them follow."""
    # Opposite signs (a bank debit against a ledger credit) when most pairs read that way.
    opposite = (
        facts.height > 0
        and facts.filter((pl.col("l_amount") * pl.col("r_amount")) < 0).height * 2 > facts.height
    )
    right_amount = -pl.col("r_amount") if opposite else pl.col("r_amount")
    larger = pl.max_horizontal(pl.col("l_amount").abs(), right_amount.abs())
    return facts.with_columns(
        (right_amount - pl.col("l_amount")).alias("amount_gap"),
        (
            (right_amount - pl.col("l_amount")).abs() * 1_000_000 // pl.max_horizontal(larger, 1)
        ).alias("gap_ppm"),
        (pl.col("r_booking_date") - pl.col("l_booking_date")).dt.total_days().alias("day_gap"),
        pl.lit("opposite" if opposite else "same").alias("sign"),
    )


def _equal_references(facts: pl.DataFrame) -> _Pattern | None:
    norms = REFERENCE_NORMALISERS
    equal = facts.filter(
        normalise(pl.col("l_reference"), norms) == normalise(pl.col("r_reference"), norms)
    )
    if equal.height == 0:
        return None
    condition: dict[str, object] = {
        "type": "equals",
        "field": "reference",
        "normalisers": list(norms),
    }
    text = f"reference equal after normalising {_NORMALISER_WORDS}"
    return _Pattern("reference", text, [condition], (), equal)


def _reference_in_description(facts: pl.DataFrame) -> _Pattern | None:
    """One side's reference written inside the other side's description (the larger group)."""
    best: _Pattern | None = None
    for ref_side, text_side, word in (("r", "l", "left"), ("l", "r", "right")):
        squeeze = ("case", "whitespace", "punctuation")
        inside = facts.filter(
            normalise(pl.col(f"{text_side}_description"), squeeze).str.contains(
                normalise(pl.col(f"{ref_side}_reference"), squeeze), literal=True
            )
        )
        if inside.height == 0 or (best is not None and inside.height <= best.support.height):
            continue
        references = inside[f"{ref_side}_reference"].drop_nulls().to_list()
        derived = DerivedField(
            name=f"reference_in_{word}_description",
            source="description",
            pattern=_reference_pattern(references),
            normalisers=REFERENCE_NORMALISERS,
            multiple=True,
        )
        condition: dict[str, object] = {
            "type": "equals",
            "normalisers": list(REFERENCE_NORMALISERS),
            **(
                {"field": derived.name, "right_field": "reference"}
                if text_side == "l"
                else {"field": "reference", "right_field": derived.name}
            ),
        }
        other = "right" if word == "left" else "left"
        text = (
            f"the {other} reference appears in the {word} description (pattern "
            f"{derived.pattern}), equal after normalising {_NORMALISER_WORDS}"
        )
        best = _Pattern(f"reference_in_{word}_description", text, [condition], (derived,), inside)
    return best


def _reference_pattern(references: list[str]) -> str:
    """A regex for references shaped like these: their common letter prefix, then digits."""
    prefixes = {re.match(r"[A-Za-z]*", r.strip()).group(0).upper() for r in references}  # type: ignore[union-attr]
    digits = [len(re.sub(r"\D", "", r)) for r in references]
    low, high = max(1, min(digits, default=1)), max(max(digits, default=1), 1)
    prefix = prefixes.pop() if len(prefixes) == 1 else ""
    lead = f"{re.escape(prefix)}[-_ /.]?" if prefix else ""
    return rf"(?i)\b(?P<value>{lead}\d{{{low},{high}}})\b"


def _proposal_rule(pattern: _Pattern) -> tuple[Rule, str]:
    support = pattern.support
    gaps = support["amount_gap"]
    constant = gaps.n_unique() == 1 and gaps[0] != 0
    sign = str(support["sign"][0])
    amount: dict[str, object] = {"type": "amount", "abs_tolerance": "0", "sign": sign}
    if constant:
        fee = int(gaps[0])
        amount["abs_tolerance"] = format_units(abs(fee))
        amount_text = f"amounts differ by a constant {format_units(fee)} (a fee?)"
    elif int(support.select(pl.col("amount_gap").abs().max()).item() or 0) == 0:
        amount_text = "amounts equal"
    else:
        worst = int(support.select(pl.col("gap_ppm").max()).item() or 0)
        places = 10**_PCT_PLACES
        pct = Decimal(math.ceil(worst * places / 10_000)) / places  # ppm -> %, rounded up
        amount["pct_tolerance"] = str(pct)
        amount_text = f"amounts within {pct} %"
    if sign == "opposite":
        amount_text += " (opposite signs)"
    days = support["day_gap"].drop_nulls()
    window = min(
        int(days.abs().to_frame().max().item() or 0) if days.len() else 0, _MAX_WINDOW_DAYS
    )
    date = {"type": "date", "window_days": window}
    date_text = "same day" if window == 0 else f"dates within {window} day{'s' * (window > 1)}"
    rule = Rule.model_validate(
        {
            "name": f"suggested_{pattern.name}",
            "conditions": [*pattern.key_conditions, amount, date],
        }
    )
    return rule, "; ".join(t for t in (pattern.key_text, amount_text, date_text) if t)


def _measure(
    rule_set: RuleSet, job: JobReview, accepted: pl.DataFrame, rejected: pl.DataFrame
) -> RuleFigures:
    """The rule set run alone over the job's records, scored against every job's decisions."""
    predicted = predicted_pairs(reconcile(job.left, job.right, rule_set))
    undecided = predicted.join(accepted, on=_KEY, how="anti").join(rejected, on=_KEY, how="anti")
    conflicting = undecided.filter(
        pl.col("left_id").is_in(accepted["left_id"].implode())
        | pl.col("right_id").is_in(accepted["right_id"].implode())
    )
    learned = _pairs(job.learned)
    return RuleFigures(
        pairs=learned.height,
        found=learned.join(predicted, on=_KEY, how="semi").height,
        predicted=predicted.height,
        confirmed=predicted.join(accepted, on=_KEY, how="semi").height,
        rejected=predicted.join(rejected, on=_KEY, how="semi").height,
        conflicting=conflicting.height,
    )


def _pairs(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(pl.col("left_id").cast(pl.Int64), pl.col("right_id").cast(pl.Int64)).unique(
        maintain_order=True
    )
