from enum import StrEnum


class RecordSort(StrEnum):
    AMOUNT = "amount"
    DATE = "date"
    ID = "id"
    VALUE_1 = "-id"
    VALUE_3 = "-amount"
    VALUE_5 = "-date"

    def __str__(self) -> str:
        return str(self.value)
