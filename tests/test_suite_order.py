"""make unit runs the test modules that took longest last time first (tests/conftest.py), whole and each in its
own order, and records the times for the next run: so the workers finish together instead of one long module
starting last."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

from spec_tools.paths import REPO_ROOT
from tests import conftest


class _Cache:
    def __init__(self, value: Any = None) -> None:
        self.values: dict[str, Any] = {} if value is None else {conftest._SECONDS_KEY: value}

    def get(self, key: str, default: Any) -> Any:
        return self.values.get(key, default)

    def set(self, key: str, value: Any) -> None:
        self.values[key] = value


def _items(*nodeids: str) -> list[Any]:
    return [SimpleNamespace(nodeid=nodeid) for nodeid in nodeids]


COLLECTED = ("a.py::one", "a.py::two", "b.py::one", "c.py::one", "c.py::two", "c.py::three")


def _ordered(recorded: Any) -> list[str]:
    items = _items(*COLLECTED)
    conftest.pytest_collection_modifyitems(SimpleNamespace(cache=_Cache(recorded)), items)  # type: ignore[arg-type]
    return [item.nodeid for item in items]


def test_the_longest_modules_go_first_each_whole_and_in_order() -> None:
    assert _ordered({"c.py": 9.0, "a.py": 1.5, "b.py": 3}) == [
        "c.py::one", "c.py::two", "c.py::three", "b.py::one", "a.py::one", "a.py::two",
    ]  # fmt: skip


def test_without_a_usable_record_the_order_is_pytests() -> None:
    assert _ordered(None) == list(COLLECTED)
    assert _ordered(["c.py", 9]) == list(COLLECTED)
    assert _ordered({"c.py": "long", "b.py": None}) == list(COLLECTED)  # values that are not times count as none
    assert _ordered({"b.py": 2.0}) == ["b.py::one", *[n for n in COLLECTED if not n.startswith("b.py")]]


def test_the_controller_records_each_module_and_keeps_the_others(monkeypatch: Any) -> None:
    monkeypatch.setattr(conftest, "_SECONDS", {})
    for nodeid, duration in (("a.py::one", 0.5), ("a.py::two", 0.25), ("b.py::one", 2.0)):
        conftest.pytest_runtest_logreport(SimpleNamespace(nodeid=nodeid, duration=duration, when="call",
                                                          user_properties=[]))  # type: ignore[arg-type]  # fmt: skip
    cache = _Cache({"b.py": 9.0, "gone.py": 4.0})
    worker = SimpleNamespace(config=SimpleNamespace(cache=cache, workerinput={}))
    conftest.pytest_sessionfinish(worker)  # type: ignore[arg-type]
    assert cache.values[conftest._SECONDS_KEY] == {"b.py": 9.0, "gone.py": 4.0}  # a worker writes nothing
    conftest.pytest_sessionfinish(SimpleNamespace(config=SimpleNamespace(cache=cache)))  # type: ignore[arg-type]
    assert cache.values[conftest._SECONDS_KEY] == {"a.py": 0.75, "b.py": 2.0, "gone.py": 4.0}


def test_make_unit_keeps_the_order_and_the_record_in_the_virtualenv() -> None:
    """pytest-xdist reorders modules by their number of tests unless told not to; the record lives in the venv."""
    (recipe,) = re.findall(r"^unit:.*\n\t(.*)$", (REPO_ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    assert "--dist loadfile" in recipe and "--no-loadscope-reorder" in recipe
    assert "-o cache_dir=$(VENV)/" in recipe
