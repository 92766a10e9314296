"""Rule inference: a complete rule set for two record frames, proposed from their values alone.

No labels are needed. The steps, each explained in the evidence it leaves:

1. **Key** (:mod:`tally.matching.infer_keys`): the fields that pair the sides by rare shared
   values with agreeing amounts, including keys inside free text (a derived field whose regex is
   learned from the shared tokens' shape) and number parts of keys split across fields.
2. **Models** (:mod:`tally.matching.infer_models`): from the pairs the key joins one-to-one, the
   sign convention, the amount tolerance (exact, fixed fee, percentage fee with a floor/cap),
   the date fields and window, and the text fields whose similarity tells pairs from chance.
3. **Rules**, tried in priority order on what the rules before them left open: the key rule;
   splits and batches summed over the key; a fuzzy key for typos; batches summed over a key
   prefix (consecutive numbers: "INV-1001 ff" paying INV-1001..1003) or the counterparty;
   amount + date + text similarity. A rule is kept when it matches enough records and its
   *estimated precision* is high: the same rule run with the right side's amounts scrambled
   (a decoy keeping every value's distribution but no true pair) shows how many of its matches
   chance alone would produce.

Large inputs are sampled by a date window (so splits, batches and twins stay whole); the rules
found hold for the whole sources.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import polars as pl

from tally.matching.backtest import predicted_pairs
from tally.matching.candidates import AMOUNT, DATE, POS, Limits, pair_candidates, reads_amounts
from tally.matching.conditions import EDGE_SCORE, block_spec, work_exprs
from tally.matching.engine import reconcile
from tally.matching.fields import ROW, prepare_side
from tally.matching.infer_batches import batch_candidates
from tally.matching.infer_candidates import (
    Candidate,
    amount_date_rule,
    candidate_rules,
    inserted,
    party_condition,
)
from tally.matching.infer_discount import with_discount
from tally.matching.infer_duplicates import duplicate_fields, duplicate_note
from tally.matching.infer_fallback import fallback_candidates
from tally.matching.infer_identity import identity_decoy, identity_proposals
from tally.matching.infer_keys import (
    SecondKey,
    chance_similarity,
    choose_key,
    key_rule_set,
    key_values,
    readings,
    text_fields,
)
from tally.matching.infer_models import (
    AmountModel,
    amount_model,
    anchored_date_model,
    anchored_text_match,
    best_text_match,
    date_model,
    joined_pairs,
)
from tally.matching.infer_party import party_candidates
from tally.matching.infer_periodic import periodic_key
from tally.matching.infer_references import reference_candidates
from tally.matching.infer_remittance import after_second_key, second_key_candidates
from tally.matching.infer_sample import (
    holding,
    left_keys,
    quoting,
    reach,
    repeated_share,
    sample,
)
from tally.matching.result import ReconcileResult
from tally.matching.rules import (
    AmountCondition,
    Cardinality,
    DateCondition,
    DerivedField,
    EqualsCondition,
    FuzzyCondition,
    Rule,
    RuleSet,
)

INFERRED_AUTHOR = "inferred from data"
# A candidate rule's sum search may spend a tenth of a job's per block: a crowded block (a
# counterparty with hundreds of open invoices) otherwise costs the full search for every
# candidate rule tried.
_SAMPLE_SEARCH_BUDGET = 200_000
_REPEATED = 0.02  # share of repeated left key values above which key rules need the party
_MIN_TOLERANT_GROUPS = 10  # matches a grouped rule with an amount tolerance needs to be kept
_PARTY_AGREES = 0.9  # share of keyed pairs whose parties are similar for key rules to ask it


@dataclass(frozen=True)
class InferenceLimits:
    """How much inference reads and how sure a rule must be to be proposed."""

    sample_rows: int = 3_000  # per side; larger sources are read through a date window
    # Estimated precision (decoy) a rule needs. The estimate is conservative (it counts every
    # record left open as a possible false match) and later rules cover few records, so 0.97
    # per rule measured >= 0.998 overall on the generated cases (bench/infer/REPORT.md).
    min_precision: float = 0.97
    # For sums within one value of the inferred key (splits, batches, payouts quoting one id)
    # the members are known to belong together and the decoy's risk is a wrong subset of an
    # unmatched key group, which it overstates: payouts estimated at 0.94-0.95 measured 0.99
    # (bench/infer/REPORT.md).
    min_key_group_precision: float = 0.94
    min_share: float = 0.002  # share of the sample's records a rule must match (at least 2)
    seed: int = 0


@dataclass(frozen=True)
class RuleEvidence:
    """Why a rule was proposed: what supports it and how sure inference is of it."""

    rule: str
    supporting_pairs: int  # pairs (or groups) it matched in the records inference read
    coverage: float  # share of those left and right records it matched
    margin: float | None  # its support over the runner-up candidate's (x times), when one ran
    estimated_precision: float | None  # 1 - decoy matches / matches
    note: str


@dataclass(frozen=True)
class InferredRules:
    """An inferred rule set with the evidence of each rule (JSON-serialisable)."""

    rule_set: RuleSet
    evidence: tuple[RuleEvidence, ...]
    notes: tuple[str, ...] = ()  # key, models, duplicates, sampling
    rejected: tuple[str, ...] = ()  # candidates tried and why they were not proposed
    left_rows: int = 0
    right_rows: int = 0
    sampled_left: int = 0
    sampled_right: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_set": json.loads(self.rule_set.to_json()),
            "evidence": [asdict(e) for e in self.evidence],
            "notes": list(self.notes),
            "rejected": list(self.rejected),
            "rows": {
                "left": self.left_rows,
                "right": self.right_rows,
                "sampled_left": self.sampled_left,
                "sampled_right": self.sampled_right,
            },
            "seconds": round(self.seconds, 3),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    def describe(self) -> str:
        """Plain text for people: one paragraph per rule, then the notes."""
        lines = []
        for e in self.evidence:
            precision = (
                f", estimated precision {e.estimated_precision:.1%}"
                if e.estimated_precision is not None
                else ""
            )
            margin = f", {e.margin:.1f}x the runner-up" if e.margin else ""
            lines.append(
                f"- {e.rule}: {e.supporting_pairs} matches, {e.coverage:.1%} of the records"
                f"{precision}{margin}. {e.note}"
            )
        lines += [f"* {n}" for n in self.notes]
        return "\n".join(lines)


@dataclass
class _State:
    left: pl.DataFrame
    right: pl.DataFrame
    limits: InferenceLimits
    rules: list[Rule] = field(default_factory=list)
    derived: list[DerivedField] = field(default_factory=list)
    evidence: list[RuleEvidence] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    kept_groups: set[str] = field(default_factory=set)
    total: int = 0  # records of the sample (coverage is a share of these)

    @property
    def records(self) -> int:
        return self.left.height + self.right.height


def infer_rules(
    left: pl.DataFrame, right: pl.DataFrame, *, limits: InferenceLimits | None = None
) -> InferredRules:
    """Propose a rule set (and its evidence) pairing ``left`` with ``right``, without labels.

    The frames are the engine's record frames (``tally.matching.fields.INPUT_COLUMNS``);
    ``extra`` is read for ``extra.<name>`` keys. Always returns a valid, runnable rule set: with
    no key found it is amount + date (+ text similarity) only, and says so.
    """
    started = time.perf_counter()
    limits = limits or InferenceLimits()
    full_left, full_right = prepare_side(left, "left"), prepare_side(right, "right")
    ls, wide, window = sample(full_left, full_right, limits.sample_rows, limits.seed)
    min_pairs = max(3, min(ls.height, wide.height) // 200)
    # Keys are found among the right records quoting a value of the sample; the right side's
    # fields are still read off its whole window.
    rnames = text_fields(wide)
    # The sample's readings are read once, for the quoting scan and for the key.
    sampled = readings(ls)
    near = wide if window is None else quoting(wide, rnames, ls, sampled)
    key = choose_key(ls, near, min_pairs=min_pairs, right_fields=rnames, left_readings=sampled)
    notes: list[str] = []
    period = None
    if key is None:  # no value rare over the sample: one rare within a period?
        found = periodic_key(ls, near, min_pairs=min_pairs, right_fields=rnames)
        if found is not None:
            key, period, periodic_note = found
            notes.append(periodic_note)
    rs = wide
    held = left_keys(full_left, key) if key is not None else None
    if window is not None and held is not None and key is not None:
        rs = reach(held, ls, wide, key, window)
        if key.second is not None:
            rs = _second_reach(ls, wide, rs, key.second)
    if ls.height < full_left.height or rs.height < full_right.height:
        notes.append(
            f"read {ls.height} of {full_left.height} left and {rs.height} of "
            f"{full_right.height} right records (a date window, and the right records its "
            "left records' keys and lags reach)"
        )
    fields = (text_fields(ls), text_fields(rs))
    facts = joined_pairs(ls, rs, key.pairs, fields) if key is not None else None
    amount = amount_model(facts) if facts is not None else None
    amount = amount or _sign_only(ls, rs)
    dates = date_model(facts) if facts is not None else None
    if dates is None:
        dates = anchored_date_model(ls, rs, amount.sign)
    notes += [amount.note]
    if dates is not None:
        notes.append(dates.note)
    text = None
    lf: list[str] = []
    rf: list[str] = []
    if facts is not None:
        key_fields = {key.best.left.field, key.best.right.field} if key else set()
        lf = [f for f in fields[0] if f not in key_fields or f == "counterparty"]
        rf = [f for f in fields[1] if f not in key_fields or f == "counterparty"]
        text = best_text_match(facts, lf, rf, limits.seed)
        if text is not None:
            notes.append(text.note)
    fallback_text = text
    if text is None and dates is not None:
        fallback_text = anchored_text_match(ls, rs, amount.sign, fields, dates, limits.seed)
        if fallback_text is not None:
            notes.append(f"{fallback_text.note} (anchors: amounts found once on each side)")
    currency = _currency_condition(facts)
    # Tried last, on what every other rule left open (records without a key).
    fallbacks = [
        Candidate(rule, key.derived if key else (), note, group="amount_fee")
        for rule, note in fallback_candidates(
            facts, (lf, rf), amount, dates, currency, limits.seed, key.condition if key else None
        )
    ]
    party = None
    # The key pairs a record with its partner's party too: when the parties of keyed pairs
    # agree (or key values repeat, every vendor numbering its own invoices), a key rule also
    # asks for it, so that a number typed wrong into another customer's number, more likely
    # the larger the sources, is not taken for a match.
    if held is not None and text is not None:
        repeated = repeated_share(held)
        if text.true_share >= _PARTY_AGREES or repeated > _REPEATED:
            party = party_condition(text)
            notes.append(
                f"key rules also need {text.left_field} and {text.right_field} at least "
                f"{text.floor:.0f} similar ({repeated:.1%} of the left key values repeat)"
            )
    state = _State(ls, rs, limits, total=ls.height + rs.height)
    threshold = chance_similarity(ls, rs, key, limits.seed) if key is not None else 0.0
    candidates = candidate_rules(
        key, amount, dates, text, currency, threshold, party, period, fallback_text
    )
    rules = {c.rule.name: c.rule for c in candidates}
    if facts is not None and key is not None and "key" in rules:
        candidates = inserted(
            candidates,
            identity_proposals(
                rules["key"], rules.get("second_key"), facts, key, text if party else None,
                amount, dates, ls, rs,
            ),
        )  # fmt: skip
    # Structured creditor references naming a number through check digits, tried first.
    references, reference_notes = reference_candidates(
        ls, rs, min_pairs=min_pairs, amount=amount, dates=dates, currency=currency,
        party=party, period=period,
    )  # fmt: skip
    candidates, second_typos = after_second_key(
        candidates,
        second_key_candidates(
            ls, rs, key, amount=amount, dates=dates, currency=currency, party=party,
            period=period, fuzzy_threshold=threshold,
        ),
    )  # fmt: skip
    candidates = references + candidates
    notes += reference_notes
    candidates = with_discount(candidates, facts, amount.sign)
    if facts is not None and dates is not None:
        # Sums per day and category (:mod:`tally.matching.infer_batches`). Like sums within one
        # key value, a block's members belong together: the decoy's risk is a wrong subset of
        # an open block (or, of blocks of one open record each side, a handful of decoy
        # candidates), which it overstates.
        candidates += [
            Candidate(rule, derived, key_group=True, build=build)
            for rule, derived, build in batch_candidates(
                facts, fields, amount.sign, dates, limits.seed
            )
        ]
    candidates += party_candidates(ls, rs, key, facts, fields, amount, dates, limits.seed)
    # Fallbacks last: they read what every other rule left open.
    for candidate in candidates + fallbacks + second_typos:
        _try(state, candidate)
    if not state.rules:  # nothing reliable: still a runnable set, every match a suggestion
        fallback = amount_date_rule("amount_date", amount.condition(), dates, None, currency)
        state.rules.append(fallback.model_copy(update={"auto": 1.0}))
        state.evidence.append(
            RuleEvidence(
                "amount_date",
                0,
                0.0,
                None,
                None,
                "no key found: amounts and dates only, every match a suggestion to review",
            )
        )
    rule_set = RuleSet(rules=state.rules, derived_fields=state.derived)
    rule_set = rule_set.model_copy(update={"duplicate_fields": duplicate_fields(ls, rs, rule_set)})
    notes.append(duplicate_note(ls, rs, rule_set))
    return InferredRules(
        rule_set=rule_set,
        evidence=tuple(state.evidence),
        notes=tuple(notes),
        rejected=tuple(state.rejected),
        left_rows=full_left.height,
        right_rows=full_right.height,
        sampled_left=ls.height,
        sampled_right=rs.height,
        seconds=time.perf_counter() - started,
    )


def _second_reach(
    ls: pl.DataFrame, wide: pl.DataFrame, rs: pl.DataFrame, second: SecondKey
) -> pl.DataFrame:
    """The right sample with the records quoting a second-key value a sampled left record holds:
    a refund quoting its order comes weeks after the order, beyond the lags of the first key,
    while its credit note (naming the order in a column of its own) is in the sample. Without
    them the second key finds no candidates in a sample, though it pairs a tenth of the
    records of the whole sources (the marketplace case at 100k in bench/quality/REPORT.md)."""
    cond = second.condition
    rule_set = key_rule_set(cond, second.derived)
    held = key_values(ls, cond.field, cond.normalisers, rule_set)
    quoted = key_values(
        holding(wide, cond.other_field, cond.normalisers, held["k"], rule_set),
        cond.other_field,
        cond.normalisers,
        rule_set,
        ROW,
    )
    rows = quoted.join(held, on="k", how="semi")[ROW].implode()
    return wide.filter(pl.col(ROW).is_in(rs[ROW].implode()) | pl.col(ROW).is_in(rows))


def _sign_only(left: pl.DataFrame, right: pl.DataFrame) -> AmountModel:
    """Without keyed pairs: the sign convention from which sign dominates each side."""
    lneg = int((left["amount"] < 0).sum()) * 2 > left.height
    rneg = int((right["amount"] < 0).sum()) * 2 > right.height
    opposite = lneg != rneg
    note = "no key: amounts must be equal" + (
        "; the right side carries the opposite sign" if opposite else ""
    )
    return AmountModel("opposite" if opposite else "same", 0, 0, 1.0, 0, note)


def _currency_condition(facts: pl.DataFrame | None) -> EqualsCondition | None:
    """Equal currencies, when the sides use several and keyed pairs agree on them."""
    if facts is None or facts.height == 0:
        return None
    cur = facts.select("l_currency", "r_currency").drop_nulls()
    if cur.height < facts.height * 0.9 or cur["l_currency"].n_unique() < 2:
        return None
    agree = (cur["l_currency"].str.to_uppercase() == cur["r_currency"].str.to_uppercase()).mean()
    if agree is None or float(agree) < 0.98:  # type: ignore[arg-type]
        return None
    return EqualsCondition(field="currency", normalisers=("case",), weight=0.5)


def _try(state: _State, candidate: Candidate) -> None:
    """Run the candidate on what the kept rules left open; keep it if it matches enough records
    with a high estimated precision."""
    if candidate.group and candidate.group in state.kept_groups:
        return
    if candidate.build is not None:
        built = candidate.build(state.left, state.right)
        if built is None:
            state.rejected.append(f"{candidate.rule.name}: no tolerance in the open records")
            return
        candidate.rule, candidate.note = built
    name = candidate.rule.name
    taken = {r.name for r in state.rules}
    if name in taken:
        name = f"{name}_{len(state.rules)}"
        candidate.rule = candidate.rule.model_copy(update={"name": name})
    derived = state.derived + [d for d in candidate.derived if d not in state.derived]
    rule_set = RuleSet(rules=[candidate.rule], derived_fields=derived)
    if candidate.build is not None or candidate.identified:
        # Tried with the duplicate fields the rule set will have: a twin exported twice
        # otherwise ties with its original in a block of one day (measured on the acquirer
        # case: the batch rule's estimate 0.906 with ties, 0.969 without). Other candidates
        # keep their estimates as measured (bench/quality/REPORT.md).
        dupes = duplicate_fields(state.left, state.right, rule_set)
        rule_set = rule_set.model_copy(update={"duplicate_fields": dupes})
    needed = max(2, int(state.limits.min_share * state.records))
    # Each match takes at least two records (a group three): skip the search when the records
    # with candidates could not reach the minimum anyway.
    open_records, amounts_read = _open_records(state.left, state.right, rule_set)
    per_match = 2 if candidate.rule.cardinality is Cardinality.ONE_TO_ONE else 3
    if open_records * per_match < needed:
        state.rejected.append(f"{name}: {open_records} records with candidates (too few)")
        return
    result = _run(state.left, state.right, rule_set)
    pairs = predicted_pairs(result)
    matched_l, matched_r = pairs["left_id"].n_unique(), pairs["right_id"].n_unique()
    matches = int(
        result.matches.filter(
            (pl.col("category") == "matched") & pl.col("status").is_in(["auto", "suggested"])
        ).height
    )
    if matched_l + matched_r < needed:
        state.rejected.append(f"{name}: matched {matched_l + matched_r} records (< {needed})")
        return
    tolerant = candidate.rule.amount_condition
    if (
        candidate.rule.cardinality is not Cardinality.ONE_TO_ONE
        and candidate.build is None  # a block rule's tolerance is read off many blocks' totals
        and tolerant is not None
        and (tolerant.abs_units or tolerant.pct_ppm)
        and matches < _MIN_TOLERANT_GROUPS
    ):
        # Sums of several records fall within a tolerance by chance far more often than they
        # equal a total; a decoy finding none among a handful says little (bank_ledger_be at
        # 20k: 5 matches of a sum within 8.63 % in the sample, 57 false pairs in the sources).
        state.rejected.append(
            f"{name}: {matches} matches (< {_MIN_TOLERANT_GROUPS} for sums within a tolerance)"
        )
        return
    if candidate.identified:
        decoy_right = identity_decoy(state.right, state.limits.seed)
    else:
        decoy_right = _decoy(state.right, state.right["amount"].to_numpy(), state.limits.seed)
    decoy = _run(state.left, decoy_right, rule_set)
    decoy_matches = int(
        decoy.matches.filter(
            (pl.col("category") == "matched") & pl.col("status").is_in(["auto", "suggested"])
        ).height
    )
    # The decoy's D matches are what chance finds among its N_d records that have candidates
    # when *no* record has its true partner. In the real run only the records with candidates
    # that are not truly matched (N - M + F of them) can be matched by chance, at the same
    # rate: F = D (N - M + F) / N_d, so F = D (N - M) / (N_d - D).
    n = max(open_records, matches)
    n_decoy = open_records
    if candidate.identified or amounts_read:  # else the decoy's candidates are the real ones
        n_decoy = _open_records(state.left, decoy_right, rule_set)[0]
    false = decoy_matches * max(n - matches, 0) / max(n_decoy - decoy_matches, 1)
    if candidate.identified:  # every decoy match a coincidence of the fields: an upper bound
        false = decoy_matches
    precision = max(0.0, 1.0 - false / matches) if matches else 0.0
    needed_precision = (
        state.limits.min_key_group_precision if candidate.key_group else state.limits.min_precision
    )
    if precision < needed_precision:
        state.rejected.append(
            f"{name}: estimated precision {precision:.3f} ({matches} matches, {decoy_matches} "
            "with random amounts)"
        )
        return
    state.rules.append(_decided(candidate.rule))
    state.derived = derived
    if candidate.group:
        state.kept_groups.add(candidate.group)
    coverage = (matched_l + matched_r) / max(state.total, 1)
    state.evidence.append(
        RuleEvidence(
            name, matches, round(coverage, 4), candidate.margin, round(precision, 4), candidate.note
        )
    )
    # Everything the rule took (ambiguous alternatives too) is no longer open to later rules.
    taken_keys = result.matches.filter(pl.col("category") == "matched").select("match_key")
    links = result.links.join(taken_keys, on="match_key", how="semi")
    for side in ("left", "right"):
        ids = links.filter(pl.col("side") == side)["record_id"].implode()
        frame = state.left if side == "left" else state.right
        frame = frame.filter(~pl.col("id").is_in(ids))
        if side == "left":
            state.left = frame
        else:
            state.right = frame


def _decided(rule: Rule) -> Rule:
    """The rule with both thresholds at its lowest passing score: a rule is kept only when its
    estimated precision clears the bar, so what it accepts is decided (auto); ties between
    alternatives still go to review."""
    total = sum(c.weight for c in rule.conditions)
    floor = 0.0
    for c in rule.conditions:
        if not c.required:
            continue
        if isinstance(c, AmountCondition):
            floor += c.weight * (EDGE_SCORE if c.abs_units or c.pct_ppm else 1.0)
        elif isinstance(c, DateCondition):
            floor += c.weight * (EDGE_SCORE if c.window_days else 1.0)
        elif isinstance(c, FuzzyCondition):
            floor += c.weight * c.threshold / 100
        else:
            floor += c.weight
    lowest = max(0.0, math.floor(floor / total * 100) / 100 - 0.01)
    return rule.model_copy(update={"auto": lowest, "suggest": lowest})


def _run(left: pl.DataFrame, right: pl.DataFrame, rule_set: RuleSet) -> ReconcileResult:
    """The engine on the sample, with a short sum-search budget per block: a crowded block of a
    candidate rule (a counterparty with hundreds of open invoices) otherwise costs the full
    search for every candidate tried (measured at 100k: inference 37 s, 18 s of it in subset
    sums). Fewer candidates per sum (Limits.max_group_candidates 8) halved that but changed
    which rules were kept on the payouts generator (precision 0.99 -> 0.97): not done."""
    return reconcile(left, right, rule_set, search_budget_per_block=_SAMPLE_SEARCH_BUDGET)


def _open_records(left: pl.DataFrame, right: pl.DataFrame, rule_set: RuleSet) -> tuple[int, bool]:
    """How many records the rule set's rule could match, by right or by chance: of a pair rule,
    the records (of the side with fewer) with a candidate; of a grouped rule, the records of the
    "one" side with at least two candidates on the other. Also whether the candidates read the
    amounts: when not, a decoy (other amounts, every other value kept) has the same count.

    The frames are the sample's, already prepared (typed, sorted by id): preparing them again
    only renumbered their rows, which candidates do not read. Of the rule's work columns only
    those candidates read are built: not the raw values that tell "equal" from "equal after
    normalising" nor fuzzy texts (a derived key's raw values are its regex read once more)."""
    rule = rule_set.rules[0]
    spec = block_spec(rule, rule_set)
    needed = {POS, AMOUNT, DATE, *spec.keys}
    lw, rw = pl.collect_all(
        [
            frame.lazy().select(
                e
                for e in work_exprs(frame.columns, rule, rule_set, side)
                if e.meta.output_name() in needed
            )
            for frame, side in ((left, "left"), (right, "right"))
        ]
    )
    found = pair_candidates(lw, rw, spec, Limits())
    read = reads_amounts(spec, found.stats)
    if rule.cardinality is Cardinality.ONE_TO_MANY:
        return (int((np.bincount(found.left) >= 2).sum()) if found.left.size else 0), read
    if rule.cardinality is Cardinality.MANY_TO_ONE:
        return (int((np.bincount(found.right) >= 2).sum()) if found.right.size else 0), read
    return min(np.unique(found.left).size, np.unique(found.right).size), read


def _decoy(frame: pl.DataFrame, pool: np.ndarray, seed: int) -> pl.DataFrame:
    """The records with amounts drawn at random from ``pool`` (the open records' own amounts)
    and moved 3-10 % up or down: no true pair or sum survives, while a wrong candidate's amount
    is about as likely to pass as in the real data. The move keeps a drawn amount that is
    another group's total (few open records, one block) from still matching that group."""
    rng = np.random.default_rng(seed)
    if not pool.size:
        return frame
    drawn = rng.choice(pool, frame.height).astype(np.float64)
    moved = drawn * (
        1 + rng.choice([-1.0, 1.0], frame.height) * rng.uniform(0.03, 0.1, frame.height)
    )
    units = np.round(moved / 100).astype(np.int64) * 100  # whole cents
    return frame.with_columns(pl.Series("amount", units, dtype=pl.Int64))
