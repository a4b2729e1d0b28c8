"""Path templates and resource names (AIP-122, AIP-127): one class, ``expand()`` and ``match()``.

A spec path such as ``/v1/accounts/{account_id}/supervisedFineTuningJobs/{supervised_fine_tuning_job_id}:cancel``
is a template: literal segments, one variable per ``{...}`` segment, and an optional custom verb after the last
``:`` (AIP-136). Its resource name is the path without the version segment and the verb
(``accounts/{account_id}/supervisedFineTuningJobs/{supervised_fine_tuning_job_id}``).

Values never rewrite a path: empty values, ``.`` and ``..`` are refused (an HTTP client removes dot segments, so
``..`` would turn a job read into an account read), and a value is percent-encoded whole, ``/`` included.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

__all__ = ["PathTemplate", "ResourceValueError", "check_value"]

_VARIABLE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_DOT_SEGMENTS = frozenset({".", ".."})


class ResourceValueError(ValueError):
    """A value that cannot stand in a path segment: empty, `.` or `..`, or not a string."""


def check_value(name: str, value: object) -> str:
    """`value` when it can fill the template variable `name`; ResourceValueError saying why not (value unquoted)."""
    if not isinstance(value, str):
        raise ResourceValueError(f"{name} must be a string, got {type(value).__name__}")
    if not value:
        raise ResourceValueError(f"{name} must not be empty")
    if value in _DOT_SEGMENTS:
        raise ResourceValueError(f"{name} must not be '.' or '..': it would rewrite the request path")
    return value


@dataclass(frozen=True)
class _Segment:
    literal: str | None  # None: a variable
    variable: str | None


@dataclass(frozen=True)
class PathTemplate:
    """A spec path template: ``expand()`` fills it, ``match()`` reads a request path back into its values."""

    template: str
    segments: tuple[_Segment, ...] = field(init=False, repr=False)
    verb: str | None = field(init=False)

    def __post_init__(self) -> None:
        if not self.template.startswith("/"):
            raise ValueError(f"a path template starts with '/': {self.template[:80]!r}")
        parts = self.template[1:].split("/")
        last, colon, verb = parts[-1].rpartition(":")
        # A verb follows the last segment, literal or variable (`{id}:cancel`, `jobs:estimateCost`).
        if colon and last and ("{" not in verb and "}" not in verb):
            parts[-1] = last
            object.__setattr__(self, "verb", verb)
        else:
            object.__setattr__(self, "verb", None)
        segments: list[_Segment] = []
        for part in parts:
            found = _VARIABLE.fullmatch(part)
            if found:
                segments.append(_Segment(None, found.group(1)))
            elif not part or "{" in part or "}" in part:
                raise ValueError(f"unsupported path template segment {part[:40]!r} in {self.template[:80]!r}")
            else:
                segments.append(_Segment(part, None))
        object.__setattr__(self, "segments", tuple(segments))

    @property
    def variables(self) -> tuple[str, ...]:
        """The template's variables, in path order."""
        return tuple(s.variable for s in self.segments if s.variable is not None)

    @property
    def last_variable(self) -> str | None:
        """The variable of the resource the path addresses, when its last segment is one (a get, delete, verb)."""
        return self.segments[-1].variable if self.segments else None

    @property
    def collection(self) -> str | None:
        """The collection id: the last segment when literal (list, create), else the literal before it."""
        if not self.segments:
            return None
        last = self.segments[-1]
        if last.literal is not None:
            return last.literal
        return self.segments[-2].literal if len(self.segments) > 1 else None

    @property
    def name_template(self) -> str:
        """The resource-name form: without the leading version segment and the verb (AIP-127)."""
        return "/".join(s.literal if s.literal is not None else f"{{{s.variable}}}" for s in self.segments[1:])

    def expand(self, values: Mapping[str, str]) -> str:
        """The URL path with every variable filled, each value percent-encoded whole (a `/` stays inside it).

        Raises ResourceValueError for a missing, empty, `.` or `..` value, naming the variable (never its value).
        """
        out: list[str] = []
        for segment in self.segments:
            if segment.literal is not None:
                out.append(segment.literal)
                continue
            assert segment.variable is not None
            if segment.variable not in values:
                raise ResourceValueError(f"{segment.variable} is missing")
            out.append(quote(check_value(segment.variable, values[segment.variable]), safe=""))
        path = "/" + "/".join(out)
        return f"{path}:{self.verb}" if self.verb else path

    def match(self, raw_path: str) -> dict[str, str] | None:
        """The variables of a percent-encoded request path, decoded; None when it is not this template's path.

        Segments are split before decoding, so an encoded `/` stays inside a value; an empty, `.` or `..` value
        is not a match.
        """
        if not raw_path.startswith("/"):
            return None
        parts = raw_path[1:].split("/")
        if len(parts) != len(self.segments):
            return None
        if self.verb is not None:
            head, colon, verb = parts[-1].rpartition(":")
            if not colon or verb != self.verb:
                return None
            parts[-1] = head
        values: dict[str, str] = {}
        for part, segment in zip(parts, self.segments, strict=True):
            if segment.literal is not None:
                if part != segment.literal:
                    return None
                continue
            try:
                value = unquote(part, errors="strict") if "%" in part else part
            except UnicodeDecodeError:
                return None
            # A raw `:` in a verb-less template's last segment starts a custom verb (`{id}:cancel`), not an id.
            verb_like = self.verb is None and segment is self.segments[-1] and ":" in part
            if not value or value in _DOT_SEGMENTS or verb_like:
                return None
            assert segment.variable is not None
            values[segment.variable] = value
        return values

    def resource_name(self, values: Mapping[str, str]) -> str:
        """The resource name (`accounts/a/supervisedFineTuningJobs/j`): values as they are, each refused when it is
        empty, `.`, `..` or holds a `/`."""
        out: list[str] = []
        for segment in self.segments[1:]:
            if segment.literal is not None:
                out.append(segment.literal)
                continue
            assert segment.variable is not None
            value = check_value(segment.variable, values.get(segment.variable, ""))
            if "/" in value:
                raise ResourceValueError(f"{segment.variable} must not hold '/' in a resource name")
            out.append(value)
        return "/".join(out)

    def match_name(self, name: str) -> dict[str, str] | None:
        """The variables of a resource name (`accounts/a/supervisedFineTuningJobs/j`); None when it is not one."""
        parts = name.split("/")
        if len(parts) != len(self.segments) - 1:
            return None
        values: dict[str, str] = {}
        for part, segment in zip(parts, self.segments[1:], strict=True):
            if segment.literal is not None:
                if part != segment.literal:
                    return None
            elif not part or part in _DOT_SEGMENTS:
                return None
            else:
                assert segment.variable is not None
                values[segment.variable] = part
        return values
