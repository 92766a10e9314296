"""``reconcile``: run a rule set over two record frames and categorise every record.

Phases: prepare (validate, sort by id) -> for each rule in priority order: candidates, scoring,
exclusive assignment (or the sum search for grouped rules), consuming the records it matched ->
discrepancies among what is left -> duplicates within each side -> assemble the result.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import polars as pl

from tally.matching.assignment import AMBIGUOUS, AssignmentStats, Strategy, assign
from tally.matching.candidates import (
    AMOUNT,
    DATE,
    CandidateStats,
    IntArray,
    Limits,
    pair_candidates,
)
from tally.matching.conditions import (
    SCORE_SCALE,
    as_int_array,
    block_spec,
    evaluate,
    pair_evidence_expr,
    pair_frame,
    soft_score_expr,
    work_frames,
)
from tally.matching.duplicates import find_duplicates
from tally.matching.fields import ROW, prepare_side
from tally.matching.groups import EdgeValues, GroupOutcome, group_evidence, search_groups
from tally.matching.result import (
    DUPLICATE_SCHEMA,
    LINK_SCHEMA,
    MATCH_SCHEMA,
    ReconcileResult,
    ReconcileStats,
    RuleStats,
)
from tally.matching.rules import (
    AmountCondition,
    Cardinality,
    DateCondition,
    EqualsCondition,
    Rule,
    RuleSet,
)
from tally.matching.state import (
    BATCH_COLUMNS,
    BATCH_LINKS,
    Batch,
    Exclusions,
    PhaseTimer,
    RunState,
    proposal_signature,
)
from tally.matching.sums import DEFAULT_SEARCH_BUDGET


def reconcile(
    left: pl.DataFrame,
    right: pl.DataFrame,
    rule_set: RuleSet,
    *,
    progress: Callable[[float], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
    search_budget_per_block: int = DEFAULT_SEARCH_BUDGET,
    strategy: Strategy | str = Strategy.OPTIMAL,
    limits: Limits | None = None,
    exclusions: Exclusions | None = None,
    duplicates: pl.DataFrame | None = None,
) -> ReconcileResult:
    """Match ``left`` against ``right`` with ``rule_set`` (rules in priority order).

    Every record ends up in exactly one of: a match (auto, suggested, ambiguous or discrepancy;
    only ambiguous alternatives may share a record) or the unmatched ids. The result does not
    depend on the input row order. ``progress(fraction)`` is called between phases and blocks;
    when ``should_cancel()`` returns True, :class:`MatchingCancelled` is raised. The sum search
    builds and compares at most ``search_budget_per_block`` subset sums per block (a count, so
    the result does not depend on the machine's speed); blocks that hit it are skipped and
    counted in ``stats.blocks_over_budget``. ``strategy`` other than ``optimal`` is for benchmarks only.
    ``exclusions`` are proposals rejected earlier: never made again, as matches or discrepancies.
    ``duplicates`` (``DUPLICATE_SCHEMA`` rows) are the duplicates of a larger record set these
    frames are a part of (a partition): they replace the search within these frames, so a copy
    keeps the rank it has in the whole set; the result lists those of these frames' records.

    Raises :class:`RecordFrameError` when a frame lacks the record columns or has bad types.
    """
    started = time.perf_counter()
    timer = PhaseTimer()
    with timer.phase("prepare"):
        prepared_left = prepare_side(left, "left")
        prepared_right = prepare_side(right, "right")
    state = RunState(
        left=prepared_left,
        right=prepared_right,
        rule_set=rule_set,
        limits=limits or Limits(),
        strategy=Strategy(strategy),
        search_budget=search_budget_per_block,
        progress=progress,
        should_cancel=should_cancel,
        timer=timer,
        exclusions=exclusions or Exclusions(),
    )
    state.checkpoint(0.0)
    stats = state.stats
    stats.strategy = state.strategy.value
    stats.search_budget_per_block = search_budget_per_block
    stats.left_records, stats.right_records = state.left.height, state.right.height
    assignment = AssignmentStats()
    discrepancy_sources: list[tuple[int, Rule, pl.DataFrame]] = []
    # Duplicates are known before matching: copies of a row exported twice must neither tie
    # with their original (that is a duplicate, not a choice for review) nor join it in a group.
    with state.timer.phase("duplicates"):
        if duplicates is None:
            duplicates = pl.concat(
                [
                    find_duplicates(state.left, rule_set, "left"),
                    find_duplicates(state.right, rule_set, "right"),
                ]
            ).sort("side", "group", "record_id")
        duplicates = state.mark_copies(duplicates)
    n_rules = len(rule_set.rules)
    for index, rule in enumerate(rule_set.rules):
        base, span = 0.05 + 0.8 * index / n_rules, 0.8 / n_rules
        state.checkpoint(base)
        if rule.cardinality is Cardinality.ONE_TO_ONE:
            found = _run_pair_rule(state, index, rule, assignment)
            if found is not None:
                discrepancy_sources.append((index, rule, found))
        else:
            _run_group_rule(state, index, rule, base, span)
    state.checkpoint(0.85)
    with state.timer.phase("discrepancies"):
        for index, rule, frame in discrepancy_sources:
            _run_discrepancies(state, index, rule, frame)
    state.checkpoint(0.95)
    with state.timer.phase("finalize"):
        result = _assemble(state, duplicates, assignment)
    total = time.perf_counter() - started
    state.timer.add("other", max(total - sum(state.timer.seconds.values()), 0.0))
    state.timer.add("total", total)
    stats.timings = {k: round(v, 6) for k, v in state.timer.seconds.items()}
    state.checkpoint(1.0)
    return result


def _rule_stats(state: RunState, rule: Rule) -> RuleStats:
    rs = RuleStats(
        name=rule.name,
        cardinality=rule.cardinality.value,
        left_available=int(state.free_l.sum()),
        right_available=int(state.free_r.sum()),
    )
    state.stats.rules.append(rs)
    return rs


def _run_pair_rule(
    state: RunState, index: int, rule: Rule, assignment: AssignmentStats
) -> pl.DataFrame | None:
    """Match one one-to-one rule; returns its discrepancy candidates (if it reports them)."""
    rs = _rule_stats(state, rule)
    timer, limits, rule_set = state.timer, state.limits, state.rule_set
    spec = block_spec(rule, rule_set)
    with timer.phase("candidates"):
        left, right = state.free_frames()
        lw, rw = work_frames(left, right, rule, rule_set)
        cand = pair_candidates(lw, rw, spec, limits)
    _add_candidate_stats(state, cand.stats)
    rs.candidates = cand.stats.pairs
    state.checkpoint(_progress_of(state, index, 0.4))
    with timer.phase("scoring"):
        keys = list(spec.keys)  # verified by candidate generation: not needed any more
        pairs = pair_frame(lw.drop(keys), rw.drop(keys), cand.left, cand.right)
        pairs = pairs.with_columns(pl.Series("keyed", cand.keyed, dtype=pl.Boolean))
        scored = evaluate(pairs, rule, rule_set, keys_verified=True)
        discrepancies = None
        if rule.report_discrepancies and rule.identifying_keys:
            discrepancies = scored.filter(
                pl.col("keyed") & pl.col("key_pass") & ~pl.col("all_pass")
            )
            rs.discrepancy_candidates = discrepancies.height
        suggest_q = round(rule.suggest * SCORE_SCALE)
        passing = scored.filter(pl.col("all_pass") & (pl.col("score_q") >= suggest_q))
        passing = _without_rejected(state, passing)
        rs.passing = passing.height
    state.checkpoint(_progress_of(state, index, 0.7))
    with timer.phase("assignment"):
        l_rows, r_rows = as_int_array(passing["L_row"]), as_int_array(passing["R_row"])
        # Scores doubled, plus one where both records hold the same copy rank: a record prefers
        # the original of a row exported twice over its copy (and the n-th copy the n-th), so a
        # twin no longer ties; records that are no copies all get the same +1 and still tie.
        same_rank = state.copy_rank_l[l_rows] == state.copy_rank_r[r_rows]
        weights = 2 * np.maximum(as_int_array(passing["score_q"]), 1) + same_rank
        # Last, more values in common (a text naming several references) set apart candidates
        # that score alike: a fee booked twice a day with two different mandate numbers pairs
        # with the ledger line naming its own, instead of tying with the other's.
        weights = weights * _SHARED_SCALE + _shared_values(passing, rule)
        status, astats = assign(
            as_int_array(passing["l"]),
            as_int_array(passing["r"]),
            weights,
            state.strategy,
            limits,
        )
        assignment.merge(astats)
        chosen = passing.with_columns(pl.Series("_st", status)).filter(pl.col("_st") > 0)
    with timer.phase("scoring"):
        batch = _pair_batch(chosen, rule, index, "matched")
    state.batches.append(batch)
    _count_statuses(rs, batch.matches)
    state.consume(as_int_array(chosen["L_row"]), as_int_array(chosen["R_row"]))
    return discrepancies


_SHARED_SCALE = 64  # below a score step and a copy rank: only ties are broken


def _shared_values(pairs: pl.DataFrame, rule: Rule) -> npt.NDArray[np.int64]:
    """Per pair: the values its equals conditions have in common, capped below the scale."""
    counts = [
        pl.col(f"v{i}_shared").cast(pl.Int64)
        for i, cond in enumerate(rule.conditions)
        if isinstance(cond, EqualsCondition)
    ]
    if not counts or pairs.height == 0:
        return np.zeros(pairs.height, np.int64)
    total = pairs.select(pl.sum_horizontal(counts).clip(0, _SHARED_SCALE - 1))
    return total.to_series().to_numpy().astype(np.int64)


def _without_rejected(state: RunState, pairs: pl.DataFrame) -> pl.DataFrame:
    if not state.exclusions or pairs.height == 0:
        return pairs
    return pairs.join(state.exclusions.pairs, on=["L_id", "R_id"], how="anti")


def _progress_of(state: RunState, index: int, within: float) -> float:
    n_rules = len(state.rule_set.rules)
    return 0.05 + 0.8 * (index + within) / n_rules


def _add_candidate_stats(state: RunState, cstats: CandidateStats) -> None:
    stats = state.stats
    stats.candidates_truncated += cstats.truncated_records
    stats.frequent_keys += cstats.frequent_keys
    stats.skipped_keys += cstats.skipped_keys


def _count_statuses(rs: RuleStats, matches: pl.DataFrame) -> None:
    counts = dict(matches.group_by("status").len().iter_rows())
    rs.auto += int(counts.get("auto", 0))
    rs.suggested += int(counts.get("suggested", 0))
    rs.ambiguous += int(counts.get("ambiguous", 0))


def _condition_index(rule: Rule, kind: type) -> int | None:
    return next((i for i, c in enumerate(rule.conditions) if isinstance(c, kind)), None)


def _pair_batch(chosen: pl.DataFrame, rule: Rule, index: int, category: str) -> Batch:
    ai = _condition_index(rule, AmountCondition)
    di = _condition_index(rule, DateCondition)
    amount_diff = (
        pl.col(f"v{ai}_diff") if ai is not None else pl.col(f"R{AMOUNT}") - pl.col(f"L{AMOUNT}")
    )
    date_diff = pl.col(f"v{di}_days") if di is not None else pl.col(f"R{DATE}") - pl.col(f"L{DATE}")
    tie = pl.col("_st") == AMBIGUOUS
    auto_q = round(rule.auto * SCORE_SCALE)
    if category == "matched":
        status = (
            pl.when(tie)
            .then(pl.lit("ambiguous"))
            .when(pl.col("score_q") >= auto_q)
            .then(pl.lit("auto"))
            .otherwise(pl.lit("suggested"))
        )
        evidence = pair_evidence_expr(rule, tie)
    else:
        status = pl.when(tie).then(pl.lit("ambiguous")).otherwise(pl.lit("suggested"))
        evidence = pair_evidence_expr(rule, tie, kind="discrepancy")
    # Most matches share one of a handful of evidence texts (equal key, same amount, a day or
    # two apart): build each distinct text once and join it back, instead of once per row.
    inputs = [c for c in chosen.columns if c[0] in "pv" and c[1:2].isdigit()] + ["_st"]
    texts = chosen.select(inputs).unique().with_columns(evidence.alias("_evidence"))
    chosen = chosen.join(texts, on=inputs, how="left", nulls_equal=True, maintain_order="left")
    matches = chosen.select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("_mk"),
        pl.lit(rule.name).alias("rule"),
        pl.lit(index, dtype=pl.Int32).alias("rule_index"),
        (pl.col("score_q").cast(pl.Float64) / SCORE_SCALE).round(6).alias("score"),
        status.alias("status"),
        pl.lit(category).alias("category"),
        amount_diff.cast(pl.Int64).alias("amount_difference"),
        date_diff.cast(pl.Int32).alias("date_difference_days"),
        pl.col("_evidence").alias("evidence"),
        pl.col("L_id").alias("_lmin"),
        pl.col("R_id").alias("_rmin"),
        pl.lit("").alias("_sig"),
    )
    links = pl.concat(
        [
            matches.select(
                "_mk",
                pl.lit(0).alias("_at"),
                pl.col("_lmin").alias("record_id"),
                pl.lit("left").alias("side"),
            ),
            matches.select(
                "_mk",
                pl.lit(1).alias("_at"),
                pl.col("_rmin").alias("record_id"),
                pl.lit("right").alias("side"),
            ),
        ]
    )
    return Batch(matches.cast(BATCH_COLUMNS), links.cast(BATCH_LINKS))  # type: ignore[arg-type]


def _run_discrepancies(state: RunState, index: int, rule: Rule, frame: pl.DataFrame) -> None:
    """Pairs equal on the keys but outside tolerance, among records still unmatched."""
    frame = _without_rejected(state, frame)
    if frame.height == 0:
        return
    free = state.free_l[as_int_array(frame["L_row"])] & state.free_r[as_int_array(frame["R_row"])]
    frame = frame.filter(pl.Series(free))
    if frame.height == 0:
        return
    frame = frame.with_columns(soft_score_expr(rule).alias("score_q"))
    weights = np.maximum(as_int_array(frame["score_q"]), 1)
    status, _astats = assign(
        as_int_array(frame["L_row"]), as_int_array(frame["R_row"]), weights, limits=state.limits
    )
    chosen = frame.with_columns(pl.Series("_st", status)).filter(pl.col("_st") > 0)
    batch = _pair_batch(chosen, rule, index, "discrepancy")
    state.batches.append(batch)
    state.consume(as_int_array(chosen["L_row"]), as_int_array(chosen["R_row"]))


def _run_group_rule(state: RunState, index: int, rule: Rule, base: float, span: float) -> None:
    rs = _rule_stats(state, rule)
    left, right = state.free_frames()
    # A copy of a row exported twice never joins a group: summed with its original it would
    # pay the same invoices twice (at 100k every false split match was such a pair).
    left = left.filter(pl.Series(state.copy_rank_l[as_int_array(left[ROW])] == 0))
    right = right.filter(pl.Series(state.copy_rank_r[as_int_array(right[ROW])] == 0))
    started = time.perf_counter()
    lw, rw = work_frames(left, right, rule, state.rule_set)
    outcome = search_groups(
        lw,
        rw,
        rule,
        state.rule_set,
        state.limits,
        state.search_budget,
        lambda f: state.checkpoint(base + span * f),
    )
    state.timer.add("sum_search", outcome.search_seconds)
    state.timer.add("scoring", time.perf_counter() - started - outcome.search_seconds)
    rs.candidates = outcome.candidates
    rs.passing = outcome.edges.height
    _add_candidate_stats(state, outcome.candidate_stats)
    state.stats.blocks_searched += outcome.blocks
    state.stats.blocks_over_budget += outcome.over_budget
    state.stats.group_candidates_truncated += outcome.truncated
    rs.blocks_over_budget = outcome.over_budget
    rs.group_candidates_truncated = outcome.truncated
    with state.timer.phase("scoring"):
        batch, left_rows, right_rows = _group_batch(
            outcome, rule, index, lw, rw, state.exclusions.signatures
        )
    state.batches.append(batch)
    _count_statuses(rs, batch.matches)
    state.consume(left_rows, right_rows)


def _group_batch(
    outcome: GroupOutcome,
    rule: Rule,
    index: int,
    lw: pl.DataFrame,
    rw: pl.DataFrame,
    rejected: frozenset[str],
) -> tuple[Batch, IntArray, IntArray]:
    lid, rid = as_int_array(lw["id"]), as_int_array(rw["id"])
    lrow, rrow = as_int_array(lw[ROW]), as_int_array(rw[ROW])
    lamt, ramt = as_int_array(lw[AMOUNT]), as_int_array(rw[AMOUNT])
    auto_q = round(rule.auto * SCORE_SCALE)
    rows: list[dict[str, object]] = []
    links: list[tuple[int, int, int, str]] = []
    used_l: list[int] = []
    used_r: list[int] = []
    edge_values = EdgeValues(outcome.edges, rule)
    mk = 0
    for group in outcome.groups:
        left_ids = sorted(int(lid[i]) for i in group.left)
        right_ids = sorted(int(rid[i]) for i in group.right)
        signature = proposal_signature(left_ids, right_ids)
        if signature in rejected:  # its records stay free
            continue
        evidence, days = group_evidence(group, rule, edge_values, lamt, ramt)
        status = "ambiguous" if group.tie else ("auto" if group.score_q >= auto_q else "suggested")
        rows.append(
            {
                "_mk": mk,
                "rule": rule.name,
                "rule_index": index,
                "score": round(group.score_q / SCORE_SCALE, 6),
                "status": status,
                "category": "matched",
                "amount_difference": group.difference,
                "date_difference_days": days,
                "evidence": json.dumps(evidence, separators=(",", ":")),
                "_lmin": left_ids[0],
                "_rmin": right_ids[0],
                "_sig": signature,
            }
        )
        members = [(i, "left") for i in left_ids] + [(i, "right") for i in right_ids]
        links += [(mk, at, i, side) for at, (i, side) in enumerate(members)]
        used_l += [int(lrow[i]) for i in group.left]
        used_r += [int(rrow[i]) for i in group.right]
        mk += 1
    matches = pl.DataFrame(rows, schema=BATCH_COLUMNS)
    link_frame = pl.DataFrame(links, schema=BATCH_LINKS, orient="row")
    return (
        Batch(matches, link_frame),
        np.asarray(used_l, np.int64),
        np.asarray(used_r, np.int64),
    )


def _assemble(
    state: RunState, duplicates: pl.DataFrame, assignment: AssignmentStats
) -> ReconcileResult:
    matches_parts: list[pl.DataFrame] = []
    link_parts: list[pl.DataFrame] = []
    offset = 0
    for batch in state.batches:
        matches_parts.append(batch.matches.with_columns(pl.col("_mk") + offset))
        link_parts.append(batch.links.with_columns(pl.col("_mk") + offset))
        offset += batch.matches.height
    # One chunk each: gathering rows of a many-chunk string column is far slower.
    matches = (
        pl.concat(matches_parts).rechunk() if matches_parts else pl.DataFrame(schema=BATCH_COLUMNS)
    )
    links = pl.concat(link_parts).rechunk() if link_parts else pl.DataFrame(schema=BATCH_LINKS)
    # numpy's lexsort on integer keys costs half the CPU of a polars multi-column sort here.
    # The member signature only orders alternatives sharing their smallest ids (groups).
    group = (matches["category"] != "matched").cast(pl.Int64) * 1_000 + matches["rule_index"]
    sig = matches["_sig"]
    sig_rank = np.zeros(matches.height, np.int64)
    has_sig = (sig != "").to_numpy()
    if has_sig.any():
        sig_rank[has_sig] = as_int_array(sig.filter(pl.Series(has_sig)).rank("dense"))
    order = np.lexsort(
        (sig_rank, as_int_array(matches["_rmin"]), as_int_array(matches["_lmin"]), group)
    )
    ordered = matches[order].with_columns(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("match_key")
    )
    key_of = np.zeros(offset, np.int64)
    key_of[as_int_array(ordered["_mk"])] = as_int_array(ordered["match_key"])
    # Place every link directly (match_key order, then its position in the match): no sort.
    link_keys = key_of[as_int_array(links["_mk"])]
    per_key = np.bincount(link_keys, minlength=offset + 1)
    starts = np.cumsum(per_key) - per_key
    slot = np.empty(links.height, np.int64)
    slot[starts[link_keys] + as_int_array(links["_at"])] = np.arange(links.height)
    links_out = (
        links.with_columns(pl.Series("match_key", link_keys))[slot]
        .select(list(LINK_SCHEMA))
        .cast(LINK_SCHEMA)  # type: ignore[arg-type]
    )
    matches_out = ordered.select(list(MATCH_SCHEMA)).cast(MATCH_SCHEMA)  # type: ignore[arg-type]
    unmatched_l = state.left["id"].filter(pl.Series(state.free_l)).alias("record_id")
    unmatched_r = state.right["id"].filter(pl.Series(state.free_r)).alias("record_id")
    _fill_stats(state.stats, matches_out, unmatched_l, unmatched_r, duplicates, assignment)
    return ReconcileResult(
        matches=matches_out,
        links=links_out,
        duplicates=duplicates.cast(DUPLICATE_SCHEMA),  # type: ignore[arg-type]
        unmatched_left_ids=unmatched_l,
        unmatched_right_ids=unmatched_r,
        stats=state.stats,
    )


def _fill_stats(
    stats: ReconcileStats,
    matches: pl.DataFrame,
    unmatched_l: pl.Series,
    unmatched_r: pl.Series,
    duplicates: pl.DataFrame,
    assignment: AssignmentStats,
) -> None:
    matched = matches.filter(pl.col("category") == "matched")
    by_status = dict(matched.group_by("status").len().iter_rows())
    stats.counts = {
        "matches": matches.height,
        "auto": int(by_status.get("auto", 0)),
        "suggested": int(by_status.get("suggested", 0)),
        "ambiguous": int(by_status.get("ambiguous", 0)),
        "discrepancies": int((matches["category"] == "discrepancy").sum()),
        "unmatched_left": unmatched_l.len(),
        "unmatched_right": unmatched_r.len(),
        "duplicate_records": duplicates.height,
    }
    stats.components = {
        "one_to_one": assignment.one_to_one,
        "star": assignment.star,
        "exact": assignment.exact,
        "greedy_fallback": assignment.greedy_fallback,
    }
    stats.component_sizes = dict(sorted(assignment.sizes.items()))
