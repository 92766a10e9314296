from enum import StrEnum


class DateConditionRightFieldType0(StrEnum):
    BOOKING_DATE = "booking_date"
    VALUE_DATE = "value_date"

    def __str__(self) -> str:
        return str(self.value)
