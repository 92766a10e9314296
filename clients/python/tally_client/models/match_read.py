from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.match_category import MatchCategory
from ..models.match_origin import MatchOrigin
from ..models.match_status import MatchStatus
from ..models.match_tab import MatchTab
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.evidence import Evidence
    from ..models.record_read import RecordRead


T = TypeVar("T", bound="MatchRead")


@_attrs_define
class MatchRead:
    """
    Attributes:
        amount (str): The left side's total
        amount_difference (str): Right total minus left total
        booking_date (datetime.date | None):
        category (MatchCategory):
        created_at (datetime.datetime):
        currency (None | str): The currency of its amounts (None when its records name none or several)
        date_difference_days (int | None):
        evidence (Evidence | None):
        explanation (str):
        id (int):
        job_id (int):
        left (list[RecordRead]):
        number (int | None): 1, 2, 3 within the project, what people call it ("match 214"); the id stays its key in URLs
        origin (MatchOrigin): What produced a match; kept when a reviewer changes its status, for the quality report.
        right (list[RecordRead]):
        rule (str):
        rule_set_version (int | None): The project's rule-set version that made it (None: manual, or the job's own
            rules)
        score (float):
        status (MatchStatus):
        tab (MatchTab): The results tab a match is listed under; a function of its category and status.
        version (int | Unset): Moved by every review change; send it back with a decision (409 if stale) Default: 0.
    """

    amount: str
    amount_difference: str
    booking_date: datetime.date | None
    category: MatchCategory
    created_at: datetime.datetime
    currency: None | str
    date_difference_days: int | None
    evidence: Evidence | None
    explanation: str
    id: int
    job_id: int
    left: list[RecordRead]
    number: int | None
    origin: MatchOrigin
    right: list[RecordRead]
    rule: str
    rule_set_version: int | None
    score: float
    status: MatchStatus
    tab: MatchTab
    version: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.evidence import Evidence  # noqa: PLC0415

        amount = self.amount

        amount_difference = self.amount_difference

        booking_date: None | str
        if isinstance(self.booking_date, datetime.date):
            booking_date = self.booking_date.isoformat()
        else:
            booking_date = self.booking_date

        category = self.category.value

        created_at = self.created_at.isoformat()

        currency: None | str
        currency = self.currency

        date_difference_days: int | None
        date_difference_days = self.date_difference_days

        evidence: dict[str, Any] | None
        if isinstance(self.evidence, Evidence):
            evidence = self.evidence.to_dict()
        else:
            evidence = self.evidence

        explanation = self.explanation

        id = self.id

        job_id = self.job_id

        left = []
        for left_item_data in self.left:
            left_item = left_item_data.to_dict()
            left.append(left_item)

        number: int | None
        number = self.number

        origin = self.origin.value

        right = []
        for right_item_data in self.right:
            right_item = right_item_data.to_dict()
            right.append(right_item)

        rule = self.rule

        rule_set_version: int | None
        rule_set_version = self.rule_set_version

        score = self.score

        status = self.status.value

        tab = self.tab.value

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
                "amount_difference": amount_difference,
                "booking_date": booking_date,
                "category": category,
                "created_at": created_at,
                "currency": currency,
                "date_difference_days": date_difference_days,
                "evidence": evidence,
                "explanation": explanation,
                "id": id,
                "job_id": job_id,
                "left": left,
                "number": number,
                "origin": origin,
                "right": right,
                "rule": rule,
                "rule_set_version": rule_set_version,
                "score": score,
                "status": status,
                "tab": tab,
            }
        )
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.evidence import Evidence  # noqa: PLC0415
        from ..models.record_read import RecordRead  # noqa: PLC0415

        d = dict(src_dict)
        amount = d.pop("amount")

        amount_difference = d.pop("amount_difference")

        def _parse_booking_date(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                booking_date_type_0 = datetime.date.fromisoformat(data)

                return booking_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        booking_date = _parse_booking_date(d.pop("booking_date"))

        category = MatchCategory(d.pop("category"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_currency(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        currency = _parse_currency(d.pop("currency"))

        def _parse_date_difference_days(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        date_difference_days = _parse_date_difference_days(
            d.pop("date_difference_days")
        )

        def _parse_evidence(data: object) -> Evidence | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                evidence_type_0 = Evidence.from_dict(data)

                return evidence_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Evidence | None, data)

        evidence = _parse_evidence(d.pop("evidence"))

        explanation = d.pop("explanation")

        id = d.pop("id")

        job_id = d.pop("job_id")

        left = []
        _left = d.pop("left")
        for left_item_data in _left:
            left_item = RecordRead.from_dict(left_item_data)

            left.append(left_item)

        def _parse_number(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        number = _parse_number(d.pop("number"))

        origin = MatchOrigin(d.pop("origin"))

        right = []
        _right = d.pop("right")
        for right_item_data in _right:
            right_item = RecordRead.from_dict(right_item_data)

            right.append(right_item)

        rule = d.pop("rule")

        def _parse_rule_set_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        rule_set_version = _parse_rule_set_version(d.pop("rule_set_version"))

        score = d.pop("score")

        status = MatchStatus(d.pop("status"))

        tab = MatchTab(d.pop("tab"))

        version = d.pop("version", UNSET)

        match_read = cls(
            amount=amount,
            amount_difference=amount_difference,
            booking_date=booking_date,
            category=category,
            created_at=created_at,
            currency=currency,
            date_difference_days=date_difference_days,
            evidence=evidence,
            explanation=explanation,
            id=id,
            job_id=job_id,
            left=left,
            number=number,
            origin=origin,
            right=right,
            rule=rule,
            rule_set_version=rule_set_version,
            score=score,
            status=status,
            tab=tab,
            version=version,
        )

        match_read.additional_properties = d
        return match_read

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
