"""`make bench` names a missing peer before it runs and every target it missed after (benchmarks/run_all.py)."""

from __future__ import annotations

import importlib.util
from types import ModuleType
from typing import Any

import pytest

from spec_tools.paths import REPO_ROOT


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_bench_run_all", REPO_ROOT / "benchmarks" / "run_all.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


run_all = _load()


def _results(**overrides: dict[str, Any]) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {report: {} for _, _, report in run_all.STEPS}
    results.update(overrides)
    return results


def test_every_missed_target_is_named() -> None:
    results = _results(
        **{
            "bench-mock.json": {"missed": ["mock list page of 50 vs Prism >= 5x"]},
            "bench-client.json": {
                "meets_targets": False,
                "ours_vs_raw": 1.3,
                "sdk_vs_ours": 1.9,
                "targets": {
                    "ours_vs_raw_at_most": 1.15,
                    "sdk_vs_ours_at_least": 1.5,
                    "page_parse_vs_json_loads_at_most": 2.0,
                    "list_walk_ours_vs_raw_at_most": 1.5,
                    "list_walk_sdk_vs_ours_at_least": 1.5,
                },
                "page_parse": {"page_parse_vs_json_loads": 1.7},
                "list_walk": {"ours_vs_raw": 1.53, "sdk_vs_ours": 1.2},
            },
            "bench-generate.json": {"median_seconds": 3.4},
            "contract-vs-prism.json": {"money_caught": False},
        }
    )
    missed = run_all._missed(results)
    assert missed[0] == "mock: mock list page of 50 vs Prism >= 5x"
    assert any("client per call vs raw httpx: 1.30x" in line for line in missed)
    assert not any("SDK per call" in line for line in missed)
    assert "list walk vs raw httpx: 1.53x, target <= 1.5x" in missed
    assert "SDK auto-pager vs our list: 1.20x, target >= 1.5x" in missed
    assert not any("page of 200" in line for line in missed)
    assert any("make generate: 3.4 s" in line for line in missed)
    assert any("money" in line for line in missed)
    assert run_all._missed(_results()) == []


def test_a_missing_peer_is_named_with_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_all.shutil, "which", lambda name: None)
    peers = {name: (found, how) for name, found, how, _ in run_all._peers()}
    assert peers["wrk"] == (False, "apt-get update && apt-get install -y wrk")
    if not (run_all.HERE.parent / ".bench" / "prism" / "node_modules" / ".bin" / "prism").exists():
        assert peers["Prism (npm)"][0] is False
