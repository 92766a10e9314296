from enum import StrEnum


class DateConditionDirection(StrEnum):
    EITHER = "either"
    RIGHT_AFTER = "right_after"
    RIGHT_BEFORE = "right_before"

    def __str__(self) -> str:
        return str(self.value)
