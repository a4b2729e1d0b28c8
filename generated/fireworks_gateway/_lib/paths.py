"""Resource ids in request paths, checked before anything is sent (the generated endpoints call `path_segment`).

An empty id, `.` or `..` would rewrite the path (an HTTP client removes dot segments, so `jobs.get("..")` would
read the account instead); every other id is percent-encoded whole, a `/` included. The rule is
`protocol.resource_names`'s, the one the mock and the suite apply.
"""

from __future__ import annotations

from .errors import InvalidResourceIdError
from .protocol.resource_names import ResourceValueError
from .protocol.resource_names import path_segment as _path_segment

__all__ = ["path_segment"]


def path_segment(name: str, value: object) -> str:
    """The path segment of parameter `name`; InvalidResourceIdError (naming the parameter) for an id that cannot
    name a resource."""
    try:
        return _path_segment(name, str(value))
    except ResourceValueError as error:
        raise InvalidResourceIdError(str(error)) from None
