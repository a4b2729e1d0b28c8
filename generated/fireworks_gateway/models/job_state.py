from enum import StrEnum

# Values newer than the spec are kept as extra members instead of raising ValueError; at most this many are cached.
_MAX_UNKNOWN_MEMBERS = 256


class JobState(StrEnum):
    JOB_STATE_CANCELLED = "JOB_STATE_CANCELLED"
    JOB_STATE_CANCELLING = "JOB_STATE_CANCELLING"
    JOB_STATE_COMPLETED = "JOB_STATE_COMPLETED"
    JOB_STATE_CREATING = "JOB_STATE_CREATING"
    JOB_STATE_CREATING_INPUT_DATASET = "JOB_STATE_CREATING_INPUT_DATASET"
    JOB_STATE_DELETED = "JOB_STATE_DELETED"
    JOB_STATE_DELETING = "JOB_STATE_DELETING"
    JOB_STATE_DELETING_CLEANING_UP = "JOB_STATE_DELETING_CLEANING_UP"
    JOB_STATE_EARLY_STOPPED = "JOB_STATE_EARLY_STOPPED"
    JOB_STATE_EXPIRED = "JOB_STATE_EXPIRED"
    JOB_STATE_FAILED = "JOB_STATE_FAILED"
    JOB_STATE_IDLE = "JOB_STATE_IDLE"
    JOB_STATE_PAUSED = "JOB_STATE_PAUSED"
    JOB_STATE_PENDING = "JOB_STATE_PENDING"
    JOB_STATE_RE_QUEUEING = "JOB_STATE_RE_QUEUEING"
    JOB_STATE_RUNNING = "JOB_STATE_RUNNING"
    JOB_STATE_UNSPECIFIED = "JOB_STATE_UNSPECIFIED"
    JOB_STATE_VALIDATING = "JOB_STATE_VALIDATING"
    JOB_STATE_WRITING_RESULTS = "JOB_STATE_WRITING_RESULTS"

    def __str__(self) -> str:
        return str(self.value)

    @property
    def is_unknown(self) -> bool:
        """True for a value the spec does not list (kept so that it round-trips); False for every member."""
        return type(self)._member_map_.get(self._name_) is not self

    @classmethod
    def _missing_(cls, value: object) -> "JobState | None":
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
