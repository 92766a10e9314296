from enum import StrEnum


class MatchOrigin(StrEnum):
    AMBIGUOUS = "ambiguous"
    AUTO = "auto"
    DISCREPANCY = "discrepancy"
    MANUAL = "manual"
    SUGGESTED = "suggested"

    def __str__(self) -> str:
        return str(self.value)
