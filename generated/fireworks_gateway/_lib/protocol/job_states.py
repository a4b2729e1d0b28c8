"""Job states: the facts the spec does not state (which states end a job), kept here once, beside the spec's.

The spec lists the states (`gatewayJobState`); LIFECYCLE.md says which are terminal. A state newer than the spec is
not terminal, and `JOB_STATE_UNSPECIFIED` is unknown. Names are compared whole, with the enum's `JOB_STATE_` prefix.
"""

from __future__ import annotations

__all__ = ["DELETION_STATES", "TERMINAL_STATES", "UNSPECIFIED_STATE", "is_terminal"]

TERMINAL_STATES = frozenset(
    {
        "JOB_STATE_COMPLETED",
        "JOB_STATE_FAILED",
        "JOB_STATE_CANCELLED",
        "JOB_STATE_EXPIRED",
        "JOB_STATE_EARLY_STOPPED",
        "JOB_STATE_DELETED",
    }
)
# After a delete, a GET shows the job in one of these, or answers 404 (LIFECYCLE.md, Delete).
DELETION_STATES = frozenset({"JOB_STATE_DELETING", "JOB_STATE_DELETING_CLEANING_UP", "JOB_STATE_DELETED"})
UNSPECIFIED_STATE = "JOB_STATE_UNSPECIFIED"


def is_terminal(state: object) -> bool:
    """True for a state that ends a job; False for every other value, unknown or newer states included."""
    return isinstance(state, str) and state in TERMINAL_STATES
