"""Each job read with several read masks, and refused without valid credentials: every rule on every answer."""

from __future__ import annotations

from .run import ContractRun


def test_job_contract(run: ContractRun, job_id: str, read_mask: str | None, test_name: str) -> None:
    """A job read holds to every rule (schema, dataset, enums, money, progress, mask, name, content-type)."""
    exchange = run.send("GET", run.job_path(job_id), read_mask=read_mask)
    run.hold(exchange, test_name)
    if read_mask is None and exchange.status != 200:
        # Not a rule of the spec but of the run: a job id that cannot be read checks nothing.
        run.fail_run(f"HTTP {exchange.status} reading an existing job without a mask", job_id=job_id)


def test_job_without_credentials(run: ContractRun, job_id: str, test_name: str) -> None:
    """No bearer token: 401 with a google.rpc.Status body."""
    run.hold(run.send("GET", run.job_path(job_id), credentials="missing"), test_name)


def test_job_with_wrong_credentials(run: ContractRun, job_id: str, test_name: str) -> None:
    """A wrong bearer token: 401 with a google.rpc.Status body."""
    run.hold(run.send("GET", run.job_path(job_id), credentials="wrong"), test_name)
