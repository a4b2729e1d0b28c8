"""The mock as users install it: `make dist`'s mock wheel carries the spec it serves and needs nothing of the suite
or the spec tools; beside the client wheel in a fresh venv outside the repo, a user's test with the `gateway_mock`
fixture creates, lists and cancels a job through the client, and `python -m gateway_mock` serves."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
import textwrap
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from spec_tools import paths
from spec_tools.codegen import build_client_dist
from spec_tools.selection import select_document
from spec_tools.spec import load_spec

# The client wheel's proof fetches and installs wheels the same way: reuse its helpers.
from tests.test_client_wheel import _closure, _normalize, _run, _wheelhouse

MOCK_DEPENDENCIES = ("uvicorn", "httptools", "uvloop", "lark")
CLIENT_DEPENDENCIES = ("httpx", "attrs", "python-dateutil")
TEST_TOOLS = ("pytest",)


def _build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_mock_build", paths.REPO_ROOT / "packaging" / "mock" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_staged_mock_carries_the_selected_spec_and_no_tooling(tmp_path: Path) -> None:
    """Fast: the staged project holds gateway_mock and gateway_protocol only, the selected spec as JSON (what the
    mock serves from a checkout, cut to the selected operations), and depends on what serving needs."""
    build = _build_script()
    project, version = build.stage_mock_project(tmp_path / "mock")
    assert version == load_spec().version
    assert sorted(p.name for p in project.iterdir() if p.is_dir()) == ["gateway_mock", "gateway_protocol"]
    packaged = json.loads((project / build.SPEC_DATA).read_text(encoding="utf-8"))
    spec = load_spec()
    assert packaged == json.loads(json.dumps(select_document(spec.document, spec.selection)))
    packaged_ids = {
        op["operationId"]
        for item in packaged["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    }
    assert packaged_ids == set(spec.selection)
    assert not list(project.rglob("*.pyc"))
    rendered = (project / "pyproject.toml").read_text()
    assert all(f'"{name}' in rendered for name in MOCK_DEPENDENCIES)
    for forbidden in ("jsonschema", "schemathesis", "PyYAML", "openapi", "hypothesis"):
        assert forbidden not in rendered.split("dependencies")[1].split("]")[0]
    # Only the checkout fallback of spec_source names the spec tools (never reached: the wheel has the spec).
    naming = [p.name for p in (project / "gateway_mock").glob("*.py") if "import load_spec" in p.read_text()]
    assert naming == ["spec_source.py"]


USER_TEST = """
from fireworks_gateway import AuthenticatedClient
from fireworks_gateway.errors import NotFoundError
from fireworks_gateway.models import JobState, SupervisedFineTuningJob


def test_my_pipeline_creates_lists_and_cancels_a_job(gateway_mock):
    with AuthenticatedClient(gateway_mock.base_url, gateway_mock.api_key, account_id=gateway_mock.account) as client:
        body = SupervisedFineTuningJob(dataset="accounts/me/datasets/chats", display_name="nightly")
        job = client.jobs.create(body, job_id="nightly-1")
        assert job.name.endswith("/nightly-1") and job.state == JobState.JOB_STATE_CREATING
        listed = list(client.jobs.list(filter='display_name = "nightly"'))
        assert [each.name for each in listed] == [job.name]
        assert client.jobs.cancel("nightly-1") is None
        gateway_mock.clock.run_all()
        assert client.jobs.get("nightly-1").state == JobState.JOB_STATE_CANCELLED


def test_each_test_starts_from_the_seeded_jobs(gateway_mock):
    with AuthenticatedClient(gateway_mock.base_url, gateway_mock.api_key, account_id=gateway_mock.account) as client:
        try:
            client.jobs.get("nightly-1")
        except NotFoundError:
            pass
        else:
            raise AssertionError("a job of the previous test is still there")
        assert client.jobs.get("sft-running").state == JobState.JOB_STATE_RUNNING
"""


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_a_users_test_runs_offline_with_the_two_wheels(tmp_path: Path) -> None:
    client_wheel = next(p for p in build_client_dist(tmp_path / "dist", tmp_path / "client") if p.suffix == ".whl")
    mock_wheel = _build_script().build_mock_wheel(tmp_path / "dist", tmp_path / "mock")
    assert mock_wheel.name == f"fireworks_gateway_mock-{load_spec().version}-py3-none-any.whl"
    with zipfile.ZipFile(mock_wheel) as archive:
        names = archive.namelist()
    assert "gateway_mock/_data/gateway.json" in names
    assert not [name for name in names if name.startswith(("spec_tools/", "contract_tests/", "tests/"))]

    venv = tmp_path / "venv"
    assert _run([sys.executable, "-m", "venv", str(venv)], tmp_path).returncode == 0
    python = str(venv / "bin" / "python")
    house = _wheelhouse(tmp_path, MOCK_DEPENDENCIES + CLIENT_DEPENDENCIES + TEST_TOOLS)
    install = _run(
        [python, "-m", "pip", "install", "--no-index", "--find-links", str(house), str(client_wheel), str(mock_wheel)],
        tmp_path,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    listed = _run([python, "-m", "pip", "list", "--format=json"], tmp_path)
    installed = {_normalize(item["name"]) for item in json.loads(listed.stdout)} - {"pip", "setuptools"}
    expected = {"fireworks-gateway", "fireworks-gateway-mock"} | _closure(MOCK_DEPENDENCIES + CLIENT_DEPENDENCIES)
    assert installed == expected, installed ^ expected
    tools = _run([python, "-m", "pip", "install", "--no-index", "--find-links", str(house), *TEST_TOOLS], tmp_path)
    assert tools.returncode == 0, tools.stderr[-2000:]

    project = tmp_path / "users-project"
    project.mkdir()
    (project / "test_pipeline.py").write_text(textwrap.dedent(USER_TEST), encoding="utf-8")
    result = _run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_pipeline.py"], project, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-1000:]
    assert "2 passed" in result.stdout
    imported = _run(
        [python, "-c", "import sys, gateway_mock.app, gateway_mock.cli; print(sorted(m for m in sys.modules))"], project
    )
    assert imported.returncode == 0 and "spec_tools" not in imported.stdout and "yaml" not in imported.stdout
    help_text = _run([python, "-m", "gateway_mock", "--list-faults"], project)
    assert help_text.returncode == 0 and "list-repeats-jobs" in help_text.stdout
    shutil.rmtree(venv)
