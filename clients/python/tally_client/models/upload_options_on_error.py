from enum import StrEnum


class UploadOptionsOnError(StrEnum):
    REJECT = "reject"
    SKIP = "skip"

    def __str__(self) -> str:
        return str(self.value)
