from enum import StrEnum

# Values newer than the spec are kept as extra members instead of raising ValueError; at most this many are cached.
_MAX_UNKNOWN_MEMBERS = 256


class Purpose(StrEnum):
    PURPOSE_PILOT = "PURPOSE_PILOT"
    PURPOSE_UNSPECIFIED = "PURPOSE_UNSPECIFIED"

    def __str__(self) -> str:
        return str(self.value)

    @property
    def is_unknown(self) -> bool:
        """True for a value the spec does not list (kept so that it round-trips); False for every member."""
        return type(self)._member_map_.get(self._name_) is not self

    @classmethod
    def _missing_(cls, value: object) -> "Purpose | None":
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
