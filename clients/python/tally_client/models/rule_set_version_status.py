from enum import StrEnum


class RuleSetVersionStatus(StrEnum):
    ACTIVE = "active"
    DRAFT = "draft"
    RETIRED = "retired"

    def __str__(self) -> str:
        return str(self.value)
