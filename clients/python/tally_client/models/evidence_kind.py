from enum import StrEnum


class EvidenceKind(StrEnum):
    DISCREPANCY = "discrepancy"
    GROUP = "group"
    MANUAL = "manual"
    PAIR = "pair"

    def __str__(self) -> str:
        return str(self.value)
