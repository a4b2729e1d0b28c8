"""Each lifecycle fault breaks its rule of LIFECYCLE.md in its own account (`--all-faults`), and the same steps in
the faithful account keep that rule: the proof the suite's lifecycle rules will have something to kill. `--fault`
with a lifecycle fault breaks the main account itself."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from gateway_mock.faults import FAULTS, LIFECYCLE_FAULTS, LIFECYCLE_RULES, RULES, fault_account
from gateway_mock.variants import LIFECYCLE_VARIANTS, variant_account
from gateway_protocol.job_states import DELETION_STATES, TERMINAL_STATES
from tests.mock_inprocess import ITEMS, InProcess, collection_path

FAITHFUL = "mock-account"
DATASET = "accounts/mock-account/datasets/d"


@pytest.fixture
def mock() -> Iterator[InProcess]:
    served = InProcess(all_faults=True)
    yield served
    served.close()


def _names(jobs: list[dict[str, Any]]) -> list[str]:
    return [job["name"].rsplit("/", 1)[-1] for job in jobs]


def _walk_pages(mock: InProcess, account: str, limit: int = 40, **params: Any) -> tuple[list[str], list[str]]:
    """(job ids in walk order, tokens seen), stopping at the first token seen twice."""
    ids: list[str] = []
    tokens: list[str] = []
    token = None
    for _ in range(limit):
        page = mock.get(collection_path(account), **params, **({"pageToken": token} if token else {})).json()
        ids += _names(page.get(ITEMS, []))
        token = page.get("nextPageToken")
        if not token or token in tokens:
            tokens += [token] if token else []
            break
        tokens.append(token)
    return ids, tokens


def _made(mock: InProcess, job_id: str, account: str) -> str:
    """Create a job; the id it got (the one asked for, unless the account ignores it)."""
    name: str = mock.create({"dataset": DATASET}, job_id, account).json()["name"]
    return name.rsplit("/", 1)[-1]


def repeats(mock: InProcess, account: str) -> bool:
    ids, _ = _walk_pages(mock, account, pageSize=4)
    return len(ids) != len(set(ids))


def loops(mock: InProcess, account: str) -> bool:
    _, tokens = _walk_pages(mock, account, pageSize=4)
    return len(tokens) != len(set(tokens))


def oversized(mock: InProcess, account: str) -> bool:
    return len(mock.get(collection_path(account), pageSize=3).json()[ITEMS]) > 3


def unfiltered(mock: InProcess, account: str) -> bool:
    jobs = mock.get(collection_path(account), filter='state = "JOB_STATE_RUNNING"').json().get(ITEMS, [])
    return any(job["state"] != "JOB_STATE_RUNNING" for job in jobs)


def unordered(mock: InProcess, account: str) -> bool:
    jobs = mock.get(collection_path(account), orderBy="name desc", pageSize=200).json()[ITEMS]
    names = [job["name"] for job in jobs]
    return names != sorted(names, reverse=True)


def differs(mock: InProcess, account: str) -> bool:
    listed = mock.get(collection_path(account), pageSize=200).json()[ITEMS]
    # The response faults' jobs (fault-<name>) break other rules on purpose, in List as in Get.
    own = [job for job in listed if not job["name"].rsplit("/", 1)[-1].startswith("fault-")]
    return any(mock.job(job["name"].rsplit("/", 1)[-1], account) != job for job in own)


def wrong_id(mock: InProcess, account: str) -> bool:
    job = mock.create({"dataset": DATASET}, "asked-for", account).json()
    return not job["name"].endswith("/asked-for")


def kept_state(mock: InProcess, account: str) -> bool:
    job = mock.create({"dataset": DATASET, "state": "JOB_STATE_COMPLETED"}, "kept", account).json()
    return job["state"] in TERMINAL_STATES


def duplicate_ok(mock: InProcess, account: str) -> bool:
    """A second create with the id of the job the first one made (whatever id it was given)."""
    made = _made(mock, "dup", account)
    return mock.create({"dataset": DATASET}, made, account).status_code == 200


def no_dataset_ok(mock: InProcess, account: str) -> bool:
    return mock.create({"displayName": "no dataset"}, "nodata", account).status_code == 200


def resurrected(mock: InProcess, account: str) -> bool:
    job_id = _made(mock, "undead", account)
    assert mock.delete(job_id, account).json() == {}
    states = []
    for _ in range(30):
        answer = mock.get(collection_path(account) + "/" + job_id)
        if answer.status_code == 404:
            break
        states.append(answer.json()["state"])
        mock.advance(0.5)
    return any(state not in DELETION_STATES for state in states)


def cancel_ignored(mock: InProcess, account: str) -> bool:
    job_id = _made(mock, "unstoppable", account)
    mock.advance(3.5)
    assert mock.verb(job_id, "cancel", account).json() == {}
    mock.advance(120)
    return mock.job(job_id, account)["state"] not in TERMINAL_STATES


def negative(mock: InProcess, account: str) -> bool:
    (cost,) = mock.estimate({"dataset": DATASET}, account).json().values()
    return int(cost["units"]) < 0 or cost["nanos"] < 0


def side_effect(mock: InProcess, account: str) -> bool:
    before = mock.get(collection_path(account)).json()["totalSize"]
    mock.estimate({"dataset": DATASET}, account)
    return bool(mock.get(collection_path(account)).json()["totalSize"] != before)


BROKEN: dict[str, Callable[[InProcess, str], bool]] = {
    "list-repeats-jobs": repeats,
    "list-token-loops": loops,
    "list-page-size-ignored": oversized,
    "list-filter-ignored": unfiltered,
    "list-order-ignored": unordered,
    "list-differs-from-get": differs,
    "create-ignores-id": wrong_id,
    "create-keeps-output-only": kept_state,
    "create-duplicate-accepted": duplicate_ok,
    "create-without-dataset": no_dataset_ok,
    "delete-resurrects": resurrected,
    "cancel-ignored": cancel_ignored,
    "estimate-negative": negative,
    "estimate-creates-job": side_effect,
}


def test_every_lifecycle_fault_has_a_check_and_a_lifecycle_rule() -> None:
    assert set(BROKEN) == set(LIFECYCLE_FAULTS)
    assert {fault.rule for fault in LIFECYCLE_FAULTS.values()} == set(LIFECYCLE_RULES)
    assert not set(LIFECYCLE_FAULTS) & set(FAULTS) and not set(LIFECYCLE_RULES) & set(RULES)


@pytest.mark.parametrize("name", list(LIFECYCLE_FAULTS))
def test_the_fault_breaks_its_rule_only_in_its_account(mock: InProcess, name: str) -> None:
    broken = BROKEN[name]
    assert broken(mock, fault_account(name)), f"{name} did not break its rule in {fault_account(name)}"
    assert not broken(mock, FAITHFUL), f"the faithful account broke the rule of {name}"


@pytest.mark.parametrize("name", list(LIFECYCLE_FAULTS))
def test_the_other_lifecycle_checks_hold_in_each_fault_account(name: str) -> None:
    """A fault breaks its own rule and no other lifecycle rule (the checks use their own job ids: one mock)."""
    served = InProcess(all_faults=True)
    try:
        for other, broken in BROKEN.items():
            if other != name:
                assert not broken(served, fault_account(name)), f"{name}'s account also breaks {other}"
    finally:
        served.close()


def test_one_lifecycle_fault_for_the_whole_mock_breaks_the_main_account() -> None:
    served = InProcess(fault=LIFECYCLE_FAULTS["estimate-negative"])
    try:
        assert negative(served, FAITHFUL)
        assert not repeats(served, FAITHFUL)
    finally:
        served.close()


def test_fault_accounts_hold_the_fixture_jobs(mock: InProcess) -> None:
    faithful = _names(mock.listed(FAITHFUL))
    for name in LIFECYCLE_FAULTS:
        if name.startswith("list-"):
            continue  # their walks are what is broken
        assert set(_names(mock.listed(fault_account(name)))) <= set(faithful)


# --- correct variants (gateway_mock.variants) --------------------------------------------------------


def hard_deleted(mock: InProcess, account: str) -> bool:
    job_id = _made(mock, "hard", account)
    mock.delete(job_id, account)
    return mock.get(collection_path(account) + "/" + job_id).status_code == 404


def terminal_cancel_ok(mock: InProcess, account: str) -> bool:
    job_id = _made(mock, "done", account)
    mock.advance(60)
    before = mock.job(job_id, account)
    answer = mock.verb(job_id, "cancel", account)
    return answer.status_code == 200 and answer.json() == {} and mock.job(job_id, account) == before


def unbound_tokens(mock: InProcess, account: str) -> bool:
    token = mock.get(collection_path(account), pageSize=2).json()["nextPageToken"]
    other = mock.get(collection_path(account), pageSize=2, pageToken=token, orderBy="name desc")
    return other.status_code == 200


def pending_first(mock: InProcess, account: str) -> bool:
    return bool(mock.create({"dataset": "d"}, "first", account).json()["state"] == "JOB_STATE_PENDING")


def expanded(mock: InProcess, account: str) -> bool:
    return bool(mock.create({"dataset": "d"}, "full", account).json()["dataset"] == f"accounts/{account}/datasets/d")


VARIANTS: dict[str, Callable[[InProcess, str], bool]] = {
    "hard-delete": hard_deleted,
    "cancel-terminal-ok": terminal_cancel_ok,
    "unbound-page-tokens": unbound_tokens,
    "first-state-pending": pending_first,
    "full-resource-names": expanded,
}


@pytest.mark.parametrize("name", list(LIFECYCLE_VARIANTS))
def test_each_correct_variant_behaves_so_only_in_its_account(mock: InProcess, name: str) -> None:
    """A variant account does what the variant says (a behaviour LIFECYCLE.md accepts); the faithful account
    keeps the mock's own choice."""
    assert set(VARIANTS) == set(LIFECYCLE_VARIANTS)
    assert VARIANTS[name](mock, variant_account(name)), f"{name} did not show in {variant_account(name)}"
    assert not VARIANTS[name](mock, FAITHFUL), f"the faithful account behaves as {name}"
