from enum import StrEnum


class DataSourceStatus(StrEnum):
    APPENDING = "appending"
    FAILED = "failed"
    INGESTING = "ingesting"
    PENDING = "pending"
    READY = "ready"

    def __str__(self) -> str:
        return str(self.value)
