from enum import StrEnum


class UploadOptionsRaggedRowsType0(StrEnum):
    ERROR = "error"
    PAD = "pad"

    def __str__(self) -> str:
        return str(self.value)
