from enum import IntEnum


class SerialNumberIdentifier(IntEnum):
    SERIAL_NUMBER = 0
    MAC_ADDRESS = 1
    IMEI = 2

    def __str__(self) -> str:
        return str(self.value)
