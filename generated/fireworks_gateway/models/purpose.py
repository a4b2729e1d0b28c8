from .._lib.enums import TolerantStrEnum


class Purpose(TolerantStrEnum):
    PURPOSE_PILOT = "PURPOSE_PILOT"
    PURPOSE_UNSPECIFIED = "PURPOSE_UNSPECIFIED"

    def __str__(self) -> str:
        return str(self.value)
