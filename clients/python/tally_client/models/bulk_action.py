from enum import StrEnum


class BulkAction(StrEnum):
    CONFIRM = "confirm"
    REJECT = "reject"

    def __str__(self) -> str:
        return str(self.value)
