"""The route table: compiled from the selected operations' path templates (custom verbs included), nothing else.

`resolve(method, raw_path)` answers one of three: a route with the path's values; the methods the path has (the
path is known, the method is not: 405 with `Allow`); or nothing (an unknown path: 404). Resolutions are memoised
per (method, path), bounded, since most clients read the same few paths again and again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gateway_protocol.operations import Operation

__all__ = ["CONTROL_PREFIX", "Resolved", "Route", "RouteTable"]

CONTROL_PREFIX = "/_mock/"  # the mock's own control endpoints (clock, reset): no spec path can start with it
_MEMO_LIMIT = 8192


@dataclass(frozen=True)
class Route:
    operation: Operation

    @property
    def kind(self) -> str:
        return self.operation.kind

    @property
    def verb(self) -> str | None:
        return self.operation.verb


@dataclass(frozen=True)
class Resolved:
    route: Route | None  # None: the path is known, the method is not
    values: dict[str, str]
    allow: tuple[str, ...] = ()  # the methods the path has


class RouteTable:
    def __init__(self, operations: Iterable[Operation]) -> None:
        self.routes = tuple(Route(op) for op in operations)
        clashing = [
            r.operation.path.template for r in self.routes if r.operation.path.template.startswith(CONTROL_PREFIX)
        ]
        if clashing:
            raise LookupError(f"the spec has a path under the mock's control prefix {CONTROL_PREFIX}: {clashing[0]}")
        self._memo: dict[tuple[str, str], Resolved | None] = {}

    def resolve(self, method: str, raw_path: str) -> Resolved | None:
        key = (method, raw_path)
        found = self._memo.get(key, False)
        if found is not False:
            return found  # type: ignore[return-value]
        resolved = self._resolve(method, raw_path)
        if len(self._memo) >= _MEMO_LIMIT:
            self._memo.clear()
        self._memo[key] = resolved
        return resolved

    def _resolve(self, method: str, raw_path: str) -> Resolved | None:
        allow: list[str] = []
        values: dict[str, str] = {}
        for route in self.routes:
            matched = route.operation.path.match(raw_path)
            if matched is None:
                continue
            if route.operation.method == method:
                return Resolved(route, matched)
            allow.append(route.operation.method)
            values = matched
        if not allow:
            return None
        return Resolved(None, values, tuple(sorted(set(allow))))
