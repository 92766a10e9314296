from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.backtest_report_decisions import BacktestReportDecisions
    from ..models.backtest_report_matches import BacktestReportMatches
    from ..models.backtest_report_samples import BacktestReportSamples
    from ..models.decision_figures import DecisionFigures
    from ..models.diff_counts import DiffCounts


T = TypeVar("T", bound="BacktestReport")


@_attrs_define
class BacktestReport:
    """
    Attributes:
        backtested (DecisionFigures): Agreement with the reviewers' decisions on the job (pairs of records).
        current (DecisionFigures): Agreement with the reviewers' decisions on the job (pairs of records).
        decisions (BacktestReportDecisions): Reviewed pairs on the job: positives (confirmed, manual), negatives
        diff (DiffCounts):
        job_id (int):
        matches (BacktestReportMatches): Matches by status under the backtested rules
        samples (BacktestReportSamples): Up to a few matches per kind: added, lost, changed
        seconds (float):
    """

    backtested: DecisionFigures
    current: DecisionFigures
    decisions: BacktestReportDecisions
    diff: DiffCounts
    job_id: int
    matches: BacktestReportMatches
    samples: BacktestReportSamples
    seconds: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        backtested = self.backtested.to_dict()

        current = self.current.to_dict()

        decisions = self.decisions.to_dict()

        diff = self.diff.to_dict()

        job_id = self.job_id

        matches = self.matches.to_dict()

        samples = self.samples.to_dict()

        seconds = self.seconds

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "backtested": backtested,
                "current": current,
                "decisions": decisions,
                "diff": diff,
                "job_id": job_id,
                "matches": matches,
                "samples": samples,
                "seconds": seconds,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.backtest_report_decisions import BacktestReportDecisions  # noqa: PLC0415
        from ..models.backtest_report_matches import BacktestReportMatches  # noqa: PLC0415
        from ..models.backtest_report_samples import BacktestReportSamples  # noqa: PLC0415
        from ..models.decision_figures import DecisionFigures  # noqa: PLC0415
        from ..models.diff_counts import DiffCounts  # noqa: PLC0415

        d = dict(src_dict)
        backtested = DecisionFigures.from_dict(d.pop("backtested"))

        current = DecisionFigures.from_dict(d.pop("current"))

        decisions = BacktestReportDecisions.from_dict(d.pop("decisions"))

        diff = DiffCounts.from_dict(d.pop("diff"))

        job_id = d.pop("job_id")

        matches = BacktestReportMatches.from_dict(d.pop("matches"))

        samples = BacktestReportSamples.from_dict(d.pop("samples"))

        seconds = d.pop("seconds")

        backtest_report = cls(
            backtested=backtested,
            current=current,
            decisions=decisions,
            diff=diff,
            job_id=job_id,
            matches=matches,
            samples=samples,
            seconds=seconds,
        )

        backtest_report.additional_properties = d
        return backtest_report

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
