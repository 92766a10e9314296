from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import BigInteger, ForeignKey
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.dml import ReturningInsert

from tally.models.base import Base

NumberKind = Literal["job", "match"]


class ProjectCounter(Base):
    """The last job number and the last match number a project gave out.

    Jobs and matches are numbered 1, 2, 3 within their project (what people say: "job 7"), beside
    their ids (the keys in URLs). A number is never given twice, even once its job is deleted.
    """

    __tablename__ = "project_counter"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), primary_key=True
    )
    last_job_number: Mapped[int] = mapped_column(BigInteger, default=0)
    last_match_number: Mapped[int] = mapped_column(BigInteger, default=0)


def take_numbers(
    dialect_name: str, project_id: int, kind: NumberKind, count: int
) -> ReturningInsert[Any]:
    """The statement that takes the project's next ``count`` numbers of ``kind`` and returns the
    last of them (the first is ``last - count + 1``).

    One upsert: it creates the counter on the project's first number and otherwise adds to it
    under the row's lock, so two transactions numbering at once (PostgreSQL) get disjoint ranges;
    the second waits for the first to commit. A range is one statement whatever its size.
    """
    column = ProjectCounter.last_job_number if kind == "job" else ProjectCounter.last_match_number
    insert = postgresql.insert if dialect_name == "postgresql" else sqlite.insert
    first = {"last_job_number": 0, "last_match_number": 0, column.key: count}
    return (
        insert(ProjectCounter)
        .values(project_id=project_id, **first)
        .on_conflict_do_update(
            index_elements=[ProjectCounter.project_id], set_={column.key: column + count}
        )
        .returning(column)
    )
