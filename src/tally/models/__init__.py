"""ORM models, one module per table; importing the package registers every table on the metadata."""

from tally.models.api_token import ApiToken
from tally.models.base import Base
from tally.models.data_source import DataSource, DataSourceStatus
from tally.models.match import CLAIMING_STATUSES, Match, MatchCategory, MatchRecord, MatchStatus
from tally.models.project import Project
from tally.models.project_member import ProjectMember, ProjectRole
from tally.models.project_stats import ProjectStats
from tally.models.reconciliation_job import FINISHED_JOB_STATUSES, JobStatus, ReconciliationJob
from tally.models.record import Record
from tally.models.user import User, UserRole

__all__ = [
    "CLAIMING_STATUSES",
    "FINISHED_JOB_STATUSES",
    "ApiToken",
    "Base",
    "DataSource",
    "DataSourceStatus",
    "JobStatus",
    "Match",
    "MatchCategory",
    "MatchRecord",
    "MatchStatus",
    "Project",
    "ProjectMember",
    "ProjectRole",
    "ProjectStats",
    "ReconciliationJob",
    "Record",
    "User",
    "UserRole",
]
