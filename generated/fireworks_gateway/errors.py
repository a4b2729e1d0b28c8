"""Contains shared errors types that can be raised from API functions"""

# Every error class lives in the hand-written _lib (openapi/lib/): errors.py, and beside the code raising it.
from ._lib.errors import *  # noqa: F403
from ._lib.errors import __all__ as _lib_errors
from ._lib.pagination import PaginationLoopError
from ._lib.waiting import WaitTimeoutError

__all__ = [*_lib_errors, "PaginationLoopError", "WaitTimeoutError"]
