from enum import StrEnum


class ResultTab(StrEnum):
    DISCREPANCIES = "discrepancies"
    DUPLICATES = "duplicates"
    MATCHED = "matched"
    REJECTED = "rejected"
    REVIEW = "review"
    UNMATCHED_LEFT = "unmatched_left"
    UNMATCHED_RIGHT = "unmatched_right"

    def __str__(self) -> str:
        return str(self.value)
