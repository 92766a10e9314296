from enum import StrEnum


class DerivedFieldNormalisersItem(StrEnum):
    CASE = "case"
    LEADING_ZEROS = "leading_zeros"
    PUNCTUATION = "punctuation"
    WHITESPACE = "whitespace"

    def __str__(self) -> str:
        return str(self.value)
