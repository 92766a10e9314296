"""Contains all the data models used in inputs/outputs"""

from .admin_cache_stats_response_admin_cache_stats import (
    AdminCacheStatsResponseAdminCacheStats,
)
from .admin_db_pool_response_admin_db_pool import AdminDbPoolResponseAdminDbPool
from .age_bucket import AgeBucket
from .ageing_bucket import AgeingBucket
from .amount_condition import AmountCondition
from .amount_condition_fee_from import AmountConditionFeeFrom
from .amount_condition_sign import AmountConditionSign
from .api_key_create import ApiKeyCreate
from .api_key_created import ApiKeyCreated
from .api_key_read import ApiKeyRead
from .api_key_rotate import ApiKeyRotate
from .attempt_read import AttemptRead
from .audit_event_read import AuditEventRead
from .audit_event_read_detail_type_0 import AuditEventReadDetailType0
from .backtest_create import BacktestCreate
from .backtest_read import BacktestRead
from .backtest_report import BacktestReport
from .backtest_report_decisions import BacktestReportDecisions
from .backtest_report_matches import BacktestReportMatches
from .backtest_report_samples import BacktestReportSamples
from .backtest_status import BacktestStatus
from .broken_link import BrokenLink
from .bulk_action import BulkAction
from .bulk_exception_action import BulkExceptionAction
from .bulk_exception_outcome import BulkExceptionOutcome
from .bulk_exceptions import BulkExceptions
from .bulk_outcome import BulkOutcome
from .bulk_review import BulkReview
from .bulk_selection import BulkSelection
from .candidate_window import CandidateWindow
from .candidates_read import CandidatesRead
from .cardinality import Cardinality
from .chain_link import ChainLink
from .chain_verification import ChainVerification
from .comment_create import CommentCreate
from .condition_evidence import ConditionEvidence
from .condition_evidence_type import ConditionEvidenceType
from .currency_amounts import CurrencyAmounts
from .currency_figures import CurrencyFigures
from .currency_statement import CurrencyStatement
from .cursor_page_api_key_read import CursorPageApiKeyRead
from .cursor_page_backtest_read import CursorPageBacktestRead
from .cursor_page_data_source_append_read import CursorPageDataSourceAppendRead
from .cursor_page_data_source_read import CursorPageDataSourceRead
from .cursor_page_delivery_read import CursorPageDeliveryRead
from .cursor_page_inbox_file_read import CursorPageInboxFileRead
from .cursor_page_inbox_read import CursorPageInboxRead
from .cursor_page_invitation_read import CursorPageInvitationRead
from .cursor_page_job_read import CursorPageJobRead
from .cursor_page_member_read import CursorPageMemberRead
from .cursor_page_reconciliation_read import CursorPageReconciliationRead
from .cursor_page_rule_set_version_read import CursorPageRuleSetVersionRead
from .cursor_page_signoff_read import CursorPageSignoffRead
from .cursor_page_suggestion_read import CursorPageSuggestionRead
from .cursor_page_webhook_read import CursorPageWebhookRead
from .data_source_append_read import DataSourceAppendRead
from .data_source_append_read_error_type_0 import DataSourceAppendReadErrorType0
from .data_source_read import DataSourceRead
from .data_source_read_column_mapping_type_0 import DataSourceReadColumnMappingType0
from .data_source_read_error_type_0 import DataSourceReadErrorType0
from .data_source_read_statement_type_0 import DataSourceReadStatementType0
from .data_source_status import DataSourceStatus
from .date_condition import DateCondition
from .date_condition_direction import DateConditionDirection
from .date_condition_field import DateConditionField
from .date_condition_right_field_type_0 import DateConditionRightFieldType0
from .decision_count import DecisionCount
from .decision_figures import DecisionFigures
from .delivery_read import DeliveryRead
from .delivery_status import DeliveryStatus
from .derived_field import DerivedField
from .derived_field_normalisers_item import DerivedFieldNormalisersItem
from .diff_counts import DiffCounts
from .diff_sample import DiffSample
from .draft_create import DraftCreate
from .draft_update import DraftUpdate
from .equals_condition import EqualsCondition
from .equals_condition_missing import EqualsConditionMissing
from .equals_condition_normalisers_item import EqualsConditionNormalisersItem
from .error_body import ErrorBody
from .error_body_detail_type_1_item import ErrorBodyDetailType1Item
from .evidence import Evidence
from .evidence_kind import EvidenceKind
from .exception_comment_read import ExceptionCommentRead
from .exception_detail import ExceptionDetail
from .exception_filter import ExceptionFilter
from .exception_filter_side_type_0 import ExceptionFilterSideType0
from .exception_read import ExceptionRead
from .exception_resolution import ExceptionResolution
from .exception_status import ExceptionStatus
from .exception_update import ExceptionUpdate
from .exception_update_status_type_0 import ExceptionUpdateStatusType0
from .exceptions_list_side_type_0 import ExceptionsListSideType0
from .export_format import ExportFormat
from .export_layout import ExportLayout
from .file_warning import FileWarning
from .fuzzy_condition import FuzzyCondition
from .fuzzy_condition_normalisers_item import FuzzyConditionNormalisersItem
from .fuzzy_condition_scorer import FuzzyConditionScorer
from .health_live_response_health_live import HealthLiveResponseHealthLive
from .history_entry import HistoryEntry
from .history_entry_detail_type_0 import HistoryEntryDetailType0
from .import_profile_create import ImportProfileCreate
from .import_profile_read import ImportProfileRead
from .import_profile_update import ImportProfileUpdate
from .inbox_create import InboxCreate
from .inbox_file_read import InboxFileRead
from .inbox_file_read_error_type_0 import InboxFileReadErrorType0
from .inbox_read import InboxRead
from .inbox_update import InboxUpdate
from .inference_create import InferenceCreate
from .inference_read import InferenceRead
from .inference_read_evidence import InferenceReadEvidence
from .inference_run_read import InferenceRunRead
from .inference_run_read_evidence_type_0 import InferenceRunReadEvidenceType0
from .inference_status import InferenceStatus
from .invitation_accept import InvitationAccept
from .invitation_accepted import InvitationAccepted
from .invitation_created import InvitationCreated
from .invitation_created_status import InvitationCreatedStatus
from .invitation_read import InvitationRead
from .invitation_read_status import InvitationReadStatus
from .job_create import JobCreate
from .job_mode import JobMode
from .job_read import JobRead
from .job_read_partitions_type_0 import JobReadPartitionsType0
from .job_status import JobStatus
from .job_suggestion_figures import JobSuggestionFigures
from .job_summary import JobSummary
from .job_summary_engine_type_0 import JobSummaryEngineType0
from .job_summary_matches import JobSummaryMatches
from .job_summary_phases_type_0 import JobSummaryPhasesType0
from .job_summary_scope_type_0 import JobSummaryScopeType0
from .job_summary_settled_before_type_0 import JobSummarySettledBeforeType0
from .last_job import LastJob
from .login_request import LoginRequest
from .manual_match_create import ManualMatchCreate
from .match_category import MatchCategory
from .match_origin import MatchOrigin
from .match_read import MatchRead
from .match_sort import MatchSort
from .match_status import MatchStatus
from .match_tab import MatchTab
from .member_add import MemberAdd
from .member_read import MemberRead
from .near_candidate_read import NearCandidateRead
from .new_row_counts import NewRowCounts
from .open_item_read import OpenItemRead
from .open_items_list_side_type_0 import OpenItemsListSideType0
from .page_audit_event_read import PageAuditEventRead
from .page_exception_read import PageExceptionRead
from .page_match_read import PageMatchRead
from .page_open_item_read import PageOpenItemRead
from .page_project_read import PageProjectRead
from .page_record_item import PageRecordItem
from .page_user_read import PageUserRead
from .partitioning import Partitioning
from .password_change import PasswordChange
from .password_reset import PasswordReset
from .preflight_read import PreflightRead
from .preflight_read_mapping import PreflightReadMapping
from .preflight_read_options import PreflightReadOptions
from .profile_suggestion import ProfileSuggestion
from .project_create import ProjectCreate
from .project_read import ProjectRead
from .project_role import ProjectRole
from .project_stats_read import ProjectStatsRead
from .project_update import ProjectUpdate
from .quality_figures import QualityFigures
from .quality_report import QualityReport
from .reason_code import ReasonCode
from .reason_codes import ReasonCodes
from .reconciliation_read import ReconciliationRead
from .reconciliation_statement import ReconciliationStatement
from .reconciliation_statement_ledger_sign import ReconciliationStatementLedgerSign
from .record_brief import RecordBrief
from .record_item import RecordItem
from .record_item_side import RecordItemSide
from .record_read import RecordRead
from .record_read_side import RecordReadSide
from .record_sort import RecordSort
from .record_tab import RecordTab
from .reopen_request import ReopenRequest
from .resolution import Resolution
from .resolve_request import ResolveRequest
from .result_tab import ResultTab
from .review_note import ReviewNote
from .review_outcome import ReviewOutcome
from .row_problem import RowProblem
from .rule import Rule
from .rule_quality import RuleQuality
from .rule_set import RuleSet
from .rule_set_version_read import RuleSetVersionRead
from .rule_set_version_status import RuleSetVersionStatus
from .side_summary import SideSummary
from .signoff_create import SignoffCreate
from .signoff_create_ledger_balances import SignoffCreateLedgerBalances
from .signoff_create_statement_balances import SignoffCreateStatementBalances
from .signoff_detail import SignoffDetail
from .signoff_read import SignoffRead
from .signoff_reopen import SignoffReopen
from .source_count import SourceCount
from .sources_append_body import SourcesAppendBody
from .sources_preflight_append_body import SourcesPreflightAppendBody
from .sources_preflight_body import SourcesPreflightBody
from .sources_upload_body import SourcesUploadBody
from .statement_line import StatementLine
from .statement_section import StatementSection
from .suggestion_create import SuggestionCreate
from .suggestion_read import SuggestionRead
from .suggestion_status import SuggestionStatus
from .summary_age_bucket import SummaryAgeBucket
from .summary_warning import SummaryWarning
from .token_response import TokenResponse
from .unsettle_outcome import UnsettleOutcome
from .unsettle_request import UnsettleRequest
from .upload_options import UploadOptions
from .upload_options_decimal_separator_type_0 import UploadOptionsDecimalSeparatorType0
from .upload_options_mapping_type_0 import UploadOptionsMappingType0
from .upload_options_on_error import UploadOptionsOnError
from .upload_options_ragged_rows_type_0 import UploadOptionsRaggedRowsType0
from .user_create import UserCreate
from .user_read import UserRead
from .user_role import UserRole
from .user_update import UserUpdate
from .webhook_create import WebhookCreate
from .webhook_create_events_item import WebhookCreateEventsItem
from .webhook_created import WebhookCreated
from .webhook_read import WebhookRead
from .webhook_update import WebhookUpdate
from .webhook_update_events_type_0_item import WebhookUpdateEventsType0Item
from .write_off_create import WriteOffCreate
from .write_off_line import WriteOffLine
from .write_off_read import WriteOffRead
from .write_off_read_side import WriteOffReadSide
from .write_off_section import WriteOffSection

__all__ = (
    "AdminCacheStatsResponseAdminCacheStats",
    "AdminDbPoolResponseAdminDbPool",
    "AgeBucket",
    "AgeingBucket",
    "AmountCondition",
    "AmountConditionFeeFrom",
    "AmountConditionSign",
    "ApiKeyCreate",
    "ApiKeyCreated",
    "ApiKeyRead",
    "ApiKeyRotate",
    "AttemptRead",
    "AuditEventRead",
    "AuditEventReadDetailType0",
    "BacktestCreate",
    "BacktestRead",
    "BacktestReport",
    "BacktestReportDecisions",
    "BacktestReportMatches",
    "BacktestReportSamples",
    "BacktestStatus",
    "BrokenLink",
    "BulkAction",
    "BulkExceptionAction",
    "BulkExceptionOutcome",
    "BulkExceptions",
    "BulkOutcome",
    "BulkReview",
    "BulkSelection",
    "CandidatesRead",
    "CandidateWindow",
    "Cardinality",
    "ChainLink",
    "ChainVerification",
    "CommentCreate",
    "ConditionEvidence",
    "ConditionEvidenceType",
    "CurrencyAmounts",
    "CurrencyFigures",
    "CurrencyStatement",
    "CursorPageApiKeyRead",
    "CursorPageBacktestRead",
    "CursorPageDataSourceAppendRead",
    "CursorPageDataSourceRead",
    "CursorPageDeliveryRead",
    "CursorPageInboxFileRead",
    "CursorPageInboxRead",
    "CursorPageInvitationRead",
    "CursorPageJobRead",
    "CursorPageMemberRead",
    "CursorPageReconciliationRead",
    "CursorPageRuleSetVersionRead",
    "CursorPageSignoffRead",
    "CursorPageSuggestionRead",
    "CursorPageWebhookRead",
    "DataSourceAppendRead",
    "DataSourceAppendReadErrorType0",
    "DataSourceRead",
    "DataSourceReadColumnMappingType0",
    "DataSourceReadErrorType0",
    "DataSourceReadStatementType0",
    "DataSourceStatus",
    "DateCondition",
    "DateConditionDirection",
    "DateConditionField",
    "DateConditionRightFieldType0",
    "DecisionCount",
    "DecisionFigures",
    "DeliveryRead",
    "DeliveryStatus",
    "DerivedField",
    "DerivedFieldNormalisersItem",
    "DiffCounts",
    "DiffSample",
    "DraftCreate",
    "DraftUpdate",
    "EqualsCondition",
    "EqualsConditionMissing",
    "EqualsConditionNormalisersItem",
    "ErrorBody",
    "ErrorBodyDetailType1Item",
    "Evidence",
    "EvidenceKind",
    "ExceptionCommentRead",
    "ExceptionDetail",
    "ExceptionFilter",
    "ExceptionFilterSideType0",
    "ExceptionRead",
    "ExceptionResolution",
    "ExceptionsListSideType0",
    "ExceptionStatus",
    "ExceptionUpdate",
    "ExceptionUpdateStatusType0",
    "ExportFormat",
    "ExportLayout",
    "FileWarning",
    "FuzzyCondition",
    "FuzzyConditionNormalisersItem",
    "FuzzyConditionScorer",
    "HealthLiveResponseHealthLive",
    "HistoryEntry",
    "HistoryEntryDetailType0",
    "ImportProfileCreate",
    "ImportProfileRead",
    "ImportProfileUpdate",
    "InboxCreate",
    "InboxFileRead",
    "InboxFileReadErrorType0",
    "InboxRead",
    "InboxUpdate",
    "InferenceCreate",
    "InferenceRead",
    "InferenceReadEvidence",
    "InferenceRunRead",
    "InferenceRunReadEvidenceType0",
    "InferenceStatus",
    "InvitationAccept",
    "InvitationAccepted",
    "InvitationCreated",
    "InvitationCreatedStatus",
    "InvitationRead",
    "InvitationReadStatus",
    "JobCreate",
    "JobMode",
    "JobRead",
    "JobReadPartitionsType0",
    "JobStatus",
    "JobSuggestionFigures",
    "JobSummary",
    "JobSummaryEngineType0",
    "JobSummaryMatches",
    "JobSummaryPhasesType0",
    "JobSummaryScopeType0",
    "JobSummarySettledBeforeType0",
    "LastJob",
    "LoginRequest",
    "ManualMatchCreate",
    "MatchCategory",
    "MatchOrigin",
    "MatchRead",
    "MatchSort",
    "MatchStatus",
    "MatchTab",
    "MemberAdd",
    "MemberRead",
    "NearCandidateRead",
    "NewRowCounts",
    "OpenItemRead",
    "OpenItemsListSideType0",
    "PageAuditEventRead",
    "PageExceptionRead",
    "PageMatchRead",
    "PageOpenItemRead",
    "PageProjectRead",
    "PageRecordItem",
    "PageUserRead",
    "Partitioning",
    "PasswordChange",
    "PasswordReset",
    "PreflightRead",
    "PreflightReadMapping",
    "PreflightReadOptions",
    "ProfileSuggestion",
    "ProjectCreate",
    "ProjectRead",
    "ProjectRole",
    "ProjectStatsRead",
    "ProjectUpdate",
    "QualityFigures",
    "QualityReport",
    "ReasonCode",
    "ReasonCodes",
    "ReconciliationRead",
    "ReconciliationStatement",
    "ReconciliationStatementLedgerSign",
    "RecordBrief",
    "RecordItem",
    "RecordItemSide",
    "RecordRead",
    "RecordReadSide",
    "RecordSort",
    "RecordTab",
    "ReopenRequest",
    "Resolution",
    "ResolveRequest",
    "ResultTab",
    "ReviewNote",
    "ReviewOutcome",
    "RowProblem",
    "Rule",
    "RuleQuality",
    "RuleSet",
    "RuleSetVersionRead",
    "RuleSetVersionStatus",
    "SideSummary",
    "SignoffCreate",
    "SignoffCreateLedgerBalances",
    "SignoffCreateStatementBalances",
    "SignoffDetail",
    "SignoffRead",
    "SignoffReopen",
    "SourceCount",
    "SourcesAppendBody",
    "SourcesPreflightAppendBody",
    "SourcesPreflightBody",
    "SourcesUploadBody",
    "StatementLine",
    "StatementSection",
    "SuggestionCreate",
    "SuggestionRead",
    "SuggestionStatus",
    "SummaryAgeBucket",
    "SummaryWarning",
    "TokenResponse",
    "UnsettleOutcome",
    "UnsettleRequest",
    "UploadOptions",
    "UploadOptionsDecimalSeparatorType0",
    "UploadOptionsMappingType0",
    "UploadOptionsOnError",
    "UploadOptionsRaggedRowsType0",
    "UserCreate",
    "UserRead",
    "UserRole",
    "UserUpdate",
    "WebhookCreate",
    "WebhookCreated",
    "WebhookCreateEventsItem",
    "WebhookRead",
    "WebhookUpdate",
    "WebhookUpdateEventsType0Item",
    "WriteOffCreate",
    "WriteOffLine",
    "WriteOffRead",
    "WriteOffReadSide",
    "WriteOffSection",
)
