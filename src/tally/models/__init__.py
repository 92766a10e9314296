"""ORM models, one module per table; importing the package registers every table on the metadata."""

from tally.models.api_token import ApiToken
from tally.models.audit_event import AuditEvent
from tally.models.base import Base
from tally.models.data_source import DataSource, DataSourceStatus
from tally.models.data_source_append import DataSourceAppend
from tally.models.exception_comment import ExceptionComment
from tally.models.exception_item import ExceptionItem, ExceptionResolution, ExceptionStatus
from tally.models.exception_reason import ExceptionReason
from tally.models.idempotency_key import IdempotencyKey
from tally.models.import_profile import ImportProfile
from tally.models.inbox import Inbox
from tally.models.inbox_file import InboxFile
from tally.models.ingest_progress import IngestProgress
from tally.models.job_part import JobPart, PartState
from tally.models.job_scope_record import JobScopeRecord, ScopeKind
from tally.models.job_stage import JobStage
from tally.models.match import (
    CLAIMING_STATUSES,
    Match,
    MatchCategory,
    MatchOrigin,
    MatchRecord,
    MatchStatus,
    MatchTab,
    match_origin,
    match_tab,
)
from tally.models.open_item import OpenItem
from tally.models.period_signoff import PeriodSignoff
from tally.models.project import Project
from tally.models.project_counter import ProjectCounter, take_numbers
from tally.models.project_invitation import ProjectInvitation
from tally.models.project_member import ProjectMember, ProjectRole
from tally.models.project_stats import ProjectStats
from tally.models.reconciliation import Reconciliation
from tally.models.reconciliation_job import (
    FINISHED_JOB_STATUSES,
    JobMode,
    JobStatus,
    Partitioning,
    ReconciliationJob,
)
from tally.models.record import Record
from tally.models.record_duplicate import RecordDuplicate
from tally.models.record_search import RecordSearch
from tally.models.rejected_pair import RejectedPair
from tally.models.rule_inference_run import InferenceStatus, RuleInferenceRun
from tally.models.rule_set_backtest import BacktestStatus, RuleSetBacktest
from tally.models.rule_set_version import RuleSetVersion, RuleSetVersionStatus
from tally.models.rule_suggestion import RuleSuggestion, SuggestionStatus
from tally.models.settlement import Settlement
from tally.models.unmatched_record import UnmatchedRecord
from tally.models.user import User, UserRole
from tally.models.web_session import WebSession
from tally.models.webhook import Webhook
from tally.models.webhook_attempt import WebhookAttempt
from tally.models.webhook_delivery import DeliveryStatus, WebhookDelivery
from tally.models.write_off import WriteOff

__all__ = [
    "CLAIMING_STATUSES",
    "FINISHED_JOB_STATUSES",
    "ApiToken",
    "AuditEvent",
    "BacktestStatus",
    "Base",
    "DataSource",
    "DataSourceAppend",
    "DataSourceStatus",
    "DeliveryStatus",
    "ExceptionComment",
    "ExceptionItem",
    "ExceptionReason",
    "ExceptionResolution",
    "ExceptionStatus",
    "IdempotencyKey",
    "ImportProfile",
    "Inbox",
    "InboxFile",
    "InferenceStatus",
    "IngestProgress",
    "JobMode",
    "JobPart",
    "JobScopeRecord",
    "JobStage",
    "JobStatus",
    "Match",
    "MatchCategory",
    "MatchOrigin",
    "MatchRecord",
    "MatchStatus",
    "MatchTab",
    "OpenItem",
    "PartState",
    "Partitioning",
    "PeriodSignoff",
    "Project",
    "ProjectCounter",
    "ProjectInvitation",
    "ProjectMember",
    "ProjectRole",
    "ProjectStats",
    "Reconciliation",
    "ReconciliationJob",
    "Record",
    "RecordDuplicate",
    "RecordSearch",
    "RejectedPair",
    "RuleInferenceRun",
    "RuleSetBacktest",
    "RuleSetVersion",
    "RuleSetVersionStatus",
    "RuleSuggestion",
    "ScopeKind",
    "Settlement",
    "SuggestionStatus",
    "UnmatchedRecord",
    "User",
    "UserRole",
    "WebSession",
    "Webhook",
    "WebhookAttempt",
    "WebhookDelivery",
    "WriteOff",
    "match_origin",
    "match_tab",
    "take_numbers",
]
