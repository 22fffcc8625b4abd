from enum import StrEnum


class SerialNumberFileFormat(StrEnum):
    CSV = "CSV"
    XML = "XML"

    def __str__(self) -> str:
        return str(self.value)
