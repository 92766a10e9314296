from enum import StrEnum


class MatchSort(StrEnum):
    AMOUNT = "amount"
    DATE = "date"
    ID = "id"
    SCORE = "score"
    VALUE_1 = "-id"
    VALUE_3 = "-amount"
    VALUE_5 = "-date"
    VALUE_7 = "-score"

    def __str__(self) -> str:
        return str(self.value)
