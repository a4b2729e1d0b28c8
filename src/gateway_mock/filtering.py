"""`filter` and `orderBy` of List: a documented subset of AIP-160, and AIP-132's ordering, compiled once per text.

**Filter grammar** (parsed with lark, LALR):

    filter     := [expr]
    expr       := term { AND term }
    term       := factor { OR factor }          (AIP-160: OR binds tighter than AND)
    factor     := NOT factor | "-" factor | "(" expr ")" | comparison
    comparison := field ("=" | "!=" | "<" | ">" | "<=" | ">=") value
    value      := "double quoted" | 'single quoted' | bare-word

Fields: those of `lifecycle.FILTER_FIELDS`, by JSON or proto name (`createTime`, `create_time`). Their schema decides
the operators: an enum (`state`) takes `=` and `!=` with one of its values; a timestamp (`create_time`) takes every
operator with an RFC 3339 value; a string takes every operator, and `=`/`!=` match `*` at its start or end as a
wildcard (`display_name = "nightly*"`). Anything else (another field, the `:` has-operator, functions, an unknown
state) is refused with a message naming the problem, which the gateway answers with 400 (code 3).

**orderBy**: a comma-separated list of field paths (JSON or proto names, dotted for subfields:
`jobProgress.percent`), each with an optional ` desc` (or ` asc`); any scalar field of the job may be named. Ties
are broken by `name`, so the order is total and page tokens can resume after any job.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

from .clock import parse_timestamp
from .job_model import FieldPathError, JobModel
from .lifecycle import FILTER_FIELDS

__all__ = ["MAX_FILTER_LENGTH", "Filter", "FilterError", "Ordering", "Querying", "sort_value"]

MAX_FILTER_LENGTH = 2000
MAX_ORDER_FIELDS = 8
_MAX_DEPTH = 48
_SHOWN = 40

_GRAMMAR = r"""
start: expr?
?expr: term (_AND term)*           -> conj
?term: factor (_OR factor)*        -> disj
?factor: _NOT factor               -> negate
       | "-" factor                -> negate
       | "(" expr ")"
       | comparison
comparison: FIELD COMPARATOR value
?value: STRING                     -> string
      | WORD                       -> word
FIELD: /[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/
COMPARATOR: "<=" | ">=" | "!=" | "=" | "<" | ">"
STRING: /"(?:[^"\\]|\\.)*"/ | /'(?:[^'\\]|\\.)*'/
WORD: /[A-Za-z0-9_*][A-Za-z0-9_.:+*\-]*/
_AND.2: /AND\b/
_OR.2: /OR\b/
_NOT.2: /NOT\b/
%import common.WS
%ignore WS
"""

_EXPECTED = {
    "_AND": "AND",
    "_OR": "OR",
    "_NOT": "NOT",
    "COMPARATOR": "a comparison (=, !=, <, >, <=, >=)",
    "FIELD": "a field name",
    "STRING": "a quoted value",
    "WORD": "a value",
    "LPAR": "(",
    "RPAR": ")",
    "MINUS": "-",
    "$END": "the end of the filter",
}


_UNSET_TIME = -(2**70)  # an unset Timestamp sorts first, as the zero value


class FilterError(ValueError):
    """A filter or orderBy the mock refuses (400, INVALID_ARGUMENT): the message names the problem."""


@functools.cache
def _parser() -> Lark:
    return Lark(_GRAMMAR, parser="lalr")


def _show(text: str) -> str:
    text = "".join(c if c.isprintable() else "?" for c in text)
    return f'"{text}"' if len(text) <= _SHOWN else f'"{text[: _SHOWN - 3]}..."'


def _syntax_error(exc: LarkError) -> FilterError:
    if isinstance(exc, UnexpectedEOF) or (isinstance(exc, UnexpectedToken) and exc.token.type == "$END"):
        wanted = sorted({_EXPECTED.get(name, name) for name in exc.expected})
        return FilterError(f"invalid filter: it ends early, expected {' or '.join(wanted)}")
    if isinstance(exc, UnexpectedToken):
        wanted = sorted({_EXPECTED.get(name, name) for name in exc.expected})
        found = _show(str(exc.token))
        return FilterError(f"invalid filter: unexpected {found} at column {exc.column}, expected {' or '.join(wanted)}")
    if isinstance(exc, UnexpectedCharacters):
        return FilterError(
            f"invalid filter: unexpected {_show(exc.char)} at column {exc.column} "
            "(supported: comparisons =, !=, <, >, <=, >= joined by AND, OR, NOT and parentheses)"
        )
    return FilterError("invalid filter")


def _depth(tree: Tree[Token]) -> int:
    """The tree's depth, iteratively (a deep tree must not recurse while it is being measured)."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tree))
    return deepest


@dataclass(frozen=True)
class Filter:
    """A compiled filter: `matches(fields)` over a job's filter values (`Querying.filter_values`)."""

    text: str
    matches: Callable[[tuple[Any, ...]], bool]
    states_named: frozenset[str]  # enum values of `state` the filter compares with (to show deleted jobs)

    @property
    def empty(self) -> bool:
        return not self.text.strip()


@dataclass(frozen=True)
class Ordering:
    """A compiled orderBy: `key(body)` sorts ascending in the asked order (desc fields encoded), name last."""

    text: str  # canonical: "createTime desc,name"
    fields: tuple[tuple[str, dict[str, Any], bool], ...]  # (JSON path, schema, descending)

    @property
    def default(self) -> bool:
        return not self.fields


def sort_value(value: Any, schema: dict[str, Any]) -> Any:
    """A value (or None: unset) as a key that sorts as the field's type does; unset sorts as the zero value."""
    enum = schema.get("enum")
    if enum:
        values = [str(v) for v in enum]
        return values.index(value) if value in values else 0
    kind = schema.get("type")
    fmt = schema.get("format")
    if fmt == "date-time":
        if not isinstance(value, str):
            return _UNSET_TIME
        try:
            return parse_timestamp(value)
        except ValueError:
            return _UNSET_TIME
    if kind == "boolean":
        return 1 if value is True else 0
    if kind == "integer" or (kind == "string" and fmt in ("int64", "uint64")):
        try:
            return int(value) if value is not None and not isinstance(value, bool) else 0
        except (TypeError, ValueError):
            return 0
    if kind == "number":
        if isinstance(value, str):
            return {"Infinity": math.inf, "-Infinity": -math.inf}.get(value, -math.inf)
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0
    return value if isinstance(value, str) else ""


def _descending(key: Any) -> Any:
    """A key that sorts in reverse: numbers negated, strings as code points negated (a shorter prefix last)."""
    if isinstance(key, str):
        return (*(-ord(c) for c in key), 1)
    return -key


class Querying:
    """Compiles filters and orderings for one job model (cached per text)."""

    def __init__(self, model: JobModel) -> None:
        self._model = model
        self._fields: list[tuple[str, dict[str, Any]]] = []
        for name in FILTER_FIELDS:
            path, schema = model.field(name)  # FieldPathError if the spec lost one: the mock refuses to start
            self._fields.append((path, schema))
        self._index = {path: i for i, (path, _) in enumerate(self._fields)}
        self.compile_filter = functools.lru_cache(maxsize=256)(self._compile_filter)
        self.compile_order = functools.lru_cache(maxsize=256)(self._compile_order)

    def filter_values(self, body: dict[str, Any]) -> tuple[Any, ...]:
        """A job's values of the filterable fields, converted once so a filter compares them fast."""
        return tuple(_filter_value(body.get(path), schema) for path, schema in self._fields)

    # --- filter -------------------------------------------------------------------------------------------

    def _compile_filter(self, text: str) -> Filter:
        if len(text) > MAX_FILTER_LENGTH:
            raise FilterError(f"invalid filter: longer than {MAX_FILTER_LENGTH} characters")
        try:
            tree = _parser().parse(text)
        except LarkError as exc:
            raise _syntax_error(exc) from None
        if _depth(tree) > _MAX_DEPTH:
            raise FilterError(f"invalid filter: nested deeper than {_MAX_DEPTH} levels")
        if not tree.children:
            return Filter(text, lambda fields: True, frozenset())
        constants: list[Any] = []
        states: set[str] = set()
        source = self._expression(tree.children[0], constants, states)  # type: ignore[arg-type]
        code = compile(f"lambda f: {source}", "<filter>", "eval")
        # The source holds only indices, operators and names of `constants`: no text of the client's.
        matches = eval(code, {"__builtins__": {}, "c": constants})
        return Filter(text, matches, frozenset(states))

    def _expression(self, node: Tree[Token], constants: list[Any], states: set[str]) -> str:
        if node.data in ("conj", "disj"):
            joiner = " and " if node.data == "conj" else " or "
            parts = [self._expression(child, constants, states) for child in node.children]  # type: ignore[arg-type]
            return parts[0] if len(parts) == 1 else "(" + joiner.join(parts) + ")"
        if node.data == "negate":
            return f"(not {self._expression(node.children[0], constants, states)})"  # type: ignore[arg-type]
        if node.data == "comparison":
            return self._comparison(node, constants, states)
        raise FilterError("invalid filter")  # pragma: no cover - the grammar has no other node

    def _comparison(self, node: Tree[Token], constants: list[Any], states: set[str]) -> str:
        field_token, operator_token, value_node = node.children
        assert isinstance(field_token, Token) and isinstance(operator_token, Token) and isinstance(value_node, Tree)
        raw_field, operator = str(field_token), str(operator_token)
        value_token = value_node.children[0]
        assert isinstance(value_token, Token)
        value = _unquote(str(value_token)) if value_node.data == "string" else str(value_token)
        try:
            path, schema = self._model.field(raw_field)
        except FieldPathError as exc:
            raise FilterError(f"invalid filter: {exc}; filterable: {self._filterable()}") from None
        index = self._index.get(path)
        if index is None:
            raise FilterError(
                f"invalid filter: {_show(raw_field)} cannot be filtered on; filterable: {self._filterable()}"
            )
        slot = f"f[{index}]"
        enum = schema.get("enum")
        if enum:
            if operator not in ("=", "!="):
                raise FilterError(f"invalid filter: {path} is an enum: compare it with = or !=, not {operator}")
            if value not in [str(v) for v in enum]:
                raise FilterError(f"invalid filter: {_show(value)} is not a value of {path}")
            if path == "state":
                states.add(value)
            constants.append(value)
            return f"({slot} {'==' if operator == '=' else '!='} c[{len(constants) - 1}])"
        if schema.get("format") == "date-time":
            try:
                moment = parse_timestamp(value)
            except ValueError as exc:
                raise FilterError(f"invalid filter: the value for {path}, {_show(value)}, is {exc}") from None
            constants.append(moment)
            python = {"=": "==", "!=": "!="}.get(operator, operator)
            # An unset Timestamp matches no ordering and equals nothing.
            if operator == "!=":
                return f"({slot} is None or {slot} != c[{len(constants) - 1}])"
            return f"({slot} is not None and {slot} {python} c[{len(constants) - 1}])"
        if operator in ("=", "!=") and "*" in value:
            constants.append(_wildcard(value))
            test = f"c[{len(constants) - 1}]({slot})"
            return test if operator == "=" else f"(not {test})"
        constants.append(value)
        python = {"=": "==", "!=": "!="}.get(operator, operator)
        return f"({slot} {python} c[{len(constants) - 1}])"

    def _filterable(self) -> str:
        return ", ".join(path for path, _ in self._fields)

    # --- orderBy ------------------------------------------------------------------------------------------

    def _compile_order(self, text: str) -> Ordering:
        if len(text) > MAX_FILTER_LENGTH:
            raise FilterError(f"invalid orderBy: longer than {MAX_FILTER_LENGTH} characters")
        parts = [part.strip() for part in text.split(",")]
        if parts == [""]:
            return Ordering("", ())
        if len(parts) > MAX_ORDER_FIELDS:
            raise FilterError(f"invalid orderBy: at most {MAX_ORDER_FIELDS} fields")
        fields: list[tuple[str, dict[str, Any], bool]] = []
        for part in parts:
            words = part.split()
            if not words or len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
                raise FilterError(f'invalid orderBy: {_show(part)} is not "field" or "field desc"')
            try:
                path, schema = self._model.field(words[0])
            except FieldPathError as exc:
                raise FilterError(f"invalid orderBy: {exc}") from None
            if "properties" in schema or schema.get("type") in ("object", "array"):
                raise FilterError(f"invalid orderBy: {path} is a message or a list; order by one of its fields")
            if any(path == seen for seen, _, _ in fields):
                raise FilterError(f"invalid orderBy: {path} is named twice")
            fields.append((path, schema, len(words) == 2 and words[1].lower() == "desc"))
        canonical = ",".join(f"{path} desc" if desc else path for path, _, desc in fields)
        if fields == [(fields[0][0], fields[0][1], False)] and fields[0][0] == "name":
            return Ordering("", ())  # ordering by name alone is the default order
        return Ordering(canonical, tuple(fields))

    def order_key(
        self, ordering: Ordering, body: dict[str, Any], name: str, fields: tuple[Any, ...] = ()
    ) -> tuple[Any, ...]:
        """A job's sort key; `fields`, its filter values, spare parsing the timestamps again."""
        keys: list[Any] = []
        for path, schema, desc in ordering.fields:
            index = self._index.get(path)
            if fields and index is not None and schema.get("format") == "date-time":
                key = fields[index] if fields[index] is not None else _UNSET_TIME
            else:
                value: Any = body
                for part in path.split("."):
                    value = value.get(part) if isinstance(value, dict) else None
                key = sort_value(value, schema)
            keys.append(_descending(key) if desc else key)
        keys.append(name)
        return tuple(keys)


def _filter_value(value: Any, schema: dict[str, Any]) -> Any:
    if schema.get("format") == "date-time":
        if not isinstance(value, str):
            return None
        try:
            return parse_timestamp(value)
        except ValueError:
            return None
    if schema.get("enum"):
        return value if isinstance(value, str) else str(schema["enum"][0])
    return value if isinstance(value, str) else ""


def _unquote(text: str) -> str:
    body = text[1:-1]
    out: list[str] = []
    escaped = False
    for char in body:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            out.append(char)
    return "".join(out)


def _wildcard(pattern: str) -> Callable[[Any], bool]:
    """AIP-160's `*` at the start and/or end of a string value; a `*` inside matches itself."""
    starts, ends = pattern.startswith("*"), pattern.endswith("*") and len(pattern) > 1
    core = pattern[1 if starts else 0 : len(pattern) - (1 if ends else 0)]
    if starts and ends:
        return lambda value: isinstance(value, str) and core in value
    if starts:
        return lambda value: isinstance(value, str) and value.endswith(core)
    if ends:
        return lambda value: isinstance(value, str) and value.startswith(core)
    return lambda value: value == pattern
