from enum import StrEnum


class RecordTab(StrEnum):
    DUPLICATES = "duplicates"
    UNMATCHED_LEFT = "unmatched_left"
    UNMATCHED_RIGHT = "unmatched_right"

    def __str__(self) -> str:
        return str(self.value)
