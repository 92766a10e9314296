"""Key discovery for rule inference: which fields pair the two sides, found from values alone.

Every text field of each side (and each ``extra.<name>`` the records carry) is read four ways:
its whole value, the identifier-like tokens inside it (letters + digits, e.g. ``INV-1001`` or
``2025/001234``), the number part of those tokens and, for a number of several digit runs, its
last run alone (the sequence of ``PL-2025-004512`` is ``4512``: a bank's document column quotes
it without the year), all normalised as the engine normalises keys (case, spaces, punctuation,
leading zeros). One hash join of all of them finds, for every
pair of (left reading, right reading), the records sharing a *rare* value (a value held by at
most a few records of a side identifies; a customer name or a currency does not), and the share
of those pairs whose amounts agree (a real key pairs records of related amounts, a coincidence of
postcodes or dates does not). The best pair becomes the key; when a side's key sits inside free
text, the shape of the tokens the sides share becomes a derived field's regex.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl
from rapidfuzz import fuzz
from rapidfuzz import process as rf_process

from tally.matching.fields import ROW, key_expr, normalise
from tally.matching.rules import (
    EXTRA_PREFIX,
    TEXT_FIELDS,
    AmountCondition,
    DerivedField,
    EqualsCondition,
    Normaliser,
    Rule,
    RuleSet,
)

KEY_NORMALISERS: tuple[Normaliser, ...] = ("case", "whitespace", "punctuation", "leading_zeros")
# An identifier-like token: an optional word of letters (a prefix such as INV or RE) and a number
# of one or more digit runs joined by - _ / . (2025/001234).
_IDENTIFIER = r"(?i)\b(?:[a-z]{1,8}[-_/.#: ]{0,2})?\d+(?:[-_/.]\d+)*"
# The number part of a token: its digit runs, before a letter suffix if any (104233-A).
_NUMBER = r"(\d+(?:[-_/.]\d+)*)(?:[-_/.]?[A-Za-z]{1,3})?$"
# The sequence part of a number of several digit runs: its last run without leading zeros
# (2025-004512 -> 4512), as the key normalisers leave it (digits only: nothing else to do),
# and of the _MIN_DIGITS a reading needs (a shorter run, a date's month, is dropped here).
_SEQUENCE = r"[-_/.]0*([1-9]\d{2,})$"
# A key value identifies a record on one side (at most RARE_PER_SIDE records) and at most a
# group on the other (GROUP_PER_SIDE): a customer name or a currency does neither.
RARE_PER_SIDE = 3
GROUP_PER_SIDE = 10
# An identifier without a number: letters and digits mixed, this long (po_1xPOkr0gftoy0ZtI).
_WORD = r"\b[A-Za-z0-9]+(?:[-_/.][A-Za-z0-9]+)*"
_MIN_WORD = 8
_MIN_DIGITS = 3
_MAX_EXTRA_KEYS = 12
_MIN_FILLED = 0.05  # share of the records a text field must be filled in to be read
_EXTRA_NAME = re.compile(r"^[^'\"\\\x00-\x1f]{1,64}$")  # what extra.<name> accepts
# Simplest first: of two readings pairing as many records, the simpler one is the key.
_READINGS = ("value", "token", "number", "sequence")
_CHANCE_SAMPLE = 400
_FUZZY_FLOOR, _FUZZY_CEILING = 80.0, 95.0
# Amounts of a keyed pair "agree" when within this share of the larger: fees and rounding pass,
# while keys that only coincide (a date, a postcode) pair unrelated amounts.
_AGREE_PPM = 100_000
# A simpler reading of the same fields is preferred when it pairs nearly every record the best
# reading pairs (a multi-valued token reading also catches lines quoting several keys).
_SIMPLER_SHARE = 0.995
# Readings of the winning fields pairing at least this share of its records are built as
# derived fields and compared by what the engine's key expressions pair.
_CONSIDER_SHARE = 0.5

# field_expr/key_expr need a rule set only to resolve derived fields; plain fields need none.
_PLAIN = RuleSet(rules=[Rule(name="plain", conditions=[AmountCondition()])])


@dataclass(frozen=True)
class Reading:
    field: str
    how: str  # one of _READINGS

    @property
    def label(self) -> str:
        return f"{self.field} ({self.how})" if self.how != "value" else self.field


@dataclass(frozen=True)
class KeyCandidate:
    left: Reading
    right: Reading
    records: int  # records holding a shared value whose two sides' amounts agree
    groups: int  # such values (a pair, a split, a batch: one each)
    keyed: int  # shared values in all
    agreement: float  # share of the shared values whose amounts agree


@dataclass(frozen=True)
class KeyChoice:
    """The key inferred: its equals condition, the derived fields it reads, its evidence."""

    condition: EqualsCondition
    derived: tuple[DerivedField, ...]
    best: KeyCandidate
    runner_up: KeyCandidate | None
    pairs: pl.DataFrame  # clean 1:1 keyed pairs: l_row, r_row (rows of the frames given)
    note: str
    # Key values held by several records of a side whose totals agree: l_amount, r_amount (the
    # totals) of each split, batch or payout, for the tolerance of sums.
    groups: pl.DataFrame = field(default_factory=pl.DataFrame)
    # The most records of one side one record's key values reach with agreeing amounts.
    fan_out: int = 1
    shapes: dict[str, TokenShapes] = field(default_factory=dict)  # of each derived key field
    second: SecondKey | None = None  # another pair of fields that is a key for other records

    def rule_set(self) -> RuleSet:
        """A rule set holding the key and its derived fields (what the engine reads)."""
        return key_rule_set(self.condition, self.derived)


def key_rule_set(condition: EqualsCondition, derived: Sequence[DerivedField]) -> RuleSet:
    return RuleSet(
        rules=[Rule(name="key", conditions=[condition, AmountCondition()])],
        derived_fields=list(derived),
    )


@dataclass(frozen=True)
class SecondKey:
    condition: EqualsCondition
    derived: tuple[DerivedField, ...]
    note: str


def text_fields(frame: pl.DataFrame) -> list[str]:
    """Text fields with values in at least a twentieth of the records, ``extra.<name>``
    included: a key may be held by a minority of the records (credit notes naming their order
    in a column of their own)."""
    if frame.height == 0:
        return []
    filled = frame.select(
        [
            (pl.col(c).str.len_bytes() > 0).sum().alias(c)
            for c in TEXT_FIELDS
            if c in frame.columns and c != "currency"
        ]
    ).row(0, named=True)
    names = [c for c, n in filled.items() if n >= frame.height * _MIN_FILLED]
    if "extra" in frame.columns:
        keys: Counter[str] = Counter()
        rows = frame["extra"].drop_nulls().head(2_000).to_list()
        for row in rows:
            try:
                values = json.loads(row)
            except ValueError:
                continue
            if isinstance(values, dict):
                keys.update(k for k, v in values.items() if isinstance(v, str) and v)
        names += [
            f"{EXTRA_PREFIX}{k}"
            for k, n in keys.most_common(_MAX_EXTRA_KEYS)
            if n >= len(rows) * _MIN_FILLED and _EXTRA_NAME.match(k)
        ]
    return names


def _readings(frame: pl.DataFrame, names: list[str], side: str) -> pl.DataFrame:
    """(reading index, row, value, raw) for every reading of every field of one side."""
    parts: list[pl.DataFrame] = []
    for f, name in enumerate(names):
        text = plain_field(name)
        whole = frame.select(
            pl.col(ROW).alias("row"),
            normalise(text, KEY_NORMALISERS).alias("value"),
            text.alias("raw"),
        ).with_columns(pl.lit(_reading_id(f, "value"), dtype=pl.Int32).alias("reading"))
        found = pl.concat_list(text.str.extract_all(_IDENTIFIER), text.str.extract_all(_WORD))
        tokens = (
            frame.select(pl.col(ROW).alias("row"), found.alias("raw"))
            .explode("raw")
            .drop_nulls("raw")
        )
        token = tokens.with_columns(
            normalise(pl.col("raw"), KEY_NORMALISERS).alias("value"),
            pl.lit(_reading_id(f, "token"), dtype=pl.Int32).alias("reading"),
        )
        # The number's raw is its whole token: the shape learned from it keeps the prefix the
        # number is read past (token_shapes).
        number = tokens.with_columns(
            normalise(pl.col("raw").str.extract(_NUMBER), KEY_NORMALISERS).alias("value"),
            pl.lit(_reading_id(f, "number"), dtype=pl.Int32).alias("reading"),
        )
        # The raw stays the whole token: the derived field's regex is learned from its runs
        # and reads the last one only where it follows the others, never a year alone.
        sequence = number.with_columns(
            pl.col("raw").str.extract(_SEQUENCE).alias("value"),
            pl.lit(_reading_id(f, "sequence"), dtype=pl.Int32).alias("reading"),
        ).drop_nulls("value")  # numbers of one run: their sequence is their number
        for part in (whole, token, number, sequence):
            parts.append(part.select("reading", "row", "value", "raw"))
    value = pl.col("value")
    digits = value.str.count_matches(r"\d")
    identifier = (digits >= _MIN_DIGITS) | (
        (digits >= 1) & (value.str.len_chars() >= _MIN_WORD) & value.str.contains(r"\p{L}")
    )
    out = pl.concat(parts).filter(value.is_not_null() & identifier)
    out = out.unique(["reading", "row", "value"], keep="first", maintain_order=True)
    out = out.filter(pl.len().over("reading", "value") <= GROUP_PER_SIDE)
    amounts = frame.select(pl.col(ROW).alias("row"), pl.col("amount"))
    return (
        out.join(amounts, on="row")
        .group_by("reading", "value")
        .agg(
            pl.len().alias("n"),
            pl.col("amount").sum().abs().alias("total"),
            pl.col("amount").abs().alias("amounts"),
            pl.col("raw").first(),
        )
        .rename({c: f"{side}_{c}" for c in ("reading", "n", "total", "amounts", "raw")})
    )


def _reading_id(field_index: int, how: str) -> int:
    """The number the reading join gives reading ``how`` of the field at ``field_index``."""
    return field_index * len(_READINGS) + _READINGS.index(how)


def _reading(names: list[str], reading_id: int) -> Reading:
    """The reading numbered ``reading_id`` (:func:`_reading_id`) of the fields ``names``."""
    field_index, how = divmod(reading_id, len(_READINGS))
    return Reading(names[field_index], _READINGS[how])


def readings(frame: pl.DataFrame) -> pl.DataFrame | None:
    """Every value a reading of ``frame``'s text fields can share with the other side (rare
    on this side), normalised as keys are (``value``), as a left side's readings: what
    :func:`reading_values` and :func:`key_candidates` read. None without text fields."""
    names = text_fields(frame)
    return _readings(frame, names, "l") if names else None


def reading_values(frame: pl.DataFrame) -> pl.Series:
    """The values of :func:`readings`."""
    found = readings(frame)
    return pl.Series("value", [], dtype=pl.String) if found is None else found["value"]


def plain_field(name: str) -> pl.Expr:
    """A record field's text (a column or ``extra.<name>``), empty text as null."""
    return key_expr(name, (), _PLAIN)


def key_candidates(
    left: pl.DataFrame,
    right: pl.DataFrame,
    right_fields: list[str] | None = None,
    *,
    left_readings: pl.DataFrame | None = None,
) -> tuple[list[str], list[str], pl.DataFrame]:
    """Every value shared by a left and a right reading, with how many records hold it on each
    side, their amounts' totals and whether those agree (a pair, a split, a batch or a payout
    settles when its sides' sums agree).

    Returns the field names of each side and one row per (``l_reading``, ``r_reading``,
    ``value``) with ``l_n``, ``r_n``, ``l_raw``, ``r_raw`` and ``agree``. ``left_readings``
    are :func:`readings` of ``left`` when the caller has them already.
    """
    lnames, rnames = text_fields(left), text_fields(right)
    if not lnames or not rnames:
        return lnames, rnames, pl.DataFrame()
    lv = left_readings if left_readings is not None else _readings(left, lnames, "l")
    rv = _readings(right, rnames, "r")
    joined = lv.join(rv, on="value").filter(pl.min_horizontal("l_n", "r_n") <= RARE_PER_SIDE)
    joined = joined.with_columns(_agree(pl.col("l_total"), pl.col("r_total")).alias("agree"))
    # A value a record shares with a few records of the other side, one of which it pays: an
    # order's number quoted by its sale, its refund and a chargeback (whose total is nothing).
    few = (pl.min_horizontal("l_n", "r_n") == 1) & (
        pl.max_horizontal("l_n", "r_n") <= RARE_PER_SIDE
    )
    pairwise = (
        joined.with_row_index("_i")
        .filter(few & ~pl.col("agree"))
        .select("_i", "l_amounts", "r_amounts")
        .explode("l_amounts")
        .explode("r_amounts")
        .filter(_agree(pl.col("l_amounts"), pl.col("r_amounts")))
        .select("_i")
        .unique()
    )
    joined = (
        joined.with_row_index("_i")
        .with_columns(pl.col("_i").is_in(pairwise["_i"].implode()).alias("agree_pair"))
        .drop("_i", "l_amounts", "r_amounts")
    )
    return lnames, rnames, joined


def rank(
    joined: pl.DataFrame, lnames: list[str], rnames: list[str], *, pairwise: bool = False
) -> list[KeyCandidate]:
    """Reading pairs by the records their agreeing values cover, most first (with
    ``pairwise``, a value also agrees when one of its pairs of records does)."""
    if joined.height == 0:
        return []
    agree = pl.col("agree") | pl.col("agree_pair") if pairwise else pl.col("agree")
    per = (
        joined.group_by("l_reading", "r_reading")
        .agg(
            (pl.col("l_n") + pl.col("r_n")).filter(agree).sum().alias("records"),
            agree.sum().alias("groups"),
            pl.len().alias("keyed"),
            agree.mean().alias("agreement"),
        )
        .sort("records", "l_reading", "r_reading", descending=[True, False, False])
    )
    out = []
    for row in per.iter_rows(named=True):
        out.append(
            KeyCandidate(
                left=_reading(lnames, row["l_reading"]),
                right=_reading(rnames, row["r_reading"]),
                records=int(row["records"]),
                groups=int(row["groups"]),
                keyed=int(row["keyed"]),
                agreement=float(row["agreement"]),
            )
        )
    return out


def choose_key(
    left: pl.DataFrame,
    right: pl.DataFrame,
    *,
    min_pairs: int,
    right_fields: list[str] | None = None,
    left_readings: pl.DataFrame | None = None,
) -> KeyChoice | None:
    """The key pairing the most records with agreeing amounts, or None when none does
    (``left_readings``: :func:`readings` of ``left``, when the caller has them)."""
    lnames, rnames, joined = key_candidates(left, right, right_fields, left_readings=left_readings)
    ranked = rank(joined, lnames, rnames)
    if not ranked or ranked[0].groups < min_pairs:
        return None
    top = ranked[0]
    # Each reading of the winning fields becomes the derived fields a rule would read, and is
    # judged by what the engine's own key expressions then pair: a learned regex can read a
    # token other than the one the reading join saw (the bank's "INV" word taken as the prefix
    # of a vendor's "102683-F"). The simplest reading that pairs nearly as many records wins:
    # a whole value beats a token, a token beats its number part.
    same = [
        c
        for c in ranked
        if c.left.field == top.left.field
        and c.right.field == top.right.field
        and c.records >= _CONSIDER_SHARE * top.records
    ]
    built = [_built_key(c, joined, lnames, rnames, left, right) for c in same]
    most = max(b.support for b in built)
    chosen = min(
        (b for b in built if b.support >= _SIMPLER_SHARE * most),
        key=lambda b: (
            _READINGS.index(b.candidate.left.how) + _READINGS.index(b.candidate.right.how),
            -b.support,
        ),
    )
    best = chosen.candidate
    fields = (best.left.field, best.right.field)
    runner_up = next((c for c in ranked if (c.left.field, c.right.field) != fields), None)
    # The second key is ranked by pairs too: its values are often quoted by several records
    # the first key pairs already (the sale of an order refunded later).
    runner_up = next(
        (
            c
            for c in rank(joined, lnames, rnames, pairwise=True)
            if (c.left.field, c.right.field) != fields and c.left.field != fields[0]
        ),
        runner_up,
    )
    second = None
    # A second pair of fields sharing rare values with agreeing amounts is a key of its own
    # (a credit note naming its order in another column than orders hold their number).
    if runner_up is not None and runner_up.groups >= min_pairs:
        built_second = _built_key(runner_up, joined, lnames, rnames, left, right, tag="key2")
        second = SecondKey(
            built_second.condition,
            built_second.derived,
            f"{runner_up.left.label} (left) equals {runner_up.right.label} (right), "
            f"{runner_up.groups} shared values with agreeing amounts",
        )
    pairs = keyed_pairs(left, right, chosen.condition, chosen.rule_set)
    note = (
        f"{best.left.label} (left) equals {best.right.label} (right) after normalising case, "
        f"spaces, punctuation and leading zeros"
    )
    for d in chosen.derived:
        note += f"; {d.name} = every match of {d.pattern} in {d.source}"
    return KeyChoice(
        chosen.condition,
        chosen.derived,
        best,
        runner_up,
        pairs,
        note,
        chosen.groups,
        chosen.fan_out,
        chosen.shapes,
        second,
    )


@dataclass(frozen=True)
class _BuiltKey:
    candidate: KeyCandidate
    condition: EqualsCondition
    derived: tuple[DerivedField, ...]
    rule_set: RuleSet
    support: int  # records holding an engine key value whose sides' amounts agree
    groups: pl.DataFrame
    fan_out: int
    shapes: dict[str, TokenShapes]


def _built_key(
    candidate: KeyCandidate,
    joined: pl.DataFrame,
    lnames: list[str],
    rnames: list[str],
    left: pl.DataFrame,
    right: pl.DataFrame,
    *,
    tag: str = "key",
) -> _BuiltKey:
    """A reading pair as the equals condition and derived fields a rule reads, with what the
    engine's key expressions pair."""
    lr = _reading_id(lnames.index(candidate.left.field), candidate.left.how)
    rr = _reading_id(rnames.index(candidate.right.field), candidate.right.how)
    # Shapes are learned from every value the readings share, not only those whose amounts
    # agree alone: a credit note's number is quoted in a batch payment it only reduces.
    shared = joined.filter((pl.col("l_reading") == lr) & (pl.col("r_reading") == rr))
    derived: list[DerivedField] = []
    fields: list[str] = []
    shapes: dict[str, TokenShapes] = {}
    for side, reading, raws in (
        ("left", candidate.left, shared["l_raw"]),
        ("right", candidate.right, shared["r_raw"]),
    ):
        if reading.how == "value":
            fields.append(reading.field)
            continue
        name = f"{side}_{slug(reading.field)}_{tag}"
        shapes[name] = token_shapes(
            raws.to_list(),
            number_only=reading.how in ("number", "sequence"),
            sequence=reading.how == "sequence",
        )
        derived.append(
            DerivedField(
                name=name,
                source=reading.field,
                pattern=shapes[name].pattern(),
                normalisers=KEY_NORMALISERS,
                multiple=True,
            )
        )
        fields.append(name)
    condition = EqualsCondition(
        field=fields[0],
        right_field=fields[1] if fields[1] != fields[0] else None,
        normalisers=KEY_NORMALISERS,
    )
    rule_set = key_rule_set(condition, derived)
    values, links = _engine_keys(left, right, condition, rule_set)
    support = int(values.filter(pl.col("agree")).select(pl.col("l_n") + pl.col("r_n")).sum().item())
    groups = values.filter(pl.col("agree") & (pl.max_horizontal("l_n", "r_n") > 1)).select(
        pl.col("l_total").alias("l_amount"),
        pl.col("r_total").alias("r_amount"),
        pl.max_horizontal("l_n", "r_n").alias("size"),
    )
    return _BuiltKey(
        candidate, condition, tuple(derived), rule_set, support, groups, _fan_out(links), shapes
    )


def _engine_keys(
    left: pl.DataFrame, right: pl.DataFrame, condition: EqualsCondition, rule_set: RuleSet
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The key values the engine reads on both sides, rare on one side and shared.

    Returns one row per shared value (``l_n``, ``r_n``, ``l_total``, ``r_total``, ``agree``)
    and the record links they make (``l_row``, ``r_row``, ``k``)."""
    sides = []
    for frame, name, prefix in ((left, condition.field, "l"), (right, condition.other_field, "r")):
        key = key_expr(name, condition.normalisers, rule_set)
        values = frame.select(
            pl.col(ROW).alias(f"{prefix}_row"),
            pl.col("amount").alias(f"{prefix}_amount"),
            key.alias("k"),
        )
        if values.schema["k"] == pl.List(pl.String):
            values = values.explode("k")
        values = values.drop_nulls("k").unique([f"{prefix}_row", "k"])
        sides.append(
            values.with_columns(pl.len().over("k").alias(f"{prefix}_n")).filter(
                pl.col(f"{prefix}_n") <= GROUP_PER_SIDE
            )
        )
    links = sides[0].join(sides[1], on="k").filter(pl.min_horizontal("l_n", "r_n") <= RARE_PER_SIDE)
    per_value = [
        side.join(links.select("k").unique(), on="k")
        .group_by("k")
        .agg(pl.first(f"{p}_n"), pl.col(f"{p}_amount").sum().abs().alias(f"{p}_total"))
        for side, p in ((sides[0], "l"), (sides[1], "r"))
    ]
    values = (
        per_value[0]
        .join(per_value[1], on="k")
        .with_columns(_agree(pl.col("l_total"), pl.col("r_total")).alias("agree"))
    )
    return values, links.select("l_row", "r_row", "k").unique()


def _agree(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    big = pl.max_horizontal(a, b, pl.lit(1))
    return (a - b).abs() * 1_000_000 // big <= _AGREE_PPM


def _fan_out(links: pl.DataFrame) -> int:
    """The most key values one record shares with the other side: a payment quoting the
    numbers of six invoices (one of them a credit note) is a group of up to six. Values, not
    records, are counted, and amounts are not asked to agree: in large sources numbers repeat
    (every vendor numbers its own invoices), so one quoted number may reach several records
    and their total says nothing. (One value held by many records, a payout's id, is a key
    group of its own.)"""
    largest = 1
    for one in ("l", "r"):
        reach = links.group_by(f"{one}_row").agg(pl.col("k").n_unique().alias("size"))
        if reach.height:
            largest = max(largest, int(reach["size"].max()))  # type: ignore[arg-type]
    return largest


def key_values(
    frame: pl.DataFrame,
    name: str,
    normalisers: tuple[Normaliser, ...],
    rule_set: RuleSet,
    row: str | None = None,
) -> pl.DataFrame:
    """The distinct key values (``k``) the engine reads from field ``name`` of ``frame``, with
    the record's ``row`` column beside each when asked."""
    columns = [pl.col(row)] if row else []
    values = frame.select(*columns, key_expr(name, normalisers, rule_set).alias("k"))
    if values.schema["k"] == pl.List(pl.String):
        values = values.explode("k")
    elif row:  # one value per record: its (row, value) pairs are distinct already (the whole
        # left source at 1M x 1M: 0.23 of 0.51 CPU s went on finding that out)
        return values.drop_nulls("k")
    return values.drop_nulls("k").unique()


def keyed_pairs(
    left: pl.DataFrame, right: pl.DataFrame, condition: EqualsCondition, rule_set: RuleSet
) -> pl.DataFrame:
    """Pairs sharing a key value held by exactly one record of each side (``l_row``, ``r_row``),
    computed with the engine's own key expressions (what the rules will really see)."""
    sides = []
    for frame, name, prefix in ((left, condition.field, "l"), (right, condition.other_field, "r")):
        key = key_expr(name, condition.normalisers, rule_set)
        values = frame.select(pl.col(ROW).alias(f"{prefix}_row"), key.alias("k"))
        if values.schema["k"] == pl.List(pl.String):
            values = values.explode("k")
        values = values.drop_nulls("k").unique()
        sides.append(values.filter(pl.len().over("k") == 1))
    pairs = sides[0].join(sides[1], on="k").select("l_row", "r_row")
    # a record keyed to several values pairs with several partners: not a clean 1:1 pair
    return pairs.filter((pl.len().over("l_row") == 1) & (pl.len().over("r_row") == 1))


def slug(name: str) -> str:
    """A field name as a piece of an identifier (rule and derived-field names)."""
    slug = re.sub(
        r"[^A-Za-z0-9_]", "_", name.removeprefix(EXTRA_PREFIX).encode("ascii", "ignore").decode()
    )
    return slug.strip("_")[:40] or "extra"


@dataclass(frozen=True)
class TokenShapes:
    """The token shapes learned from the shared tokens of a key field, as regex alternatives.

    Each alternative is a letter prefix (literal, optional or none), digit runs joined by
    separators, with its last digit run kept apart so that blocks of consecutive numbers can
    drop its last digits (:meth:`pattern`), and an optional letter suffix (``104233-A``).
    """

    options: tuple[tuple[str, int, int, str], ...]  # (head, last run low, high, tail)
    # The number part only is the value: a letter prefix or suffix around it is read past.
    number_only: bool = False
    # Of a number-only reading, the letter prefixes seen before the number, glued to it or not
    # (FAC301000053, an end-to-end id quoting bill 301000053): read past, outside the value.
    lead: tuple[str, ...] = ()
    # The last digit run only is the value, read where it follows the head's runs and a
    # separator: a free run of its length would read the year of PL-2025-004512 too.
    sequence: bool = False

    def pattern(self, drop_digits: int = 0) -> str:
        """The regex of a token whose ``value`` group is the token (less its last
        ``drop_digits`` digits, which must follow). Every token ends where a word does not
        go on: without that, a number longer than the lengths seen ("INV 4500001168" against
        a learned INV + 5-7 digits) would match cut short, and the bank's word "INV" before
        another vendor's "102683-F" would be read as that number's prefix."""
        if not self.options:
            return rf"(?i)(?P<value>\b[A-Za-z0-9]{{3,}}){_WORD_END}"
        if self.sequence:
            return self._sequence_pattern(drop_digits)
        alternatives = []
        for head, low, high, tail in self.options:
            if drop_digits:
                if high <= drop_digits:  # a word, or a number too short to drop digits of
                    continue
                low, high = max(1, low - drop_digits), high - drop_digits
                alternatives.append(rf"{head}\d{{{low},{high}}}")
                continue
            run = rf"\d{{{low},{high}}}" if high else ""
            alternatives.append(f"{head}{run}{tail}")
        if not alternatives:
            return self.pattern()
        lead = ""
        if self.number_only and self.lead:
            # The token starts at a word boundary, either at a prefix seen or at the number
            # itself: a number glued to its prefix has no boundary of its own.
            words = "|".join(self.lead)
            lead = rf"(?:\b(?:{words})[-_/.#: ]{{0,2}}|\b)"
            alternatives = [a.removeprefix(r"\b") for a in alternatives]
        body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
        end = _LETTER_SUFFIX + "?" + _WORD_END if self.number_only else _WORD_END
        if drop_digits:
            return rf"(?i){lead}(?P<value>{body})\d{{{drop_digits}}}{end}"
        return rf"(?i){lead}(?P<value>{body}){end}"

    def _sequence_pattern(self, drop_digits: int) -> str:
        """The regex whose ``value`` group is the last digit run after one of the heads (the
        runs before it and their separators), of the lengths of every shape's last run."""
        heads = "|".join(sorted({head for head, _, _, _ in self.options if head}))
        if not heads:  # numbers of one run: no sequence apart from the number
            return dataclasses.replace(self, sequence=False).pattern(drop_digits)
        low = min(low for _, low, _, _ in self.options)
        high = max(high for _, _, high, _ in self.options)
        if drop_digits and high > drop_digits:
            low, high = max(1, low - drop_digits), high - drop_digits
            run = rf"(?P<value>\d{{{low},{high}}})\d{{{drop_digits}}}"
        else:
            run = rf"(?P<value>\d{{{low},{high}}})"
        return rf"(?i)(?:{heads}){run}{_LETTER_SUFFIX}?{_WORD_END}"


# A token ends at the end of the text or at a character that does not continue it (a letter
# or digit, or a joiner followed by one). polars' regex has no look-ahead: the character is
# consumed, outside the value group.
_WORD_END = r"(?:$|[^A-Za-z0-9_\-/.]|[-_/.](?:$|[^A-Za-z0-9]))"
_MIN_SHAPE_TOKENS, _MIN_SHAPE_SHARE, _MAX_SHAPES = 3, 0.001, 16
_LETTER_SUFFIX = r"(?:[-_/.]?[A-Za-z]{1,3})"
_SHAPE = re.compile(
    r"(?i)^(?P<prefix>(?:[a-z]{1,8}[-_/.#: ]{0,2}){0,2})(?P<number>\d+(?:[-_/.]\d+)*)"
    r"(?P<suffix>[-_/.]?[a-z]{1,3})?$"
)
# Compiled once: token_shapes reads every shared token (tens of thousands at 1M x 1M), and the
# re module's cache lookup per call cost more than the matching (0.7 of 2.2 CPU s, profiled).
_LETTERS, _NOT_LETTER = re.compile(r"[A-Za-z]+"), re.compile(r"[^A-Za-z]")
_SEPARATOR, _DIGITS = re.compile(r"[-_/.]"), re.compile(r"\d+")
_NUMBER_PART = re.compile(_NUMBER)


def token_pattern(raws: list[str], *, number_only: bool, sequence: bool = False) -> str:
    """A regex with one named group ``value`` matching tokens shaped like ``raws``."""
    return token_shapes(raws, number_only=number_only, sequence=sequence).pattern()


def token_shapes(raws: list[str], *, number_only: bool, sequence: bool = False) -> TokenShapes:
    """The shapes of ``raws``, learned, not assumed: the letter prefixes seen (kept literally,
    e.g. ``INV`` or ``RE``), the separators, per digit run its length range (widened by one
    digit so that numbers keep matching as they grow) and letter suffixes. With ``sequence``
    the value is the last digit run of numbers of several runs, the separator before it
    required."""
    Shape = tuple[str, tuple[str, ...], str]  # prefix, separators, suffix separator (or "")
    shapes: Counter[Shape | None] = Counter()
    lengths: dict[Shape, list[list[int]]] = {}
    suffixes: dict[Shape, list[int]] = {}
    words: list[str] = []  # identifiers of mixed letters and digits
    glued: Counter[str] = Counter()  # of number-only readings, prefixes glued to the number
    for raw in raws:
        found = _SHAPE.match(raw)
        if found is None and number_only:  # a number inside a word: its number alone
            number_part = _NUMBER_PART.search(raw)
            found = _SHAPE.match(number_part.group(1)) if number_part else None
        if found is None:
            words.append(raw)
            shapes[None] += 1
            continue
        # A prefix of letter words (CN-F2024/004729: a credit note of F2024/004729) is kept as
        # its words, any separator allowed between them.
        words_of = _LETTERS.findall(found["prefix"].upper())
        prefix = "" if number_only else " ".join(words_of)
        if number_only and words_of and found["prefix"][-1:].isalpha():
            glued[r"[-_/.#: ]{0,2}".join(re.escape(w) for w in words_of)] += 1
        # A number-only reading reads past a letter suffix (its pattern's end allows one).
        number, suffix = found["number"], "" if number_only else found["suffix"] or ""
        seps = tuple(_SEPARATOR.findall(number))
        suffix_letters = _NOT_LETTER.sub("", suffix)
        joined_by = len(suffix) > len(suffix_letters)
        key = (prefix, seps, "-" if joined_by else "." * bool(suffix))
        shapes[key] += 1
        lengths.setdefault(key, []).append([len(r) for r in _DIGITS.findall(number)])
        suffixes.setdefault(key, []).append(len(suffix_letters))
    # Every shape seen more than by chance is kept (a credit note's CN- before each vendor's
    # numbering is rare but systematic); a one-off token is not.
    least = max(_MIN_SHAPE_TOKENS, math.ceil(_MIN_SHAPE_SHARE * sum(shapes.values())))
    kept = [s for s, n in shapes.most_common(_MAX_SHAPES) if n >= least]
    kept = kept or [s for s, _ in shapes.most_common(1)]
    by_numbers: dict[tuple[str, int, int, str], set[str]] = {}
    options: list[tuple[str, int, int, str]] = []
    for shape in kept:
        if shape is None:
            options.append((_word_pattern(words), 0, 0, ""))
            continue
        prefix, seps, suffix_sep = shape
        runs = list(zip(*lengths[shape], strict=True))
        parts = []
        for i, run in enumerate(runs[:-1]):
            parts.append(rf"\d{{{max(1, min(run) - 1)},{max(run) + 1}}}")
            if sequence and i == len(runs) - 2:
                parts.append(r"[-_/.]")  # where the sequence starts: never inside a run
            elif i < len(seps):
                parts.append(r"[-_/. ]?")  # a payer may write a space for the separator
        tail = ""
        if suffix_sep:
            most = max(suffixes[shape])
            tail = ("[-_/.]?" if suffix_sep == "-" else "") + rf"[A-Za-z]{{1,{most}}}"
        last = runs[-1]
        shaped = ("".join(parts), max(1, min(last) - 1), max(last) + 1, tail)
        by_numbers.setdefault(shaped, set()).add(prefix)
    for (number, low, high, tail), prefixes in sorted(by_numbers.items()):
        letters = sorted(p for p in prefixes if p)
        head = number
        if letters:
            lead = "|".join(
                r"[-_/.#: ]{0,2}".join(re.escape(w) for w in p.split()) for p in letters
            )
            optional = "?" if "" in prefixes else ""
            head = rf"(?:\b(?:{lead})[-_/.#: ]{{0,2}}){optional}{number}"
        elif not number:
            head = r"\b"
        options.append((head, low, high, tail))
    glued_seen = tuple(sorted(p for p, n in glued.items() if n >= least))
    return TokenShapes(tuple(options), number_only, glued_seen, sequence)


def _word_pattern(words: list[str]) -> str:
    """Identifiers of mixed letters and digits (po_1xPOkr0gftoy0ZtI): the literal prefix they
    share before a separator, if any, then letters and digits of the lengths seen."""
    heads = Counter(re.match(r"[A-Za-z]*[-_/.#]?", w).group(0) for w in words)  # type: ignore[union-attr]
    head, count = heads.most_common(1)[0]
    lead = re.escape(head) if head and count >= 0.9 * len(words) else ""
    rest = [len(w) - len(head) if lead else len(w) for w in words]
    low, high = max(1, min(rest) - 1), max(rest) + 1
    return rf"\b{lead}[A-Za-z0-9]{{{low},{high}}}"


def chance_similarity(left: pl.DataFrame, right: pl.DataFrame, key: KeyChoice, seed: int) -> float:
    """The fuzzy-key threshold: just above the similarity 99 % of unrelated key pairs stay
    below, but low enough for one wrong character of a typical key (between 80 and 95). Keys of
    one shape (a fixed year, a long common prefix) look alike by chance far more often than
    short varied ones; amounts and dates then tell a typo from a neighbouring number."""
    rule_set = key.rule_set()
    texts: list[list[str]] = []
    for frame, name in ((left, key.condition.field), (right, key.condition.other_field)):
        values = frame.select(key_expr(name, KEY_NORMALISERS, rule_set).alias("k"))["k"]
        if values.dtype == pl.List(pl.String):
            values = values.list.first()
        values = values.drop_nulls()
        texts.append(values.sample(min(values.len(), _CHANCE_SAMPLE), seed=seed).to_list())
    if not texts[0] or not texts[1]:
        return _FUZZY_FLOOR
    sims = rf_process.cdist(texts[0], texts[1], scorer=fuzz.ratio, workers=1)
    # the true pairs among them (equal keys) are not chance
    chance = np.asarray(sims)[np.asarray(sims) < 100]
    if chance.size == 0:
        return _FUZZY_FLOOR
    # A single typed-wrong character must pass: the similarity of one edit of a typical key.
    length = float(np.median([len(t) for t in texts[0]]))
    one_edit = 100.0 * (1 - 1 / max(length, 1.0)) - 0.1
    threshold = min(float(np.quantile(chance, 0.99)) + 1, one_edit, _FUZZY_CEILING)
    return max(threshold, _FUZZY_FLOOR)
