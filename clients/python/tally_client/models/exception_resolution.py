from enum import StrEnum


class ExceptionResolution(StrEnum):
    EXPLAINED = "explained"
    MATCHED = "matched"
    WRITTEN_OFF = "written_off"

    def __str__(self) -> str:
        return str(self.value)
