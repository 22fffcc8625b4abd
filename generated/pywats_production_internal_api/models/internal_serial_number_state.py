from enum import StrEnum


class InternalSerialNumberState(StrEnum):
    FREE = "Free"
    RESERVED = "Reserved"
    TAKEN = "Taken"

    def __str__(self) -> str:
        return str(self.value)
