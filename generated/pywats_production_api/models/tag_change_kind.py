from enum import IntEnum


class TagChangeKind(IntEnum):
    NONE = 0
    ADDED = 1
    UPDATED = 2
    DELETED = 3
    CHANGE_4 = 4
    CHANGE_5 = 5
    CHANGE_6 = 6

    def __str__(self) -> str:
        return str(self.value)
