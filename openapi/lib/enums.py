"""Enums that tolerate values newer than the spec: kept as pseudo-members marked ``is_unknown``."""

from __future__ import annotations

from enum import StrEnum
from typing import Self

__all__ = ["TolerantStrEnum"]

# At most this many unknown values are cached per enum (a hostile server could send endless new ones).
_MAX_UNKNOWN_MEMBERS = 256


class TolerantStrEnum(StrEnum):
    """Base of the generated string enums: an unknown string becomes a member that round-trips through to_dict."""

    @property
    def is_unknown(self) -> bool:
        """True for a value the spec does not list (kept so that it round-trips); False for every member."""
        return type(self)._member_map_.get(self._name_) is not self

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
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
