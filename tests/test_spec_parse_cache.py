"""Parsed specs are kept between processes: a hit gives what parsing gives, refused text is never kept, and the
folder stays bounded (spec_tools.parse_cache)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import pytest

from spec_tools import parse_cache, spec
from spec_tools.paths import SPEC_PATH

SPEC_TEXT = SPEC_PATH.read_text(encoding="utf-8")
# A stand-in for a whole spec where the real one's parse time (0.2 s) is not what is tested: the size threshold is
# lowered to it.
PAGE = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /v1/things: {get: {responses: {'200': {}}}}\n"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private cache folder, kept from texts of PAGE's size up."""
    monkeypatch.setattr(parse_cache, "MIN_BYTES", len(PAGE))
    monkeypatch.setenv(parse_cache.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def yaml_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many texts reach the YAML loader."""
    calls: list[int] = []
    real = spec.load_bounded_yaml

    def counting(text: str) -> Any:
        calls.append(len(text))
        return real(text)

    monkeypatch.setattr(spec, "load_bounded_yaml", counting)
    return calls


def test_a_whole_spec_is_read_from_yaml_once_and_then_given_back_equal(folder: Path, yaml_reads: list[int]) -> None:
    first = spec.parse_spec_text(SPEC_TEXT)
    second = spec.parse_spec_text(SPEC_TEXT)
    assert yaml_reads == [len(SPEC_TEXT)]
    assert second == first and second is not first  # a fresh document: callers may change theirs
    assert len(list(folder.glob("*.json"))) == 1
    assert not list(folder.glob(".*.tmp"))


def test_a_changed_text_is_parsed_afresh(folder: Path, yaml_reads: list[int]) -> None:
    spec.parse_spec_text(PAGE)
    changed = spec.parse_spec_text(PAGE.replace("title: t", "title:  t", 1))
    assert len(yaml_reads) == 2
    assert changed == spec.parse_spec_text(PAGE)


def test_a_damaged_entry_is_parsed_again_and_replaced(folder: Path, yaml_reads: list[int]) -> None:
    expected = spec.parse_spec_text(PAGE)
    (entry,) = folder.glob("*.json")
    for damage in ('{"paths": ', "[1, 2]", ""):
        entry.write_text(damage)
        assert spec.parse_spec_text(PAGE) == expected
    assert len(yaml_reads) == 4
    assert spec.parse_spec_text(PAGE) == expected
    assert len(yaml_reads) == 4  # the last parse rewrote it whole


def test_entries_kept_under_other_reading_rules_are_not_given_back(
    folder: Path, yaml_reads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key holds the loader's rules (safe_yaml's source, PyYAML's version): after a change to them, text is
    checked afresh instead of trusted to an entry the older rules let through."""
    spec.parse_spec_text(PAGE)
    rules = parse_cache._RULES
    assert rules is not None and rules.startswith("safe_yaml ")
    monkeypatch.setattr(parse_cache, "_RULES", rules + " changed")
    spec.parse_spec_text(PAGE)
    assert len(yaml_reads) == 2
    monkeypatch.setattr(parse_cache, "_RULES", None)  # the loader's source unreadable: no cache at all
    spec.parse_spec_text(PAGE)
    spec.parse_spec_text(PAGE)
    assert len(yaml_reads) == 4


def test_refused_text_is_never_kept(folder: Path) -> None:
    duplicated = PAGE + "info:\n  title: again\n"  # a second top-level `info`
    for _ in range(2):
        with pytest.raises(ValueError, match="appears twice"):
            spec.parse_spec_text(duplicated)
    assert not folder.exists() or not list(folder.iterdir())


def test_what_json_cannot_give_back_is_not_kept(folder: Path, yaml_reads: list[int]) -> None:
    dated = PAGE + "x-released: 2026-12-05\n"  # YAML reads a date, JSON would give back a string
    first = spec.parse_spec_text(dated)
    assert spec.parse_spec_text(dated) == first
    assert len(yaml_reads) == 2
    assert not folder.exists() or not list(folder.glob("*.json"))


def test_small_texts_and_a_cache_turned_off_are_always_parsed(
    folder: Path, yaml_reads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    smaller = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n"
    spec.parse_spec_text(smaller)
    spec.parse_spec_text(smaller)
    monkeypatch.setenv(parse_cache.CACHE_ENV, "off")
    spec.parse_spec_text(PAGE)
    spec.parse_spec_text(PAGE)
    assert len(yaml_reads) == 4
    assert not folder.exists()


def test_the_folder_keeps_only_the_most_recent_entries(
    folder: Path, yaml_reads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parse_cache, "MAX_ENTRIES", 3)
    texts = [f"{PAGE}x-n: {n}\n" for n in range(5)]
    for text in texts:
        spec.parse_spec_text(text)
        time.sleep(0.02)  # file times are coarser than a parse of PAGE
    assert len(list(folder.glob("*.json"))) == 3
    assert [spec.parse_spec_text(text)["x-n"] for text in texts[2:]] == [2, 3, 4]
    assert len(yaml_reads) == 5  # the three newest were kept
    spec.parse_spec_text(texts[0])
    assert len(yaml_reads) == 6  # the oldest was not


def test_an_unwritable_folder_only_costs_the_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(parse_cache.CACHE_ENV, str(blocker / "cache"))
    assert spec.parse_spec_text(PAGE)["paths"]


def test_the_default_folder_is_the_virtualenvs_and_none_outside_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(parse_cache.CACHE_ENV, raising=False)
    folder = parse_cache.cache_folder()
    assert folder is not None and folder.is_relative_to(Path(sys.prefix))
    monkeypatch.setattr("sys.prefix", "/usr")
    monkeypatch.setattr("sys.base_prefix", "/usr")
    assert parse_cache.cache_folder() is None
