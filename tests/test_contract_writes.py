"""The write settings are checked with clear messages that never echo a key; the ledger hands out the run's own
ids up to CONTRACT_MAX_JOBS and takes as its own only jobs that carry its mark; the step summary lists what was
left behind. Pure functions: no server, no suite run."""

from __future__ import annotations

from typing import Any

import pytest

from contract_tests.lifecycle_rules import Call
from contract_tests.operation_facts import api_facts
from contract_tests.outcome import Verdict, step_summary
from contract_tests.report import Redactor
from contract_tests.settings import DEFAULT_MAX_JOBS, MAX_MAX_JOBS, SettingsError, settings_from_env
from contract_tests.writes import ID_PREFIX, LedgerFull, LeftBehind, WriteLedger, poll_delays

KEY = "sk-writes-test-9f8e7d6c5b"
LIVE = {
    "CONTRACT_BASE_URL": "http://127.0.0.1:9",
    "FIREWORKS_API_KEY": KEY,
    "FIREWORKS_ACCOUNT_ID": "acme",
    "CONTRACT_JOB_IDS": "abc",
}
FACTS = api_facts()


def test_a_live_run_reads_only_by_default() -> None:
    """No CONTRACT_WRITES: a live run does not write; the embedded mock always is written to."""
    assert settings_from_env(LIVE).writes is False
    assert settings_from_env({}).writes is True
    live = settings_from_env(LIVE | {"CONTRACT_WRITES": "1", "CONTRACT_DATASET": "accounts/acme/datasets/d"})
    assert (live.writes, live.dataset, live.max_jobs) == (True, "accounts/acme/datasets/d", DEFAULT_MAX_JOBS)


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({"CONTRACT_WRITES": "1"}, "CONTRACT_DATASET"),
        ({"CONTRACT_DATASET": "d"}, "CONTRACT_WRITES"),
        ({"CONTRACT_WRITES": "yes"}, "CONTRACT_WRITES must be 1"),
        ({"CONTRACT_WRITES": "1", "CONTRACT_DATASET": "d", "CONTRACT_MAX_JOBS": "0"}, "CONTRACT_MAX_JOBS"),
        ({"CONTRACT_WRITES": "1", "CONTRACT_DATASET": "d", "CONTRACT_MAX_JOBS": str(MAX_MAX_JOBS + 1)}, "at most"),
        ({"CONTRACT_DATASET": "has space", "CONTRACT_WRITES": "1"}, "CONTRACT_DATASET must be"),
        ({"CONTRACT_ACCOUNTS": "ok,.."}, "CONTRACT_ACCOUNTS"),
        ({"CONTRACT_WAIT_SECONDS": "0"}, "CONTRACT_WAIT_SECONDS"),
    ],
)
def test_write_settings_are_refused_with_a_message_naming_them(extra: dict[str, str], named: str) -> None:
    """Each contradiction or malformed value is one SettingsError naming the setting, never quoting the key."""
    with pytest.raises(SettingsError, match=named) as refused:
        settings_from_env(LIVE | extra)
    assert KEY not in str(refused.value)


def test_more_accounts_are_live_only() -> None:
    """CONTRACT_ACCOUNTS adds accounts to a live run; the embedded mock serves one."""
    assert settings_from_env(LIVE | {"CONTRACT_ACCOUNTS": "b, c,b"}).accounts == ("b", "c")
    with pytest.raises(SettingsError, match="embedded mock"):
        settings_from_env({"CONTRACT_ACCOUNTS": "b"})


def test_poll_delays_start_short_and_add_up_to_the_wait() -> None:
    """Reads come quickly first (a mock shows a cancel in 0.1 s), then further apart, never past the wait."""
    delays = poll_delays(60)
    assert delays[0] <= 0.1 and max(delays) <= 5 and abs(sum(delays) - 60) < 1e-9
    assert len(delays) < 30


class _Run:
    """What the ledger reads of a run."""

    def __init__(self) -> None:
        self.api = FACTS


def _ledger(max_jobs: int = 2) -> WriteLedger:
    return WriteLedger(_Run(), max_jobs)  # type: ignore[arg-type]


def _created(job_id: str, **fields: Any) -> Call:
    create = FACTS.operations["create"]
    name = FACTS.resource.resource_name(dict.fromkeys(FACTS.resource.parent_variables, "acme"), job_id)
    body = {FACTS.resource.name_field or "name": name, **fields}
    return Call(create.operation_id, create.method, "http://127.0.0.1:9/v1/x", 200, body)


def test_ids_are_the_runs_own_and_capped() -> None:
    """Ids carry the run's prefix (AIP-122 valid), and no more than CONTRACT_MAX_JOBS are handed out."""
    ledger = _ledger(2)
    first, second = ledger.new_id(), ledger.new_id()
    assert first.startswith(f"{ID_PREFIX}-{ledger.nonce}-") and first != second
    assert all(c.islower() or c.isdigit() or c == "-" for c in first) and len(first) <= 63
    with pytest.raises(LedgerFull, match="CONTRACT_MAX_JOBS=2"):
        ledger.new_id()


def test_a_job_named_otherwise_is_the_runs_only_with_its_mark() -> None:
    """A gateway that ignores the id asked for: its job is cleaned up only when it carries the run's mark."""
    ledger = _ledger()
    marker = FACTS.resource.marker_field
    if marker is None:
        pytest.skip("this spec has no field to mark the run's jobs with")
    assert ledger.learn("acme", _created(f"{ledger.prefix}-1")) == f"{ledger.prefix}-1"
    assert ledger.learn("acme", _created("0a1b-uuid", **{marker: ledger.mark})) == "0a1b-uuid"
    assert ledger.learn("acme", _created("someone-elses", **{marker: "theirs"})) is None
    assert ledger.jobs == (("acme", f"{ledger.prefix}-1"), ("acme", "0a1b-uuid"))


def test_the_step_summary_lists_jobs_left_behind_with_a_curl() -> None:
    """Each job the run could not clean up: a row (account, id, state, reason) and the curl that deletes it."""
    left = LeftBehind(
        "acme", "contract-suite-abcdefgh-1", "JOB_STATE_RUNNING", "delete refused", "curl -sS -X DELETE u"
    )
    text = step_summary(Verdict("error", "left behind"), "live", [], Redactor(), [left])
    assert "could not clean up (1)" in text and "`contract-suite-abcdefgh-1`" in text and "curl -sS -X DELETE u" in text
