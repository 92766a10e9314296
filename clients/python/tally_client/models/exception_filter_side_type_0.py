from enum import StrEnum


class ExceptionFilterSideType0(StrEnum):
    LEFT = "left"
    RIGHT = "right"

    def __str__(self) -> str:
        return str(self.value)
