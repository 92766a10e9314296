from enum import StrEnum


class MatchStatus(StrEnum):
    AMBIGUOUS = "ambiguous"
    AUTO = "auto"
    CONFIRMED = "confirmed"
    MANUAL = "manual"
    REJECTED = "rejected"
    SUGGESTED = "suggested"

    def __str__(self) -> str:
        return str(self.value)
