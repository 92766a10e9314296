from enum import StrEnum


class ConditionEvidenceType(StrEnum):
    AMOUNT = "amount"
    DATE = "date"
    EQUALS = "equals"
    FUZZY = "fuzzy"

    def __str__(self) -> str:
        return str(self.value)
