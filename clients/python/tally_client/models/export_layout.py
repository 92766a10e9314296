from enum import StrEnum


class ExportLayout(StrEnum):
    PAIRS = "pairs"
    RECORDS = "records"

    def __str__(self) -> str:
        return str(self.value)
