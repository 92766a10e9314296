"""Matching rules: the JSON-serialisable description of how two record sets are paired.

A :class:`RuleSet` is an ordered list of :class:`Rule` objects (earlier rules win). Each rule is a
conjunction of conditions (``equals``, ``amount``, ``date``, ``fuzzy``) with a weight each, a
cardinality and two score thresholds. Tolerances are decimal strings, converted to exact integer
units (see :mod:`tally.money`); nothing here is ever a float amount.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Literal, Self

import polars as pl
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from tally.money import AmountPrecisionError, to_units

TEXT_FIELDS: tuple[str, ...] = (
    "reference",
    "currency",
    "description",
    "counterparty",
    "counterparty_account",
    "transaction_id",
)
DATE_FIELDS: tuple[str, ...] = ("booking_date", "value_date")
# Record fields that are not text; duplicate detection may compare them too.
RECORD_VALUE_FIELDS: tuple[str, ...] = (*DATE_FIELDS, "amount")
EXTRA_PREFIX = "extra."
PPM = 1_000_000  # percentage tolerances are held as integer parts per million
_MAX_FEE_RATES = 10
# A group's members: a card scheme settles a terminal's whole day (dozens of receipts) as one
# row. Searches stay bounded by counts whatever the size (tally.matching.sums.SearchBudget).
MAX_GROUP_SIZE = 60

_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
# ``extra.<column>`` names an unmapped column as the file's header spells it ("N° facture",
# "Rechnungsnr Lieferant"): any character but quotes, backslashes and control characters, which
# could not be written inside the JSON path that reads it (tally.matching.fields.field_expr).
_EXTRA_RE = re.compile(r"^extra\.[^'\"\\\x00-\x1f]{1,64}$")

Normaliser = Literal["case", "whitespace", "leading_zeros", "punctuation"]
Scorer = Literal["ratio", "partial_ratio", "token_sort_ratio", "token_set_ratio", "WRatio"]


class Cardinality(StrEnum):
    ONE_TO_ONE = "one_to_one"
    ONE_TO_MANY = "one_to_many"  # one left record equals the sum of several right records
    MANY_TO_ONE = "many_to_one"  # several left records sum to one right record
    MANY_TO_MANY = "many_to_many"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Condition(_Model):
    weight: float = Field(default=1.0, gt=0, le=100)
    # A required condition must hold for a pair to match; an optional one only adds to the score.
    required: bool = True


class EqualsCondition(_Condition):
    """Normalised text equality, optionally comparing left ``field`` with right ``right_field``."""

    type: Literal["equals"] = "equals"
    field: str
    right_field: str | None = None
    normalisers: tuple[Normaliser, ...] = ()
    # "pass": a pair whose value is missing on either side passes; only values present on both
    # sides must agree (a fallback rule pairing records without an order id must not pair two
    # that quote different ones). Such a condition blocks no candidates.
    missing: Literal["fail", "pass"] = Field(
        default="fail", exclude_if=lambda missing: missing == "fail"
    )

    @property
    def blocks(self) -> bool:
        """Whether candidates are found by this condition's key (required, never missing)."""
        return self.required and self.missing == "fail"

    @property
    def other_field(self) -> str:
        return self.right_field or self.field


def _check_pct(value: str, name: str) -> str:
    """A percentage as text: a decimal in [0, 100) with at most 4 decimal places."""
    try:
        pct = Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(f"{name} {value!r} is not a decimal number") from exc
    if not pct.is_finite() or pct < 0 or pct >= 100:
        raise ValueError(
            f"{name} must be a percentage in [0, 100) ('2.5' means 2.5 percent, "
            f"not 0.025), got {value!r}"
        )
    scaled = pct.scaleb(4)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{name} {value!r} has more than 4 decimal places")
    return value


class AmountCondition(_Condition):
    """Amounts within an absolute and/or a percentage tolerance (the larger of the two applies).

    ``pct_tolerance`` is in percent ("2.5" means 2.5 %, not 0.025) of the larger absolute amount
    of the pair, so it is symmetric; ``max_abs`` caps what the percentage allows ("2.5 % but at
    most 5.00"). With ``sign="opposite"`` the right amount is negated first (bank debit against
    ledger credit).

    ``fee_rates`` instead of ``pct_tolerance``: a fee deducted at one of a few known percentages
    (a marketplace's commission by product category: "7", "10", "15"). The amount of the other
    side must be the ``fee_from`` side's (the gross amount) less one of the rates, within
    ``abs_tolerance`` (the fee's rounding). Far tighter than a percentage tolerance as wide as the largest
    rate, which admits every amount in between. In a one-to-many or many-to-one rule the fee is
    taken off the group's total (a card scheme settling a terminal's day net of its rate).
    """

    type: Literal["amount"] = "amount"
    abs_tolerance: str = Field(
        default="0", description="Allowed difference in currency units, e.g. '0.01'"
    )
    pct_tolerance: str | None = Field(
        default=None,
        description="Allowed difference in percent of the larger amount: '2.5' means 2.5 %",
    )
    max_abs: str | None = Field(
        default=None,
        description="Cap on what pct_tolerance allows, in currency units, e.g. '5.00'",
    )
    sign: Literal["same", "opposite"] = "same"
    fee_rates: tuple[str, ...] | None = Field(
        default=None,
        description="Fee percentages one of which is deducted from the gross side's amount: "
        "['7', '10', '15'] (exclusive with pct_tolerance; not in many_to_many rules)",
        # Unset, it is left out: rule sets written before fee rates keep their exact JSON
        # (stored versions, comparisons of inferred rule sets).
        exclude_if=lambda rates: rates is None,
    )
    fee_from: Literal["left", "right"] = Field(
        default="left",
        description="The gross side under fee_rates: its amount less the fee is the other's",
        exclude_if=lambda side: side == "left",
    )

    @field_validator("abs_tolerance", "max_abs")
    @classmethod
    def _check_abs(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        name = info.field_name
        try:
            units = to_units(value)
        except AmountPrecisionError as exc:
            raise ValueError(f"{name} {value!r}: {exc}") from exc
        except ValueError as exc:
            raise ValueError(
                f"{name} {value!r} is not a decimal number of currency units (e.g. '5.00')"
            ) from exc
        if units < 0:
            raise ValueError(f"{name} must not be negative, got {value!r}")
        return value

    @field_validator("pct_tolerance")
    @classmethod
    def _check_pct_tolerance(cls, value: str | None) -> str | None:
        return None if value is None else _check_pct(value, "pct_tolerance")

    @field_validator("fee_rates")
    @classmethod
    def _check_rates(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is None:
            return None
        if not 1 <= len(value) <= _MAX_FEE_RATES:
            raise ValueError(f"fee_rates lists 1 to {_MAX_FEE_RATES} percentages, got {len(value)}")
        for rate in value:
            _check_pct(rate, "fee_rates")
        return value

    @property
    def abs_units(self) -> int:
        return to_units(self.abs_tolerance)

    @model_validator(mode="after")
    def _check_cap(self) -> Self:
        if self.max_abs is not None and self.pct_tolerance is None:
            raise ValueError(
                "max_abs caps pct_tolerance: set pct_tolerance too (or use abs_tolerance alone)"
            )
        if self.fee_rates is not None and self.pct_tolerance is not None:
            raise ValueError(
                "fee_rates and pct_tolerance exclude each other: a fee at one of the rates, "
                "or any difference up to a percentage"
            )
        return self

    @property
    def rate_ppms(self) -> tuple[int, ...]:
        """The fee rates in parts per million (empty when unset)."""
        return tuple(int(Decimal(r).scaleb(4)) for r in self.fee_rates or ())

    @property
    def widest_ppm(self) -> int:
        """The largest share of the larger amount the condition lets the amounts differ by."""
        return max((self.pct_ppm, *self.rate_ppms))

    @property
    def cap_units(self) -> int | None:
        """The most the percentage may allow, in units (None: uncapped)."""
        return None if self.max_abs is None else to_units(self.max_abs)

    @property
    def pct_ppm(self) -> int:
        """The percentage tolerance in parts per million of the larger amount (0 when unset)."""
        if self.pct_tolerance is None:
            return 0
        return int(Decimal(self.pct_tolerance).scaleb(4))

    @property
    def sign_factor(self) -> int:
        return -1 if self.sign == "opposite" else 1


class DateCondition(_Condition):
    """Dates at most ``window_days`` apart (either direction, unless ``direction`` says)."""

    type: Literal["date"] = "date"
    field: Literal["booking_date", "value_date"] = "booking_date"
    right_field: Literal["booking_date", "value_date"] | None = None
    window_days: int = Field(default=3, ge=0, le=366)
    # "right_after": the right date is the left date or up to window_days later (a payout
    # follows its order), "right_before" the other way round.
    direction: Literal["either", "right_after", "right_before"] = Field(
        default="either", exclude_if=lambda direction: direction == "either"
    )

    @property
    def other_field(self) -> str:
        return self.right_field or self.field


class FuzzyCondition(_Condition):
    """Text similarity (rapidfuzz, 0..100) at least ``threshold``."""

    type: Literal["fuzzy"] = "fuzzy"
    field: str = "description"
    right_field: str | None = None
    scorer: Scorer = "token_set_ratio"
    threshold: float = Field(default=85.0, ge=0, le=100)
    normalisers: tuple[Normaliser, ...] = ("case", "punctuation")

    @property
    def other_field(self) -> str:
        return self.right_field or self.field


Condition = Annotated[
    EqualsCondition | AmountCondition | DateCondition | FuzzyCondition,
    Field(discriminator="type"),
]


class DerivedField(_Model):
    """A field extracted from free text by a regex with a named group.

    ``multiple=True`` keeps every occurrence (a bank line quoting three invoices yields three
    values); an equals condition on such a field holds when any value is equal.
    """

    name: str
    source: str = "description"
    pattern: str
    group: str | None = None  # the named group holding the value; default: the only named group
    normalisers: tuple[Normaliser, ...] = ()
    multiple: bool = False

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        if not _NAME_RE.match(value):
            raise ValueError(f"derived field name {value!r} must be an identifier")
        if value in TEXT_FIELDS or value in DATE_FIELDS or value in ("id", "amount", "extra"):
            raise ValueError(f"derived field name {value!r} clashes with a record field")
        return value

    @model_validator(mode="after")
    def _check_pattern(self) -> Self:
        names = _named_groups(self.pattern)
        if not names:
            raise ValueError(
                f"derived field {self.name!r}: pattern needs a named group, e.g. (?P<value>...)"
            )
        if self.group is None and len(names) > 1:
            raise ValueError(
                f"derived field {self.name!r}: pattern has several named groups {names}; "
                "set 'group'"
            )
        if self.group is not None and self.group not in names:
            raise ValueError(f"derived field {self.name!r}: no group {self.group!r} in pattern")
        try:  # the regex dialect is polars' (Rust regex): compile it there, not with `re`
            pl.Series([""], dtype=pl.String).str.extract_groups(self.pattern)
        except Exception as exc:  # polars raises ComputeError; any failure means invalid
            raise ValueError(f"derived field {self.name!r}: invalid pattern: {exc}") from exc
        if not (self.source in TEXT_FIELDS or _EXTRA_RE.match(self.source)):
            raise ValueError(
                f"derived field {self.name!r}: source must be a text field or extra.<name>, "
                f"got {self.source!r}"
            )
        return self

    @property
    def group_name(self) -> str:
        return self.group or _named_groups(self.pattern)[0]


def _named_groups(pattern: str) -> list[str]:
    return re.findall(r"\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>", pattern)


class Rule(_Model):
    """One matching rule: all required conditions must hold; the score ranks what passes."""

    name: str = Field(min_length=1, max_length=100)
    conditions: list[Condition] = Field(min_length=1, max_length=20)
    cardinality: Cardinality = Cardinality.ONE_TO_ONE
    max_group_size: int = Field(default=5, ge=2, le=MAX_GROUP_SIZE)
    auto: float = Field(default=0.9, ge=0, le=1)
    suggest: float = Field(default=0.6, ge=0, le=1)
    # Report pairs equal on the key conditions but outside the amount/date tolerance.
    report_discrepancies: bool = True

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.suggest > self.auto:
            raise ValueError(
                f"rule {self.name!r}: suggest threshold {self.suggest} is above auto {self.auto}"
            )
        amounts = [c for c in self.conditions if isinstance(c, AmountCondition)]
        dates = [c for c in self.conditions if isinstance(c, DateCondition)]
        if len(amounts) > 1 or len(dates) > 1:
            raise ValueError(f"rule {self.name!r}: at most one amount and one date condition")
        keys = self.key_conditions
        if self.cardinality is Cardinality.ONE_TO_ONE:
            if not keys and not (amounts and amounts[0].required):
                raise ValueError(
                    f"rule {self.name!r}: needs a required equals or amount condition to find "
                    "candidates without comparing every pair"
                )
        else:
            if not keys:
                raise ValueError(
                    f"rule {self.name!r}: {self.cardinality.value} rules need a required equals "
                    "condition (the blocking key the groups are searched within)"
                )
            if not amounts or not amounts[0].required:
                raise ValueError(
                    f"rule {self.name!r}: {self.cardinality.value} rules need a required amount "
                    "condition (it is applied to the sums)"
                )
            if amounts[0].fee_rates is not None and self.cardinality is Cardinality.MANY_TO_MANY:
                raise ValueError(
                    f"rule {self.name!r}: fee_rates apply to pair, one_to_many and many_to_one "
                    "rules (the fee comes off one total): use pct_tolerance for many_to_many"
                )
        return self

    @property
    def key_conditions(self) -> list[EqualsCondition]:
        return [c for c in self.conditions if isinstance(c, EqualsCondition) and c.blocks]

    @property
    def amount_condition(self) -> AmountCondition | None:
        return next((c for c in self.conditions if isinstance(c, AmountCondition)), None)

    @property
    def date_condition(self) -> DateCondition | None:
        return next((c for c in self.conditions if isinstance(c, DateCondition)), None)

    @property
    def identifying_keys(self) -> bool:
        """Whether the key conditions identify a record (not just ``currency``)."""
        return any(
            c.field != "currency" or c.other_field != "currency" for c in self.key_conditions
        )


class RuleSet(_Model):
    """An ordered list of rules (priority = order) plus derived fields they may reference."""

    version: int = Field(default=1, ge=1)
    rules: list[Rule] = Field(min_length=1, max_length=50)
    derived_fields: list[DerivedField] = Field(default_factory=list, max_length=50)
    # Fields that (with amount and booking date) identify a duplicate within one source: any
    # record field, extra.<column> or derived field. The default is the key fields of the first
    # rule that has any.
    duplicate_fields: list[str] | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        names = [r.name for r in self.rules]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"rule names must be unique, repeated: {dupes}")
        derived = [d.name for d in self.derived_fields]
        if len(set(derived)) != len(derived):
            raise ValueError("derived field names must be unique")
        known = set(derived)
        for rule in self.rules:
            for cond in rule.conditions:
                if isinstance(cond, EqualsCondition | FuzzyCondition):
                    for name in (cond.field, cond.other_field):
                        if not self._is_text_field(name, known):
                            raise ValueError(
                                f"rule {rule.name!r}: unknown field {name!r}; use one of "
                                f"{', '.join(TEXT_FIELDS)}, extra.<name> or a derived field"
                            )
        for name in self.duplicate_fields or ():
            if not (self._is_text_field(name, known) or name in RECORD_VALUE_FIELDS):
                accepted = [*TEXT_FIELDS, *RECORD_VALUE_FIELDS, "extra.<column>", *derived]
                raise ValueError(
                    f"duplicate_fields: unknown field {name!r}; accepted: {', '.join(accepted)}"
                )
        return self

    @staticmethod
    def _is_text_field(name: str, derived: set[str]) -> bool:
        return name in TEXT_FIELDS or name in derived or bool(_EXTRA_RE.match(name))

    def derived(self, name: str) -> DerivedField | None:
        return next((d for d in self.derived_fields if d.name == name), None)

    def resolved_duplicate_fields(self) -> list[str]:
        if self.duplicate_fields is not None:
            return list(self.duplicate_fields)
        for rule in self.rules:
            keys = [c.field for c in rule.key_conditions if c.field == c.other_field]
            single = [k for k in keys if not self._is_multi(k)]
            if single:
                return single
        return ["description", "counterparty"]

    def _is_multi(self, name: str) -> bool:
        d = self.derived(name)
        return d is not None and d.multiple

    @classmethod
    def from_json(cls, text: str | bytes) -> RuleSet:
        return cls.model_validate_json(text)

    def to_json(self) -> str:
        return self.model_dump_json(exclude_defaults=False)
