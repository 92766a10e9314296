from enum import StrEnum


class Resolution(StrEnum):
    EXPLAINED = "explained"
    WRITTEN_OFF = "written_off"

    def __str__(self) -> str:
        return str(self.value)
