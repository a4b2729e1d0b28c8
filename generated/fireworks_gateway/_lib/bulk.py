"""Many models of one class from many JSON objects at once (a page of jobs), checked column by column.

``from_dict`` checks and builds one object at a time, in Python, field by field. A page holds up to 200 objects of
one shape, so ``BulkParser`` runs the same checks once per column instead: the set of Python types in a column
(one pass in C) says whether every value already has the type the spec requires; timestamps, enums and nested
objects are converted a column at a time; the objects are built with positional arguments.

The result always equals ``[cls.from_dict(item, read_mask=read_mask) for item in items]``, errors included:
whenever a column holds anything but the plain case (a missing or null required field, a value of another type,
an int32 sent as a string, a bad timestamp, a key set that differs between objects), the page goes to
``from_dict`` item by item, which converts or raises exactly as it does for a single object.
"""

from __future__ import annotations

import datetime
import sys
import typing
from collections.abc import Callable, Collection, Sequence
from operator import itemgetter
from typing import Any, Generic, TypeVar

import attrs

__all__ = ["BulkParser"]

T = TypeVar("T")

_fromisoformat = datetime.datetime.fromisoformat
# The column kinds this module converts itself (the model template's _FIELD_KINDS); any other makes the whole
# model go through from_dict.
_KINDS = frozenset({"str", "int", "bool", "float", "enum", "datetime", "object", "array"})
_NONE = type(None)
# Below this many objects per distinct key set on average, building column by column costs more than it saves.
_MIN_GROUP = 8


def _all_of(kind: type, values: Sequence[Any]) -> bool:
    """Whether every value is of exactly the type `kind` (not a subclass: bool is not int): one pass in C, and a
    list counted is cheaper than a set of the types built."""
    return list(map(type, values)).count(kind) == len(values)


class _Irregular(Exception):
    """A column this module does not convert itself: the page goes through from_dict instead."""


def _model_class(hint: Any) -> Any:
    """The class inside `X | Unset` (or `X`), or inside `list[X] | Unset` for arrays."""
    args = [arg for arg in typing.get_args(hint) or (hint,) if getattr(arg, "__name__", "") != "Unset"]
    if len(args) != 1:
        return None
    inner = typing.get_args(args[0])
    return inner[0] if inner else args[0]


class _Column:
    """How one JSON field becomes one positional argument of the model's constructor.

    Each converter returns the constructor's values for a column, or raises (_Irregular, TypeError, ValueError)
    when from_dict must decide: a value of another type, a null where none is allowed, a bad timestamp.
    """

    __slots__ = ("convert", "enum", "kind", "name", "nested", "required")

    def __init__(self, name: str, kind: str, required: bool) -> None:
        self.name = name
        self.kind = kind
        self.required = required
        self.nested: BulkParser[Any] | None = None
        self.enum: Any = None
        self.convert: Callable[[Sequence[Any], Any], Sequence[Any]] = getattr(self, f"_{kind}")

    @staticmethod
    def _str(column: Sequence[Any], unset: Any) -> Sequence[Any]:
        "".join(column)  # TypeError unless every value is a string: one pass in C
        return column

    @staticmethod
    def _int(column: Sequence[Any], unset: Any) -> Sequence[Any]:
        if not _all_of(int, column):  # bool is not int here; a string int32 goes to from_dict
            raise _Irregular
        return column

    @staticmethod
    def _bool(column: Sequence[Any], unset: Any) -> Sequence[Any]:
        if not _all_of(bool, column):
            raise _Irregular
        return column

    @staticmethod
    def _float(column: Sequence[Any], unset: Any) -> Sequence[Any]:
        types = list(map(type, column))
        floats = types.count(float)
        if floats == len(types):
            return column
        if floats + types.count(int) == len(types):  # proto3 JSON writes a whole float as an integer (0, 1)
            return list(map(float, column))
        raise _Irregular

    def _enum(self, column: Sequence[Any], unset: Any) -> Sequence[Any]:
        converted = list(map(self.enum._value2member_map_.get, column))  # TypeError for an unhashable value
        if None in converted:  # a value newer than the spec (the tolerant enum keeps it), or not a string (refused)
            return [
                self.enum(value) if member is None else member for member, value in zip(converted, column, strict=True)
            ]
        return converted

    @staticmethod
    def _datetime(column: Sequence[Any], unset: Any) -> Sequence[Any]:
        try:
            return list(map(_fromisoformat, column))  # ValueError for a bad timestamp: from_dict names the field
        except TypeError:
            if None not in column:
                raise
        # A null is proto3 JSON's unset Timestamp, parsed as UNSET.
        return [unset if value is None else _fromisoformat(value) for value in column]

    def _object(self, column: Sequence[Any], unset: Any) -> Sequence[Any]:
        assert self.nested is not None
        types = list(map(type, column))
        dicts = types.count(dict)
        if dicts == len(types):
            return self.nested.parse_objects(column)
        if dicts + types.count(_NONE) != len(types):
            raise _Irregular
        # A null is proto3 JSON's unset message, parsed as UNSET.
        built = iter(self.nested.parse_objects([value for value in column if value is not None]))
        return [unset if value is None else next(built) for value in column]

    def _array(self, column: Sequence[Any], unset: Any) -> Sequence[Any]:
        if not _all_of(list, column):
            raise _Irregular
        if self.nested is None:
            return column  # scalars: from_dict keeps the list as it is
        lengths = list(map(len, column))
        flat = self.nested.parse([item for value in column for item in value])
        out, start = [], 0
        for length in lengths:
            out.append(flat[start : start + length])
            start += length
        return out


class BulkParser(Generic[T]):
    """Parses lists of JSON objects into models of one generated class; see the module docstring."""

    def __init__(self, cls: type[T], _parsers: dict[type, BulkParser[Any]] | None = None) -> None:
        self._cls = cls
        parsers = {} if _parsers is None else _parsers
        parsers[cls] = self  # a model that contains itself reuses this parser
        module = sys.modules[cls.__module__]
        kinds: dict[str, str] | None = getattr(module, "_FIELD_KINDS", None)
        names: dict[str, str] | None = getattr(module, "_FIELD_NAMES", None)
        from ..types import UNSET

        self._unset = UNSET
        fields = [field for field in attrs.fields(cls) if field.init]  # type: ignore[arg-type]
        self._attributes = [field.name for field in fields]
        self._columns: dict[str, _Column] | None = None
        self._required: list[str] = []
        if kinds is None or names is None or set(names.values()) != set(self._attributes):
            return  # not a model this module knows: from_dict does all the work
        try:
            hints = typing.get_type_hints(cls)
        except NameError:
            return
        by_attribute = {field.name: field for field in fields}
        columns: dict[str, _Column] = {}
        for json_name, attribute in names.items():
            kind = kinds[json_name]
            if kind not in _KINDS:
                return  # a union, an untyped value, ...: from_dict decides
            column = _Column(json_name, kind, by_attribute[attribute].default is attrs.NOTHING)
            target = _model_class(hints[attribute]) if kind in ("object", "enum", "array") else None
            if kind == "enum":
                column.enum = target
            elif kind in ("object", "array") and target is not None and attrs.has(target):
                column.nested = parsers.get(target) or BulkParser(target, parsers)
            elif kind == "object" or (kind == "array" and target not in (str, int, float, bool)):
                return  # an object without a model, or a list of lists, of enums, of unions, ...
            columns[json_name] = column
        self._attribute_of = names
        self._required = [name for name, column in columns.items() if column.required]
        self._columns = columns

    def parse(self, items: Sequence[Any], read_mask: Collection[str] | None = None) -> list[T]:
        """Models of every item, equal to ``cls.from_dict(item, read_mask=read_mask)`` for each, errors included."""
        if self._columns is not None and items and _all_of(dict, items):
            return self.parse_objects(items, read_mask)
        from_dict: Callable[..., T] = self._cls.from_dict  # type: ignore[attr-defined]
        return [from_dict(item, read_mask=read_mask) for item in items]

    def parse_objects(self, items: Sequence[dict[str, Any]], read_mask: Collection[str] | None = None) -> list[T]:
        """`parse` of items known to be dicts (a column of nested objects)."""
        if self._columns is not None and items:
            try:
                return self._by_columns(items, read_mask)
            except (_Irregular, ValueError, TypeError, KeyError):
                pass  # from_dict below converts what this module does not, or raises naming the field
        from_dict: Callable[..., T] = self._cls.from_dict  # type: ignore[attr-defined]
        return [from_dict(item, read_mask=read_mask) for item in items]

    def _by_columns(self, items: Sequence[dict[str, Any]], read_mask: Collection[str] | None) -> list[T]:
        first = tuple(items[0])
        if list(map(len, items)).count(len(first)) == len(items):
            try:  # as many keys in each as in the first, and each of those keys in each: one key set
                return self._shape(first, items, read_mask)
            except KeyError:
                pass
        shapes = list(map(tuple, items))
        # Objects written without their zero values (protojson's default) come in a few shapes: one pass each.
        groups: dict[tuple[str, ...], list[int]] = {}
        for index, shape in enumerate(shapes):
            groups.setdefault(shape, []).append(index)
        if len(groups) * _MIN_GROUP > len(items):
            raise _Irregular  # nearly every object differs: from_dict is as fast
        models: list[Any] = [None] * len(items)
        for shape, indexes in groups.items():
            for index, model in zip(indexes, self._shape(shape, [items[i] for i in indexes], read_mask), strict=True):
                models[index] = model
        return models

    def _shape(self, names: tuple[str, ...], items: Sequence[Any], read_mask: Collection[str] | None) -> list[T]:
        """Models of objects that all have the keys `names`, in that order."""
        assert self._columns is not None
        count = len(items)
        if len(names) == 0:
            rows: list[tuple[Any, ...]] = [()] * count
        elif len(names) == 1:
            rows = [(item[names[0]],) for item in items]
        else:
            rows = list(map(itemgetter(*names), items))
        columns = list(zip(*rows, strict=True)) if names else []
        unset = self._unset
        by_attribute: dict[str, Sequence[Any]] = {}
        extras: list[tuple[str, Sequence[Any]]] = []
        for name, values in zip(names, columns, strict=True):
            column = self._columns.get(name)
            if column is None:
                extras.append((name, values))  # a field newer than the spec: kept in additional_properties
                continue
            if column.required and None in values:
                raise _Irregular  # from_dict raises MissingFieldError (or makes UNSET what the mask left out)
            by_attribute[self._attribute_of[name]] = column.convert(values, unset)
        for name in self._required:
            if name not in names and (read_mask is None or name in read_mask):
                raise _Irregular  # from_dict raises MissingFieldError naming it
        absent = [unset] * count
        arguments = [by_attribute.get(attribute, absent) for attribute in self._attributes]
        cls: Any = self._cls
        models: list[T] = list(map(cls, *arguments)) if arguments else [cls() for _ in range(count)]
        if extras:
            extra_names = [name for name, _ in extras]
            for model, values in zip(models, zip(*(values for _, values in extras), strict=True), strict=True):
                model.additional_properties = dict(zip(extra_names, values, strict=True))  # type: ignore[attr-defined]
        return models
