"""Candidate generation: the pairs worth scoring, found without comparing every pair.

Two strategies, chosen per blocking key:

* **Key join**: a hash join on the normalised values of the rule's required ``equals`` conditions,
  for key values that occur only a few times per side (the overwhelming case for references).
  These pairs are "keyed": if they fail the amount/date tolerance they may still be reported as
  discrepancies.
* **Sorted window**: within each block (key value, plus a date bucket when the rule has a required
  date window) the right side is sorted by amount (or by date) and every left record takes the
  slice within its tolerance by binary search. Used for tolerance-only rules and for key values
  too frequent to join pairwise (``currency``, a junk reference such as ``"N/A"``). Each left
  record keeps at most ``max_candidates`` of the nearest values; the rest are counted as
  truncated in the stats.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import polars as pl

from tally.matching.rules import PPM, AmountCondition

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
HashArray = npt.NDArray[np.uint64]

POS = "_pos"  # position of a record in the (free) frame a rule works on
AMOUNT = "_amt"  # amount, negated on the right for sign="opposite"
DATE = "_d"  # days since epoch of the rule's date field (null when unknown)


@dataclass(frozen=True)
class Limits:
    """Bounds that keep candidate generation and assignment near-linear on adversarial data."""

    key_join_max_per_side: int = 8  # pairwise rules: larger key groups use the sorted window
    group_key_max_per_side: int = 48  # grouped rules: larger key groups use the date window
    max_candidates: int = 32  # per left record in a sorted window
    max_group_candidates: int = 20  # per "one" record in a one-to-many sum search
    # Records a block search may leave out of a block (tally.matching.sums.block_exclusions);
    # chance and the search budget usually stop it sooner.
    max_block_strays: int = 6
    exact_component_nodes: int = 60  # components above this use the greedy fallback
    exact_component_edges: int = 600


@dataclass
class CandidateStats:
    pairs: int = 0
    keyed_pairs: int = 0
    truncated_records: int = 0  # left records whose window held more than max_candidates
    frequent_keys: int = 0  # key values handled by the sorted window instead of a join
    skipped_keys: int = 0  # frequent key values with no amount/date window to narrow them


@dataclass
class Candidates:
    left: IntArray  # positions into the left work frame
    right: IntArray
    keyed: BoolArray
    stats: CandidateStats = field(default_factory=CandidateStats)


@dataclass(frozen=True)
class BlockSpec:
    """What the candidate generator needs to know about a rule."""

    keys: tuple[str, ...]  # key column names (required equals conditions)
    list_keys: tuple[bool, ...]  # which of those are list columns (multi-valued derived fields)
    amount: AmountCondition | None  # window on amount when set
    date_window: int | None  # required date window (None: dates do not restrict candidates)
    grouped: bool = False  # edges for a sum search: never window on amount


def amount_radius(amounts: IntArray, cond: AmountCondition) -> IntArray:
    """The largest |difference| any partner of ``amounts`` could have and still pass.

    The percentage applies to the larger amount of a pair, so the bound is ``p*|a|/(1-p)``,
    computed with integers (split to stay inside int64).
    """
    absval = np.abs(amounts)
    radius = np.full(amounts.shape, cond.abs_units, dtype=np.int64)
    ppm = cond.widest_ppm
    if ppm:
        den = PPM - ppm
        q, rem = np.divmod(absval, den)
        pct = q * ppm + (rem * ppm + den - 1) // den
        if cond.cap_units is not None:
            pct = np.minimum(pct, cond.cap_units)
        # Under fee rates the rounding tolerance comes on top of the largest fee.
        radius = radius + pct if cond.fee_rates else np.maximum(radius, pct)
    return radius


def pair_candidates(
    left: pl.DataFrame, right: pl.DataFrame, spec: BlockSpec, limits: Limits
) -> Candidates:
    """Candidate pairs (positions into ``left``/``right``) satisfying every key equality."""
    stats = CandidateStats()
    if not spec.keys:
        li, ri, trunc = _windowed(left, right, spec, limits, np.zeros(left.height, np.uint64))
        stats.truncated_records = trunc
        return _finish(li, ri, np.zeros(li.shape, np.bool_), stats, unique=True)

    lk = _key_frame(left, spec)
    rk = _key_frame(right, spec)
    limit = limits.group_key_max_per_side if spec.grouped else limits.key_join_max_per_side
    lk = lk.with_columns(pl.len().over("_h").alias("_n"))
    rk = rk.with_columns(pl.len().over("_h").alias("_n"))
    frequent = pl.concat(
        [lk.filter(pl.col("_n") > limit).select("_h"), rk.filter(pl.col("_n") > limit).select("_h")]
    ).unique()
    parts_l: list[IntArray] = []
    parts_r: list[IntArray] = []
    parts_k: list[BoolArray] = []
    if frequent.height:
        stats.frequent_keys = frequent.height
        big_l = lk.join(frequent, on="_h", how="semi")
        big_r = rk.join(frequent, on="_h", how="semi")
        lk = lk.join(frequent, on="_h", how="anti")
        rk = rk.join(frequent, on="_h", how="anti")
        if (spec.amount is not None and not spec.grouped) or spec.date_window is not None:
            bl = big_l["_h"].to_numpy()
            wl, wr, trunc = _windowed(big_l, big_r, spec, limits, bl, big_r["_h"].to_numpy())
            stats.truncated_records = trunc
            ok = _keys_equal(big_l, big_r, wl, wr, spec.keys)
            parts_l.append(big_l[POS].to_numpy()[wl[ok]])
            parts_r.append(big_r[POS].to_numpy()[wr[ok]])
            parts_k.append(np.zeros(int(ok.sum()), np.bool_))
        else:
            stats.skipped_keys = frequent.height
    joined = lk.join(rk, on="_h", how="inner", suffix="_r")
    if joined.height:
        same = pl.all_horizontal([pl.col(k) == pl.col(f"{k}_r") for k in spec.keys])
        joined = joined.filter(same)
    parts_l.append(joined[POS].to_numpy())
    parts_r.append(joined[f"{POS}_r"].to_numpy())
    parts_k.append(np.ones(joined.height, np.bool_))
    li = np.concatenate(parts_l).astype(np.int64, copy=False)
    ri = np.concatenate(parts_r).astype(np.int64, copy=False)
    keyed = np.concatenate(parts_k)
    return _finish(li, ri, keyed, stats, unique=len(parts_l) == 1 and not any(spec.list_keys))


def reads_amounts(spec: BlockSpec, stats: CandidateStats) -> bool:
    """Whether :func:`pair_candidates` read the amounts to find these candidates: only a sorted
    window on amounts does (no key, or key values too frequent to join), never a grouped
    rule's (its window is on dates)."""
    windowed = not spec.keys or stats.frequent_keys > 0
    return spec.amount is not None and not spec.grouped and windowed


def _finish(
    li: IntArray, ri: IntArray, keyed: BoolArray, stats: CandidateStats, *, unique: bool = False
) -> Candidates:
    if li.size and not unique:
        # Deduplicate: multi-valued keys, or a key join plus a window, can pair the same records
        # twice. (Nothing downstream depends on the order of the pairs.)
        width = np.int64(ri.max()) + 1
        code = li * width + ri
        order = np.lexsort((~keyed, code))
        code, keyed = code[order], keyed[order]
        first = np.ones(code.shape, np.bool_)
        first[1:] = code[1:] != code[:-1]
        code, keyed = code[first], keyed[first]
        li, ri = np.divmod(code, width)
    stats.pairs = int(li.size)
    stats.keyed_pairs = int(keyed.sum())
    return Candidates(li.astype(np.int64), ri.astype(np.int64), keyed, stats)


def _key_frame(frame: pl.DataFrame, spec: BlockSpec) -> pl.DataFrame:
    cols = [POS, *spec.keys, AMOUNT, DATE]
    out = frame.select(cols)
    for key, is_list in zip(spec.keys, spec.list_keys, strict=True):
        if is_list:
            out = out.explode(key)
    out = out.drop_nulls(list(spec.keys))
    if any(spec.list_keys):
        out = out.unique(subset=[POS, *spec.keys], maintain_order=True)
    hashed = (
        pl.struct(list(spec.keys)).hash() if len(spec.keys) > 1 else pl.col(spec.keys[0]).hash()
    )
    return out.with_columns(hashed.alias("_h"))


def _keys_equal(
    lk: pl.DataFrame, rk: pl.DataFrame, li: IntArray, ri: IntArray, keys: tuple[str, ...]
) -> BoolArray:
    ok = np.ones(li.shape, np.bool_)
    for key in keys:
        eq = (lk[key].gather(li) == rk[key].gather(ri)).fill_null(False)
        ok &= eq.to_numpy()
    return ok


def _mix(block: HashArray, bucket: IntArray) -> HashArray:
    """Combine a block hash with a date bucket (splitmix64 finaliser; wraps by design)."""
    x = block ^ (bucket.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    x ^= x >> np.uint64(31)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(29)
    return x


def _windowed(
    left: pl.DataFrame,
    right: pl.DataFrame,
    spec: BlockSpec,
    limits: Limits,
    lblock: HashArray,
    rblock: HashArray | None = None,
) -> tuple[IntArray, IntArray, int]:
    """Sorted-window join within blocks; returns row indices into ``left``/``right``."""
    if rblock is None:
        rblock = np.zeros(right.height, np.uint64)
    lrows = np.arange(left.height, dtype=np.int64)
    rrows = np.arange(right.height, dtype=np.int64)
    if spec.date_window is not None:
        # A required date: records without one can never pass.
        lrows = lrows[left[DATE].is_not_null().to_numpy()]
        rrows = rrows[right[DATE].is_not_null().to_numpy()]
    lblock, rblock = lblock[lrows], rblock[rrows]
    ld = left[DATE].fill_null(0).to_numpy().astype(np.int64)[lrows]
    rd = right[DATE].fill_null(0).to_numpy().astype(np.int64)[rrows]
    if spec.amount is not None and not spec.grouped:
        lval = left[AMOUNT].to_numpy().astype(np.int64)[lrows]
        rval = right[AMOUNT].to_numpy().astype(np.int64)[rrows]
        lrad = amount_radius(lval, spec.amount)
        if spec.date_window is not None:
            # Buckets of 2w+1 days: a left window [d-w, d+w] touches at most two of them, so each
            # left row is searched in one or two (block, bucket) cells.
            width = 2 * spec.date_window + 1
            lo_b = (ld - spec.date_window) // width
            hi_b = (ld + spec.date_window) // width
            second = np.flatnonzero(hi_b != lo_b)
            expand = np.concatenate([np.arange(lrows.size, dtype=np.int64), second])
            lblock = _mix(lblock[expand], np.concatenate([lo_b, hi_b[second]]))
            lrows, lval, lrad = lrows[expand], lval[expand], lrad[expand]
            rblock = _mix(rblock, rd // width)
    else:
        lval, rval = ld, rd
        lrad = np.full(lval.shape, spec.date_window or 0, dtype=np.int64)
    li, ri, trunc = window_search(lblock, lval, lrad, rblock, rval, limits.max_candidates)
    return lrows[li], rrows[ri], trunc


def window_search(
    lblock: HashArray,
    lval: IntArray,
    lrad: IntArray,
    rblock: HashArray,
    rval: IntArray,
    cap: int,
) -> tuple[IntArray, IntArray, int]:
    """All (i, j) with ``lblock[i] == rblock[j]`` and ``|lval[i] - rval[j]| <= lrad[i]``.

    Blocks are densely ranked, then (block, value) is packed into one int64 so a single sort and
    two binary searches find every left row's slice. At most ``cap`` partners are kept per left
    row (those nearest its value); the number of truncated rows is returned.
    """
    n_l, n_r = lval.size, rval.size
    if n_l == 0 or n_r == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty, 0
    ranks = pl.Series(np.concatenate([lblock, rblock])).rank("dense").to_numpy().astype(np.int64)
    lb, rb = ranks[:n_l], ranks[n_l:]
    lo, hi = lval - lrad, lval + lrad
    vmin = int(min(rval.min(), lo.min()))
    vmax = int(max(rval.max(), hi.max()))
    span = vmax - vmin + 1
    n_blocks = int(ranks.max()) + 1
    if n_blocks * span < 2**62:
        base = np.int64(vmin)
        r_code = rb * span + (rval - base)
        lo_code = lb * span + (lo - base)
        hi_code = lb * span + (hi - base)
        mid_code = lb * span + (lval - base)
    else:
        # Values too far apart to pack: replace them by their rank among all values (order is
        # all a window search needs), which keeps the packed code small.
        allv = np.concatenate([rval, lo, hi, lval])
        uniq, inv = np.unique(allv, return_inverse=True)
        span = int(uniq.size)
        rv, lov, hiv, midv = np.split(inv.astype(np.int64), [n_r, n_r + n_l, n_r + 2 * n_l])
        r_code = rb * span + rv
        lo_code = lb * span + lov
        hi_code = lb * span + hiv
        mid_code = lb * span + midv
    order = np.argsort(r_code, kind="stable")
    sorted_codes = r_code[order]
    # Binary searches run about ten times faster on sorted queries (cache-friendly), which
    # more than pays for sorting them.
    queries = np.argsort(mid_code, kind="stable")
    lo_code, hi_code, mid_code = lo_code[queries], hi_code[queries], mid_code[queries]
    start = np.searchsorted(sorted_codes, lo_code, side="left")
    end = np.searchsorted(sorted_codes, hi_code, side="right")
    counts = end - start
    over = counts > cap
    truncated = int(over.sum())
    if truncated:
        centre = np.searchsorted(sorted_codes, mid_code[over], side="left")
        s = np.clip(centre - cap // 2, start[over], end[over] - cap)
        start[over] = s
        end[over] = s + cap
        counts = end - start
    total = int(counts.sum())
    li = np.repeat(queries.astype(np.int64), counts)
    offsets = np.cumsum(counts) - counts
    within = np.arange(total, dtype=np.int64) - np.repeat(offsets, counts)
    ri = order[np.repeat(start, counts) + within].astype(np.int64)
    return li, ri, truncated
