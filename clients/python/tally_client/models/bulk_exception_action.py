from enum import StrEnum


class BulkExceptionAction(StrEnum):
    ASSIGN = "assign"
    COMMENT = "comment"
    EXPLAIN = "explain"
    WRITE_OFF = "write_off"

    def __str__(self) -> str:
        return str(self.value)
