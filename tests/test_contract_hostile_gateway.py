"""A hostile gateway cannot stall the suite or make it leak: a key reflected into the body never shows (not even
an 8-character piece of it), and trickling, endless, oversized or too-slow answers each end the run quickly with
a non-zero exit and one finding that names the job and what happened, in bounded memory. Bodies built to hurt
(1,500 secret-looking values, a 5,000-digit int64, JSON nested 200,000 deep, terminal escapes, a gzip bomb) end
in findings naming the job, and a symlink planted in the report directory during the run is never followed."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, ClassVar

import pytest

from gateway_mock.constants import job_name
from gateway_mock.faults import FAULTS
from gateway_mock.fixtures import build_fixtures
from gateway_mock.marshal import Marshaler
from gateway_mock.server import serving_in_thread
from spec_tools.paths import REPO_ROOT
from spec_tools.spec import load_spec
from tests.client_spec_bodies import scalar_property
from tests.helpers import LoopbackServer, loopback_request, send_json, write_answer

KEY = "sk-live-Q7vN2pX9rT4mW8kZ3bY6"  # what a hostile gateway reflects
DEADLINE = 1.0  # CONTRACT_REQUEST_DEADLINE of these runs: the default (15 s) is bounded the same way
RUN_LIMIT = 60  # seconds: the "within about a minute"
MEMORY_LIMIT_MB = 300
SPEC = load_spec()
BASE_JOB = Marshaler(SPEC).full(build_fixtures(SPEC)["sft-running"])
# Where the reflected key goes, found in the spec: a long free-text field, the enum the unknown-enum fault aims
# at (the enums rule reports it), and the first Money (the money rule reports it) when the spec has one.
REFLECT_TEXT = scalar_property("string")
REFLECT_ENUM = FAULTS["unknown-enum"].target
REFLECT_MONEY = FAULTS["bad-currency"].target
REFLECT_RULES = [rule for rule, target in (("enums", REFLECT_ENUM), ("money", REFLECT_MONEY)) if target]
SECRETS = {f"leak{index}Password": f"s3cr3t-{index:04d}-{'x' * 24}" for index in range(1500)}
FORGED = "\x1b[1A\x1b[2K\routcome: passed <img src=x> [a](https://evil.example)"
DEPTH = 200_000


def _gzip_bomb(inflated_mib: int) -> bytes:
    """A gzip body of about inflated_mib KB inflating to inflated_mib MiB: one flushed MiB of zeros, repeated."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    head = compressor.compress(bytes(1 << 20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(bytes(1 << 20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return head + block * (inflated_mib - 1)


_MODES = {"reflect", "trickle", "endless", "oversized", "slow-headers", "slow", "bomb"}
_BODIES = {"secrets", "digits", "bignum", "deep", "forged", "plant"}  # a 200 whose body is built to hurt


class _Hostile(BaseHTTPRequestHandler):
    """Misbehaves by job id: reflect, trickle, endless, oversized, slow-headers, slow, and *-later variants that
    answer properly the first time (the preflight read) and misbehave afterwards."""

    protocol_version = "HTTP/1.1"
    seen: ClassVar[dict[str, int]] = {}
    upstream = ""  # a faithful mock: every other job id is forwarded to it
    plant_in: ClassVar[list[Path]] = []  # report directories to plant symlinks in, on the first read of `plant`

    def do_GET(self) -> None:
        job_id = self.path.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
        count = self.seen[job_id] = self.seen.get(job_id, 0) + 1
        mode = job_id.removesuffix("-later") if (count > 1 or not job_id.endswith("-later")) else "plain"
        mode = mode if mode in _MODES else "plain"
        token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
        if job_id in _BODIES and token == KEY and "?" not in self.path:
            self._raw(200, self._hurtful(job_id))
        elif job_id in _BODIES:  # masked or unauthenticated reads: as the faithful mock answers for a clean job
            self._forward(self.path.replace(f"/{job_id}", "/sft-running", 1), rename=job_id)
        elif mode == "plain" and not job_id.endswith("-later"):
            self._forward(self.path)
        elif mode == "plain" or not token:
            self._json(401 if not token else 200, {"code": 16, "message": "no", "details": []} if not token else
                       {**BASE_JOB, "name": job_name(job_id)})  # fmt: skip
        elif mode == "reflect":
            body = {**BASE_JOB, "name": job_name(job_id)}
            if REFLECT_TEXT:
                body[REFLECT_TEXT] = "x" * 70 + token
            if REFLECT_ENUM:
                body[REFLECT_ENUM] = token
            if REFLECT_MONEY:
                body[REFLECT_MONEY] = {"currencyCode": token, "units": "x" * 60 + token[:11], "nanos": 0}
            self._json(200, body)
        elif mode == "trickle":
            self._start(100_000)
            self._drip(b"{", 0.1)
        elif mode == "endless":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b" " * 65536
            for _ in range(20_000):  # about 1.3 GB at most, far past any cap
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        elif mode == "oversized":
            self._start(64 * 1024 * 1024)
            for _ in range(1024):
                self.wfile.write(b" " * 65536)
        elif mode == "slow-headers":
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            self._drip(b"X", 0.1)
        elif mode == "slow":
            time.sleep(DEADLINE * 3)
            self._json(200, {**BASE_JOB, "name": job_name(job_id)})
        elif mode == "bomb":
            self._raw(200, _gzip_bomb(1024), encoding="gzip")  # 1 MB inflating to 1 GiB

    def do_POST(self) -> None:
        """Estimate cost and the writes of the lifecycle checks: answered by the faithful mock."""
        length = int(self.headers.get("Content-Length") or 0)
        headers = {k: v for k, v in self.headers.items() if k not in ("Host", "Content-Length")}
        content = self.rfile.read(length) if length else None
        answer = loopback_request(self.command, self.upstream + self.path, headers=headers, content=content)
        self._json(answer.status_code, answer.json())

    do_DELETE = do_POST

    def _forward(self, path: str, rename: str | None = None) -> None:
        headers = {k: v for k, v in self.headers.items() if k != "Host"}
        answer = loopback_request("GET", self.upstream + path, headers=headers)
        body = answer.json()
        if rename is not None and isinstance(body, dict) and body.get("name") == job_name("sft-running"):
            body["name"] = job_name(rename)
        self._json(answer.status_code, body)

    def _hurtful(self, job_id: str) -> bytes:
        body: dict[str, Any] = {**BASE_JOB, "name": job_name(job_id)}
        if job_id == "secrets":
            return json.dumps(body | SECRETS).encode()
        if job_id == "digits" and REFLECT_MONEY:
            body[REFLECT_MONEY] = {"currencyCode": "USD", "units": "9" * 5000, "nanos": 0}
        if job_id == "forged" and REFLECT_ENUM:
            body[REFLECT_ENUM] = FORGED
        if job_id == "plant":
            for report_dir in self.plant_in:  # during the run: after the entry point removed the old reports
                for name in ("contract.json", "contract.xml"):
                    (report_dir / name).unlink(missing_ok=True)
                    (report_dir / name).symlink_to(report_dir / "victim.txt")
            self.plant_in.clear()
        text = json.dumps(body)
        if job_id == "bignum":
            return f'{text[:-1]}, "extra": 1{"0" * 5000}}}'.encode()
        if job_id == "deep":
            return f'{text[:-1]}, "extra": {"[" * DEPTH}{"]" * DEPTH}}}'.encode()
        return text.encode()

    def _raw(self, status: int, data: bytes, encoding: str | None = None) -> None:
        write_answer(self, status, data, {"Content-Encoding": encoding} if encoding else None)

    def _start(self, length: int) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(length))
        self.end_headers()

    def _drip(self, byte: bytes, every: float) -> None:
        for _ in range(int(RUN_LIMIT / every)):
            self.wfile.write(byte)
            self.wfile.flush()
            time.sleep(every)

    def _json(self, status: int, body: dict[str, Any]) -> None:
        send_json(self, status, body)

    def handle(self) -> None:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the suite hung up, as it should
            super().handle()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@pytest.fixture(scope="module")
def hostile() -> Iterator[str]:
    server = LoopbackServer(("127.0.0.1", 0), _Hostile)
    server.daemon_threads = True
    with serving_in_thread(api_key=KEY) as mock:
        _Hostile.upstream = mock.base_url
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()


# Runs the suite as its own child and writes that child's peak RSS (KiB) to argv[1]. The indirection matters: a
# process's ru_maxrss starts from the memory image it exec'd from, so a suite started straight from this xdist
# worker would report the worker's own few hundred MB; started from this small launcher it reports its own.
_LAUNCHER = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
with open(sys.argv[1], "w") as peak:
    peak.write(str(usage.ru_maxrss))
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""


def _suite(base_url: str, job_ids: str, report_dir: Path) -> tuple[int, str, float]:
    """Run the suite against `base_url`, killed after RUN_LIMIT seconds: its exit code, output and peak memory
    in MB (of the suite process alone, not of every child this worker ever waited for)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONTRACT_", "FIREWORKS_", "GITHUB_STEP"))}
    env.update(
        CONTRACT_BASE_URL=base_url,
        FIREWORKS_API_KEY=KEY,
        FIREWORKS_ACCOUNT_ID="mock-account",
        CONTRACT_JOB_IDS=job_ids,
        CONTRACT_REPORT_DIR=str(report_dir),
        CONTRACT_REQUEST_DEADLINE=str(DEADLINE),
        CONTRACT_EXAMPLES="4",
        GITHUB_STEP_SUMMARY=str(report_dir / "summary.md"),
    )
    peak = report_dir / "peak-rss-kib"
    # The job reads are what these gateways attack; the lifecycle checks (lists, estimates) are left out here.
    command = [
        sys.executable,
        "-c",
        _LAUNCHER,
        str(peak),
        sys.executable,
        "-m",
        "contract_tests",
        "-k",
        "not lifecycle",
    ]
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            command, env=env, cwd=REPO_ROOT, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            # The time bound: a run that does not end within the limit is killed, and its exit code says so.
            process.wait(timeout=RUN_LIMIT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        output.seek(0)
        text = output.read().decode("utf-8", "replace")
    peak_mb = int(peak.read_text()) / 1024 if peak.exists() else float("inf")
    return process.returncode, text, peak_mb


@dataclass(frozen=True)
class Outcome:
    code: int
    output: str
    peak_mb: float
    report_dir: Path

    def report(self) -> dict[str, Any]:
        return dict(json.loads((self.report_dir / "contract.json").read_text()))


PREFLIGHT = {
    "trickle": "trickling or stalled body",
    "endless": "exceeded 4 MiB",
    "oversized": "exceeded 4 MiB",
    "slow-headers": "headers had not arrived",
    "slow": "headers had not arrived",
    "bomb": "exceeded 4 MiB once decoded",
}
# Bodies built to hurt: each job's finding, by rule and what it says.
HURTFUL = {"digits": "money", "bignum": "schema", "deep": "schema", "forged": "enums"}
MID_RUN = {"trickle-later": "trickling", "endless-later": "exceeded 4 MiB"}


@pytest.fixture(scope="module")
def outcomes(hostile: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    """Every scenario's suite run, started together: they mostly wait on deadlines, so they overlap well."""

    # Three runs, by how they end: the preflight's refusal and a mid-run failure each stop a run (exit 2); the
    # key reflected, the bodies built to hurt and the secret-looking values are findings of one run (exit 1), each
    # on its own job. The scenarios' tests read their run under their own name.
    runs = {
        "preflight": ["sft-running", *PREFLIGHT],
        "mid-run": ["sft-running", *MID_RUN],
        "findings": ["reflect", *HURTFUL, "plant", "secrets"],
    }
    report_dirs = {name: tmp_path_factory.mktemp(name) for name in runs}
    (report_dirs["findings"] / "victim.txt").write_text("keep me")
    _Hostile.plant_in[:] = [report_dirs["findings"]]

    def one(name: str, job_ids: list[str]) -> tuple[str, Outcome]:
        report_dir = report_dirs[name]
        return name, Outcome(*_suite(hostile, ",".join(job_ids), report_dir), report_dir)

    with ThreadPoolExecutor(max_workers=len(runs)) as pool:
        done = dict(pool.map(lambda item: one(*item), runs.items()))
    return {**done, "reflect": done["findings"], "hurtful": done["findings"], "secrets": done["findings"]}


def _pieces(secret: str, size: int = 8) -> set[str]:
    return {secret[i : i + size] for i in range(len(secret) - size + 1)}


def test_a_reflected_key_never_shows_not_even_in_pieces(outcomes: dict[str, Outcome]) -> None:
    """Key echoed into an enum, Money (when the spec has one) and a long string (cut where truncation used to
    cut): no 8-character piece of it in stdout, contract.json or contract.xml, while the violations are still
    reported."""
    run = outcomes["reflect"]
    assert run.code == 1, run.output[-3000:]
    texts = {"output": run.output, "json": (run.report_dir / "contract.json").read_text()}
    texts["xml"] = (run.report_dir / "contract.xml").read_text()
    ET.fromstring(texts["xml"])  # still well-formed after scrubbing
    for where, text in texts.items():
        leaked = [piece for piece in _pieces(KEY) if piece in text]
        assert not leaked, (where, leaked)
    assert REFLECT_RULES, "the spec has neither an enum nor a Money field for the key to be reflected into"
    for rule in REFLECT_RULES:
        assert f"[{rule}] violation on reflect" in run.output


@pytest.mark.parametrize("job_id", list(PREFLIGHT))
def test_a_hostile_answer_to_the_preflight_ends_the_run_naming_the_job(
    outcomes: dict[str, Outcome], job_id: str
) -> None:
    """The preflight read has the same limits: exit 2 within the limit, naming each bad job and its cause."""
    run = outcomes["preflight"]
    assert run.code == 2, run.output[-3000:]
    assert f"cannot read job {job_id} at " in run.output
    assert PREFLIGHT[job_id] in run.output.split(f"cannot read job {job_id} at ", 1)[1].split(";")[0]
    assert run.report()["outcome"] == "error" and job_id in str(run.report()["reason"])


@pytest.mark.parametrize("job_id", list(MID_RUN))
def test_a_job_that_turns_hostile_mid_run_is_one_finding(outcomes: dict[str, Outcome], job_id: str) -> None:
    """Past the preflight: one `run` finding names the job and what happened, its other checks are not sent,
    the healthy job is still checked, and the run exits 2 quickly."""
    run = outcomes["mid-run"]
    assert run.code == 2, run.output[-3000:]
    report = run.report()
    mine = [f for f in report["violations"] if f["job_id"] == job_id]
    assert len(mine) == 1 and mine[0]["rule"] == "run" and MID_RUN[job_id] in mine[0]["got"], mine
    assert report["outcome"] == "error" and job_id in report["reason"]
    assert f"[run] violation on {job_id}" in run.output


def test_memory_stays_bounded_against_endless_and_oversized_bodies(outcomes: dict[str, Outcome]) -> None:
    """The body cap holds memory: no suite process facing endless or oversized bodies peaked past a few hundred MB
    (each run's own peak, so other test modules' subprocesses do not count)."""
    assert outcomes["preflight"].code == outcomes["mid-run"].code == 2
    peaks = {name: outcome.peak_mb for name, outcome in outcomes.items()}
    assert all(0 < peak < MEMORY_LIMIT_MB for peak in peaks.values()), peaks


def test_fifteen_hundred_secret_looking_values_are_learnt_and_reported_in_bounded_time_and_memory(
    outcomes: dict[str, Outcome],
) -> None:
    """A job carrying 1,500 secret-looking values: the run ends within the limit (its exit code is the other
    jobs' findings': advisories never fail a run, so the job has no violation), writes its reports with one advisory
    per field and how often it was seen, and shows none of the values."""
    run = outcomes["secrets"]
    assert run.code in (0, 1), run.output[-3000:]
    assert [f for f in run.report()["violations"] if f["job_id"] == "secrets"] == []
    advisories = [f for f in run.report()["advisories"] if f["rule"] == "secret-value"]
    assert len(advisories) == len(SECRETS) and all(f["seen"] >= 1 for f in advisories)
    texts = run.output + "".join(p.read_text() for p in run.report_dir.iterdir() if p.suffix in (".json", ".xml"))
    assert not any(value in texts for value in SECRETS.values())
    assert 0 < run.peak_mb < MEMORY_LIMIT_MB


def test_bodies_built_to_hurt_end_in_findings_naming_their_job(outcomes: dict[str, Outcome]) -> None:
    """A 5,000-digit int64, a 5,000-digit number, JSON nested 200,000 deep and terminal escapes: each job gets its
    rule's finding (exit 1), the escapes print escaped, and the step summary renders them as text."""
    run = outcomes["hurtful"]
    assert run.code == 1, run.output[-3000:]
    found = {(f["job_id"], f["rule"]) for f in run.report()["violations"]}
    expected = {(job, rule) for job, rule in HURTFUL.items() if job not in ("digits", "forged") or REFLECT_MONEY}
    assert expected <= found, found
    assert "\x1b" not in run.output and "\r" not in run.output
    assert "nested too deep" in run.output and "more than 4300 digits" in run.output
    summary = (run.report_dir / "summary.md").read_text()
    outside = re.sub(r"\\.", "", re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", summary))
    assert "<img" not in outside and "](" not in outside


def test_report_files_are_never_written_through_a_link_planted_during_the_run(outcomes: dict[str, Outcome]) -> None:
    """Symlinks planted at contract.json and contract.xml while the run reads the gateway are replaced by the
    reports; the file they point to is untouched."""
    report_dir = outcomes["hurtful"].report_dir
    assert (report_dir / "victim.txt").read_text() == "keep me"
    for name in ("contract.json", "contract.xml"):
        assert (report_dir / name).is_file() and not (report_dir / name).is_symlink(), name
