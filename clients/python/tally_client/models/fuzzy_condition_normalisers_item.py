from enum import StrEnum


class FuzzyConditionNormalisersItem(StrEnum):
    CASE = "case"
    LEADING_ZEROS = "leading_zeros"
    PUNCTUATION = "punctuation"
    WHITESPACE = "whitespace"

    def __str__(self) -> str:
        return str(self.value)
