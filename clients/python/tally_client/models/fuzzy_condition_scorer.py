from enum import StrEnum


class FuzzyConditionScorer(StrEnum):
    PARTIAL_RATIO = "partial_ratio"
    RATIO = "ratio"
    TOKEN_SET_RATIO = "token_set_ratio"
    TOKEN_SORT_RATIO = "token_sort_ratio"
    WRATIO = "WRatio"

    def __str__(self) -> str:
        return str(self.value)
