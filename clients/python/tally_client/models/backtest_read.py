from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.backtest_status import BacktestStatus

if TYPE_CHECKING:
    from ..models.backtest_report import BacktestReport


T = TypeVar("T", bound="BacktestRead")


@_attrs_define
class BacktestRead:
    """
    Attributes:
        created_at (datetime.datetime):
        error (None | str):
        finished_at (datetime.datetime | None):
        id (int):
        job_id (int):
        outdated (bool): The draft was edited after this backtest was asked for
        report (BacktestReport | None):
        status (BacktestStatus):
        version (int):
    """

    created_at: datetime.datetime
    error: None | str
    finished_at: datetime.datetime | None
    id: int
    job_id: int
    outdated: bool
    report: BacktestReport | None
    status: BacktestStatus
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.backtest_report import BacktestReport  # noqa: PLC0415

        created_at = self.created_at.isoformat()

        error: None | str
        error = self.error

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        id = self.id

        job_id = self.job_id

        outdated = self.outdated

        report: dict[str, Any] | None
        if isinstance(self.report, BacktestReport):
            report = self.report.to_dict()
        else:
            report = self.report

        status = self.status.value

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "error": error,
                "finished_at": finished_at,
                "id": id,
                "job_id": job_id,
                "outdated": outdated,
                "report": report,
                "status": status,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.backtest_report import BacktestReport  # noqa: PLC0415

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))

        def _parse_finished_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finished_at = _parse_finished_at(d.pop("finished_at"))

        id = d.pop("id")

        job_id = d.pop("job_id")

        outdated = d.pop("outdated")

        def _parse_report(data: object) -> BacktestReport | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                report_type_0 = BacktestReport.from_dict(data)

                return report_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BacktestReport | None, data)

        report = _parse_report(d.pop("report"))

        status = BacktestStatus(d.pop("status"))

        version = d.pop("version")

        backtest_read = cls(
            created_at=created_at,
            error=error,
            finished_at=finished_at,
            id=id,
            job_id=job_id,
            outdated=outdated,
            report=report,
            status=status,
            version=version,
        )

        backtest_read.additional_properties = d
        return backtest_read

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
