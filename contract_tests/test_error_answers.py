"""Answers a correct gateway gives outside the documented 200: each must be a well-mapped google.rpc.Status."""

from __future__ import annotations

import pytest

from .exchange import Exchange
from .run import ContractRun

UNKNOWN_JOB = "contract-suite-no-such-job-7f3a9c"


def _hold_not_server_error(run: ContractRun, exchange: Exchange, test_name: str) -> None:
    run.hold(exchange, test_name)
    if exchange.status >= 500:
        run.fail_run(f"HTTP {exchange.status} for {exchange.url}", job_id=exchange.job_id, rule="errors")


def test_unknown_job(run: ContractRun, test_name: str) -> None:
    """An id that names no job: not a 5xx, and a 404 must carry NOT_FOUND."""
    _hold_not_server_error(run, run.send("GET", run.job_path(UNKNOWN_JOB)), test_name)


def test_id_with_encoded_slash(run: ContractRun, probe_job_id: str, test_name: str) -> None:
    """A percent-encoded `/` inside an id is an id, never a 5xx."""
    _hold_not_server_error(run, run.send("GET", run.job_path(f"{probe_job_id}/extra")), test_name)


def test_invalid_read_mask(run: ContractRun, probe_job_id: str, test_name: str) -> None:
    """A mask naming no field: a 400 must carry INVALID_ARGUMENT; a 200 must hold no field outside it."""
    run.hold(run.send("GET", run.job_path(probe_job_id), read_mask="noSuchField"), test_name)


@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_unrouted_method(run: ContractRun, probe_job_id: str, method: str, test_name: str) -> None:
    """Another method on the job path: a Status body (405 with UNIMPLEMENTED is how grpc-gateway answers)."""
    if run.target.live:
        pytest.skip("live runs send only GETs")
    run.hold(run.send(method, run.job_path(probe_job_id)), test_name)
