from enum import StrEnum


class MatchTab(StrEnum):
    DISCREPANCIES = "discrepancies"
    MATCHED = "matched"
    REJECTED = "rejected"
    REVIEW = "review"

    def __str__(self) -> str:
        return str(self.value)
