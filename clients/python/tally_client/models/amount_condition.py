from __future__ import annotations

from collections.abc import Mapping
from typing import (
    Any,
    Literal,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define

from ..models.amount_condition_fee_from import AmountConditionFeeFrom
from ..models.amount_condition_sign import AmountConditionSign
from ..types import UNSET, Unset

T = TypeVar("T", bound="AmountCondition")


@_attrs_define
class AmountCondition:
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

        Attributes:
            abs_tolerance (str | Unset): Allowed difference in currency units, e.g. '0.01' Default: '0'.
            fee_from (AmountConditionFeeFrom | Unset): The gross side under fee_rates: its amount less the fee is the
                other's Default: AmountConditionFeeFrom.LEFT.
            fee_rates (list[str] | None | Unset): Fee percentages one of which is deducted from the gross side's amount:
                ['7', '10', '15'] (exclusive with pct_tolerance; not in many_to_many rules)
            max_abs (None | str | Unset): Cap on what pct_tolerance allows, in currency units, e.g. '5.00'
            pct_tolerance (None | str | Unset): Allowed difference in percent of the larger amount: '2.5' means 2.5 %
            required (bool | Unset):  Default: True.
            sign (AmountConditionSign | Unset):  Default: AmountConditionSign.SAME.
            type_ (Literal['amount'] | Unset):  Default: 'amount'.
            weight (float | Unset):  Default: 1.0.
    """

    abs_tolerance: str | Unset = "0"
    fee_from: AmountConditionFeeFrom | Unset = AmountConditionFeeFrom.LEFT
    fee_rates: list[str] | None | Unset = UNSET
    max_abs: None | str | Unset = UNSET
    pct_tolerance: None | str | Unset = UNSET
    required: bool | Unset = True
    sign: AmountConditionSign | Unset = AmountConditionSign.SAME
    type_: Literal["amount"] | Unset = "amount"
    weight: float | Unset = 1.0

    def to_dict(self) -> dict[str, Any]:
        abs_tolerance = self.abs_tolerance

        fee_from: str | Unset = UNSET
        if not isinstance(self.fee_from, Unset):
            fee_from = self.fee_from.value

        fee_rates: list[str] | None | Unset
        if isinstance(self.fee_rates, Unset):
            fee_rates = UNSET
        elif isinstance(self.fee_rates, list):
            fee_rates = self.fee_rates

        else:
            fee_rates = self.fee_rates

        max_abs: None | str | Unset
        if isinstance(self.max_abs, Unset):
            max_abs = UNSET
        else:
            max_abs = self.max_abs

        pct_tolerance: None | str | Unset
        if isinstance(self.pct_tolerance, Unset):
            pct_tolerance = UNSET
        else:
            pct_tolerance = self.pct_tolerance

        required = self.required

        sign: str | Unset = UNSET
        if not isinstance(self.sign, Unset):
            sign = self.sign.value

        type_ = self.type_

        weight = self.weight

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if abs_tolerance is not UNSET:
            field_dict["abs_tolerance"] = abs_tolerance
        if fee_from is not UNSET:
            field_dict["fee_from"] = fee_from
        if fee_rates is not UNSET:
            field_dict["fee_rates"] = fee_rates
        if max_abs is not UNSET:
            field_dict["max_abs"] = max_abs
        if pct_tolerance is not UNSET:
            field_dict["pct_tolerance"] = pct_tolerance
        if required is not UNSET:
            field_dict["required"] = required
        if sign is not UNSET:
            field_dict["sign"] = sign
        if type_ is not UNSET:
            field_dict["type"] = type_
        if weight is not UNSET:
            field_dict["weight"] = weight

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        abs_tolerance = d.pop("abs_tolerance", UNSET)

        _fee_from = d.pop("fee_from", UNSET)
        fee_from: AmountConditionFeeFrom | Unset
        if isinstance(_fee_from, Unset):
            fee_from = UNSET
        else:
            fee_from = AmountConditionFeeFrom(_fee_from)

        def _parse_fee_rates(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                fee_rates_type_0 = cast(list[str], data)

                return fee_rates_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        fee_rates = _parse_fee_rates(d.pop("fee_rates", UNSET))

        def _parse_max_abs(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        max_abs = _parse_max_abs(d.pop("max_abs", UNSET))

        def _parse_pct_tolerance(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        pct_tolerance = _parse_pct_tolerance(d.pop("pct_tolerance", UNSET))

        required = d.pop("required", UNSET)

        _sign = d.pop("sign", UNSET)
        sign: AmountConditionSign | Unset
        if isinstance(_sign, Unset):
            sign = UNSET
        else:
            sign = AmountConditionSign(_sign)

        type_ = cast(Literal["amount"] | Unset, d.pop("type", UNSET))
        if type_ != "amount" and not isinstance(type_, Unset):
            raise ValueError(f"type must match const 'amount', got '{type_}'")

        weight = d.pop("weight", UNSET)

        amount_condition = cls(
            abs_tolerance=abs_tolerance,
            fee_from=fee_from,
            fee_rates=fee_rates,
            max_abs=max_abs,
            pct_tolerance=pct_tolerance,
            required=required,
            sign=sign,
            type_=type_,
            weight=weight,
        )

        return amount_condition
