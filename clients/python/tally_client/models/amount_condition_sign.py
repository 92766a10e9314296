from enum import StrEnum


class AmountConditionSign(StrEnum):
    OPPOSITE = "opposite"
    SAME = "same"

    def __str__(self) -> str:
        return str(self.value)
