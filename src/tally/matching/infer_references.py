"""Structured creditor references: a key whose one side is the other's number wrapped in check
digits, found from values alone.

Customers in much of Europe pay with the reference printed on the invoice, not its number: the
Finnish *viitenumero* (the number and a 7-3-1 weighted check digit), the Belgian structured
communication ``+++020/2400/12320+++`` (ten digits and their remainder by 97), the Norwegian KID
(Luhn or MOD11), the Swiss QR reference (a recursive modulo-10 check digit), each possibly
wrapped in an ISO 11649 ``RF`` reference. The ledger shows the invoice number (and the
reference only sometimes), so no value, token or number reading of the two sides is shared.

Every digit run of a text field (grouped by spaces or slashes, ``RF`` + two digits allowed in
front) is checked against those schemes; for a run that validates, its *payload* (the run less
its check digits and leading zeros) and its payload's last ``L`` digits (a reference holding a
customer number before the invoice number) are joined with the number part of the other side's
identifiers. A (field, field, scheme, payload part) pairing enough records with agreeing amounts,
most of them through runs that validate (a run of digits passes a one-digit check by chance one
time in ten), becomes a key: a derived field whose regex reads the payload part (the check digit
dropped, the ``RF`` head skipped) and, on the number side, the field or its number part. The key's
rules (1:1, splits and batches summed over it) are built like the inferred key's
(:func:`tally.matching.infer_candidates.candidate_rules`) and tried before it: a reference names
its invoice as surely as the invoice number does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from tally.matching.fields import ROW, normalise
from tally.matching.infer_candidates import Candidate
from tally.matching.infer_keys import (
    _IDENTIFIER,
    _NUMBER,
    KEY_NORMALISERS,
    KeyChoice,
    Reading,
    TokenShapes,
    _agree,
    plain_field,
    slug,
    text_fields,
    token_shapes,
)
from tally.matching.infer_models import AmountModel, DateModel
from tally.matching.infer_remittance import built_key, key_family, own_amount
from tally.matching.rules import DerivedField, EqualsCondition, FuzzyCondition

# A run of digits grouped by single spaces or slashes, optionally after an RF head.
_RUN = r"(?i)(?:\bRF\d{2} ?)?\d+(?:[ /]\d+)*"
_MIN_PAYLOAD = 4  # digits of a payload (and of the number it names)
_MIN_VALID = 0.9  # share of a key's agreeing pairs whose reference validates under its scheme
_MIN_BUILT = 0.8  # share of the discovered pairs the built regex must still pair
_SIMPLER = 0.995  # the whole payload is preferred to its last L digits when it pairs as many
_MAX_LENGTHS = 4  # number lengths tried as payload tails
# A reference ends where its digit run does: the end of the text, or a character that neither
# continues it nor starts another group of it (consumed outside the value: no look-ahead).
_END = r"(?:$|[^0-9/ ]|[ /](?:$|[^0-9]))"


def _weights731(digits: str) -> bool:
    weights = (7, 3, 1)
    total = sum(int(d) * weights[i % 3] for i, d in enumerate(reversed(digits[:-1])))
    return (10 - total % 10) % 10 == int(digits[-1])


def _luhn(digits: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(digits)):
        value = int(d) * (2 if i % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _mod11(digits: str) -> bool:
    total = sum(int(d) * (2 + i % 6) for i, d in enumerate(reversed(digits[:-1])))
    check = (11 - total % 11) % 11
    return check != 10 and check == int(digits[-1])


def _mod10_recursive(digits: str) -> bool:
    table = (0, 9, 4, 6, 8, 2, 7, 1, 3, 5)
    carry = 0
    for d in digits[:-1]:
        carry = table[(carry + int(d)) % 10]
    return (10 - carry) % 10 == int(digits[-1])


def _mod97(digits: str) -> bool:
    return (int(digits[:-2]) % 97 or 97) == int(digits[-2:])


# scheme -> (its check digits at the end, its test)
SCHEMES: dict[str, tuple[int, Callable[[str], bool]]] = {
    "mod97": (2, _mod97),  # Belgian structured communication
    "weights731": (1, _weights731),  # Finnish viitenumero
    "luhn": (1, _luhn),  # Norwegian KID (MOD10), many others
    "mod11": (1, _mod11),  # Norwegian KID (MOD11)
    "mod10_recursive": (1, _mod10_recursive),  # Swiss QR and ESR references
}


def rf_valid(compact: str) -> bool:
    """An ISO 11649 reference (``RF`` + two check digits + up to 21 letters or digits)."""
    if len(compact) < 5 or compact[:2].upper() != "RF" or not compact[2:4].isdigit():
        return False
    moved = (compact[4:] + compact[:4]).upper()
    try:
        return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1
    except ValueError:
        return False


def reference_payloads(raw: str) -> list[tuple[int, str, bool]]:
    """(check digits, payload, validates under a scheme of that length) of a digit run: the
    run less its last one or two digits, after an ``RF`` head (which must itself be valid)."""
    compact = raw.replace(" ", "").replace("/", "").upper()
    if compact.startswith("RF"):
        if not rf_valid(compact):
            return []
        compact = compact[4:]
    out = []
    for check in (1, 2):
        if len(compact) - check < _MIN_PAYLOAD:
            continue
        valid = any(test(compact) for c, test in SCHEMES.values() if c == check)
        out.append((check, compact[:-check], valid))
    return out


@dataclass(frozen=True)
class ReferenceKey:
    """A reference field on one side whose payload (part) is a number on the other."""

    ref_side: str  # "left" or "right"
    ref_field: str
    number_field: str
    check: int  # check digits at the end of the reference
    scheme: str  # the scheme most of its references validate under
    tail: int | None  # the payload's last digits that name the number (None: all of it)
    pairs: int  # agreeing pairs found
    numbers: int  # distinct numbers among them
    valid_share: float
    number_raws: tuple[str, ...]  # the number side's tokens that paired
    number_whole: float  # share of those whose whole field is the number

    def pattern(self) -> str:
        """The regex reading the payload part of every reference in the field."""
        check = rf"(?:[ /]?\d){{{self.check}}}"
        if self.tail is None:
            value = r"\d(?:[ /]?\d)*"
            return rf"(?i)(?:\bRF\d{{2}} ?|\b)(?P<value>{value}){check}{_END}"
        value = rf"(?:\d[ /]?){{{self.tail - 1}}}\d"
        return rf"(?i)(?P<value>{value}){check}{_END}"


def find_reference_keys(
    left: pl.DataFrame, right: pl.DataFrame, *, min_pairs: int
) -> list[ReferenceKey]:
    """The best reference key of each field holding references, in each direction (references
    on the right naming left numbers, and the reverse), when it pairs at least ``min_pairs``
    records with agreeing amounts: a bank may put the reference in a column of its own for some
    payments and inside the description for others."""
    found = []
    for ref_side, refs, numbers in (("right", right, left), ("left", left, right)):
        found += _best_direction(ref_side, refs, numbers, min_pairs)
    return sorted(found, key=lambda k: -k.pairs)


def _number_values(frame: pl.DataFrame, names: list[str]) -> pl.DataFrame:
    """(n_field, n_row, v, n_raw, whole, n_amount): the number part of each identifier of each
    text field, digits only, without leading zeros, held by one record of the field."""
    parts = []
    for i, name in enumerate(names):
        text = plain_field(name)
        tokens = (
            frame.select(
                pl.col(ROW).alias("n_row"),
                pl.col("amount").alias("n_amount"),
                text.str.extract_all(_IDENTIFIER).alias("n_raw"),
                normalise(text, KEY_NORMALISERS).alias("whole"),
            )
            .explode("n_raw")
            .drop_nulls("n_raw")
        )
        number = pl.col("n_raw").str.extract(_NUMBER).str.replace_all(r"\D", "")
        tokens = tokens.with_columns(
            number.str.replace(r"^0+", "").alias("v"), pl.lit(i, dtype=pl.Int32).alias("n_field")
        ).filter(pl.col("v").str.len_chars() >= _MIN_PAYLOAD)
        tokens = tokens.unique(["n_row", "v"]).filter(pl.len().over("v") == 1)
        parts.append(tokens.with_columns((pl.col("whole") == pl.col("v")).alias("whole")))
    if not parts:
        return pl.DataFrame()
    return pl.concat(parts)


def _reference_values(frame: pl.DataFrame, names: list[str], lengths: list[int]) -> pl.DataFrame:
    """(r_field, r_row, check, tail, v, valid, r_amount) of every digit run of every field."""
    rows: list[tuple[int, int, int, int, str, bool, int]] = []
    for i, name in enumerate(names):
        runs = frame.select(
            pl.col(ROW), pl.col("amount"), plain_field(name).str.extract_all(_RUN).alias("raw")
        ).explode("raw")
        for row, amount, raw in runs.drop_nulls("raw").iter_rows():
            for check, payload, valid in reference_payloads(raw):
                rows.append((i, row, check, 0, payload.lstrip("0"), valid, amount))
                for length in lengths:
                    if len(payload) > length:
                        tail = payload[-length:].lstrip("0")
                        rows.append((i, row, check, length, tail, valid, amount))
    schema = {
        "r_field": pl.Int32,
        "r_row": pl.Int64,
        "check": pl.Int32,
        "tail": pl.Int32,
        "v": pl.String,
        "valid": pl.Boolean,
        "r_amount": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row").unique(["r_field", "r_row", "check",
                                                                   "tail", "v"])  # fmt: skip


def _best_direction(
    ref_side: str, refs: pl.DataFrame, numbers: pl.DataFrame, min_pairs: int
) -> list[ReferenceKey]:
    rnames, nnames = text_fields(refs), text_fields(numbers)
    if not rnames or not nnames:
        return []
    nv = _number_values(numbers, nnames)
    if nv.height == 0:
        return []
    common = nv["v"].str.len_chars().value_counts(sort=True).head(_MAX_LENGTHS)
    lengths = [int(x) for x in common[common.columns[0]].to_list()]
    rv = _reference_values(refs, rnames, lengths)
    if rv.height == 0:
        return []
    joined = rv.join(nv, on="v").filter(_agree(pl.col("r_amount").abs(), pl.col("n_amount").abs()))
    if joined.height == 0:
        return []
    per = (
        joined.group_by("r_field", "n_field", "check", "tail")
        .agg(
            pl.struct("r_row", "n_row").n_unique().alias("pairs"),
            pl.col("valid").mean().alias("valid_share"),
        )
        .filter((pl.col("pairs") >= min_pairs) & (pl.col("valid_share") >= _MIN_VALID))
        .sort("pairs", "tail", descending=[True, False])
    )
    out = []
    for field in per["r_field"].unique(maintain_order=True).to_list():
        mine = per.filter(pl.col("r_field") == field)
        out.append(_reference_key(ref_side, mine, joined, refs, rnames, nnames))
    return out


def _reference_key(
    ref_side: str,
    per: pl.DataFrame,
    joined: pl.DataFrame,
    refs: pl.DataFrame,
    rnames: list[str],
    nnames: list[str],
) -> ReferenceKey:
    """The best reading of one reference field (``per``: its readings, most pairs first)."""
    top = per.row(0, named=True)
    # The whole payload is the simpler reading: preferred when it pairs nearly as many.
    whole = per.filter(
        (pl.col("n_field") == top["n_field"])
        & (pl.col("check") == top["check"])
        & (pl.col("tail") == 0)
        & (pl.col("pairs") >= _SIMPLER * top["pairs"])
    )
    if whole.height:
        top = whole.row(0, named=True)
    chosen = joined.filter(
        (pl.col("r_field") == top["r_field"])
        & (pl.col("n_field") == top["n_field"])
        & (pl.col("check") == top["check"])
        & (pl.col("tail") == top["tail"])
    )
    scheme = _scheme(chosen, refs, rnames[top["r_field"]], top["check"])
    return ReferenceKey(
        ref_side=ref_side,
        ref_field=rnames[top["r_field"]],
        number_field=nnames[top["n_field"]],
        check=int(top["check"]),
        scheme=scheme,
        tail=int(top["tail"]) or None,
        pairs=int(top["pairs"]),
        numbers=int(chosen["n_row"].n_unique()),
        valid_share=float(top["valid_share"]),
        number_raws=tuple(chosen["n_raw"].unique().sort().to_list()),
        number_whole=float(chosen["whole"].mean() or 0.0),  # type: ignore[arg-type]
    )


def _scheme(chosen: pl.DataFrame, refs: pl.DataFrame, name: str, check: int) -> str:
    """The scheme most of the paired references validate under (named in the evidence)."""
    rows = chosen.filter(pl.col("valid"))["r_row"].unique().head(200).implode()
    runs = (
        refs.filter(pl.col(ROW).is_in(rows))
        .select(plain_field(name).str.extract_all(_RUN).alias("raw"))
        .explode("raw")
        .drop_nulls()["raw"]
        .to_list()
    )
    counts = dict.fromkeys(SCHEMES, 0)
    for raw in runs:
        compact = raw.replace(" ", "").replace("/", "").upper()
        compact = compact[4:] if compact.startswith("RF") else compact
        for scheme, (digits, test) in SCHEMES.items():
            if digits == check and len(compact) > digits and test(compact):
                counts[scheme] += 1
    return max(counts, key=lambda s: counts[s])


def reference_key_choice(
    left: pl.DataFrame, right: pl.DataFrame, found: ReferenceKey, tag: str = "reference"
) -> KeyChoice | None:
    """The reference key as the condition and derived fields the engine reads, or None when
    the built regex no longer pairs what discovery found."""
    ref_name = f"{found.ref_side}_{slug(found.ref_field)}_{tag}"
    derived = [
        DerivedField(
            name=ref_name,
            source=found.ref_field,
            pattern=found.pattern(),
            normalisers=KEY_NORMALISERS,
            multiple=True,
        )
    ]
    # Shapes only feed the fuzzy and prefix rules, which a reference key does not propose.
    shapes: dict[str, TokenShapes] = {}
    number_side = "left" if found.ref_side == "right" else "right"
    number_name = found.number_field
    if found.number_whole < _MIN_VALID:
        number_name = f"{number_side}_{slug(found.number_field)}_{tag}"
        shapes[number_name] = token_shapes(list(found.number_raws), number_only=True)
        derived.append(
            DerivedField(
                name=number_name,
                source=found.number_field,
                pattern=shapes[number_name].pattern(),
                normalisers=KEY_NORMALISERS,
                multiple=True,
            )
        )
    fields = (number_name, ref_name) if found.ref_side == "right" else (ref_name, number_name)
    condition = EqualsCondition(field=fields[0], right_field=fields[1], normalisers=KEY_NORMALISERS)
    what = "the whole payload" if found.tail is None else f"its last {found.tail} digits"
    readings = (
        (Reading(found.number_field, "number"), Reading(found.ref_field, "reference"))
        if found.ref_side == "right"
        else (Reading(found.ref_field, "reference"), Reading(found.number_field, "number"))
    )
    note = (
        f"{found.ref_field} ({found.ref_side}) holds structured references ({found.scheme}, "
        f"{found.check} check digit{'s' if found.check > 1 else ''}; {found.valid_share:.0%} of "
        f"the paired ones valid) whose payload ({what}) is {found.number_field}'s number; "
        f"{found.pairs} pairs with agreeing amounts"
    )
    key = built_key(left, right, condition, tuple(derived), note, readings, shapes)
    if key.best.groups < _MIN_BUILT * found.numbers:
        return None  # the regex no longer pairs what discovery found
    return key


def reference_candidates(
    left: pl.DataFrame,
    right: pl.DataFrame,
    *,
    min_pairs: int,
    amount: AmountModel,
    dates: DateModel | None,
    currency: EqualsCondition | None,
    party: FuzzyCondition | None,
    period: int | None,
) -> tuple[list[Candidate], list[str]]:
    """The key rules (1:1, splits and batches) of each reference key found, named
    ``reference_*``, and a note per key."""
    out: list[Candidate] = []
    notes: list[str] = []
    for found in find_reference_keys(left, right, min_pairs=min_pairs):
        prefix = "reference" if not notes else f"reference{len(notes) + 1}"
        key = reference_key_choice(left, right, found, prefix)
        if key is None:
            continue
        notes.append(key.note)
        # A typo in a reference fails its check digit: no fuzzy rule.
        out += key_family(
            key,
            prefix,
            amount=own_amount(left, right, key, amount),
            dates=dates,
            currency=currency,
            party=party,
            period=period,
        )
    return out, notes
