from enum import StrEnum

# Values newer than the spec are kept as extra members instead of raising ValueError; at most this many are cached.
_MAX_UNKNOWN_MEMBERS = 256


class Code(StrEnum):
    ABORTED = "ABORTED"
    ALREADY_EXISTS = "ALREADY_EXISTS"
    CANCELLED = "CANCELLED"
    DATA_LOSS = "DATA_LOSS"
    DEADLINE_EXCEEDED = "DEADLINE_EXCEEDED"
    FAILED_PRECONDITION = "FAILED_PRECONDITION"
    INTERNAL = "INTERNAL"
    INVALID_ARGUMENT = "INVALID_ARGUMENT"
    NOT_FOUND = "NOT_FOUND"
    OK = "OK"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    RESOURCE_EXHAUSTED = "RESOURCE_EXHAUSTED"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    UNAVAILABLE = "UNAVAILABLE"
    UNIMPLEMENTED = "UNIMPLEMENTED"
    UNKNOWN = "UNKNOWN"

    def __str__(self) -> str:
        return str(self.value)

    @property
    def is_unknown(self) -> bool:
        """True for a value the spec does not list (kept so that it round-trips); False for every member."""
        return type(self)._member_map_.get(self._name_) is not self

    @classmethod
    def _missing_(cls, value: object) -> "Code | None":
        # Called only for values that are not members: wrap the string in a pseudo-member that is not
        # iterated over, listed in __members__, or equal to any member, but compares equal to its string.
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        if len(cls._value2member_map_) < len(cls._member_map_) + _MAX_UNKNOWN_MEMBERS:
            # Cached, so that parsing the same value twice gives the same object.
            cls._value2member_map_[value] = member
        return member
