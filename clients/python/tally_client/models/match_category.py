from enum import StrEnum


class MatchCategory(StrEnum):
    DISCREPANCY = "discrepancy"
    MATCHED = "matched"

    def __str__(self) -> str:
        return str(self.value)
