from enum import StrEnum


class ExceptionUpdateStatusType0(StrEnum):
    INVESTIGATING = "investigating"
    OPEN = "open"

    def __str__(self) -> str:
        return str(self.value)
