"""Contains shared errors types that can be raised from API functions"""

# Every error class lives in the hand-written _lib/errors.py (openapi/lib/errors.py).
from ._lib.errors import *  # noqa: F403
from ._lib.errors import __all__ as __all__
