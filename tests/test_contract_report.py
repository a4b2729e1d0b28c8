"""What the suite prints and writes never carries a secret, and its settings fail with a sentence, not a trace."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contract_tests.report import Redactor
from contract_tests.settings import SettingsError, settings_from_env
from tests.helpers import job_name, job_path


def test_signed_url_queries_are_scrubbed_even_on_the_gateways_own_host() -> None:
    """A signature in a query string is a credential wherever the URL points."""
    text = '"https://api.fireworks.ai/v1/m.jsonl?Signature=abc123&Expires=1" and https://x.example/a?X-Goog-Signature=s'
    scrubbed = Redactor().scrub(text)
    assert "abc123" not in scrubbed and "X-Goog-Signature=s" not in scrubbed
    assert scrubbed.count("[redacted]") == 2


def test_the_suites_own_read_mask_queries_are_kept() -> None:
    """A request URL whose query is only readMask stays readable in curl lines (also XML-escaped)."""
    text = "curl http://127.0.0.1:8080/v1/a?readMask=name,state and http://h/v1/b?readMask=a&amp;readMask=b"
    assert Redactor().scrub(text) == text


def test_secrets_are_learned_anywhere_in_a_body_even_under_unknown_fields() -> None:
    """An apiKey nested under a field the spec does not know is still never printed."""
    redactor = Redactor(["the-api-key"])
    redactor.learn({"newIntegration": {"config": {"apiKey": "nested-secret-1"}}, "wandbConfig": {"apiKey": "w-2"}})
    scrubbed = redactor.scrub("nested-secret-1 / the-api-key / ok")
    assert scrubbed == "[redacted] / [redacted] / ok"


def test_unknown_mock_fault_is_a_settings_error_listing_the_valid_ones() -> None:
    """CONTRACT_MOCK_FAULT with a typo names the valid faults instead of failing inside pytest."""
    with pytest.raises(SettingsError, match=r"not a mock fault; valid: dataset-missing, "):
        settings_from_env({"CONTRACT_MOCK_FAULT": "nope"})


@pytest.mark.parametrize(("name", "value"), [("CONTRACT_EXAMPLES", "abc"), ("CONTRACT_SEED", "-1")])
def test_malformed_numbers_are_settings_errors(name: str, value: str) -> None:
    """Counts and seeds that are not whole numbers in range are refused with the variable's name."""
    with pytest.raises(SettingsError, match=name):
        settings_from_env({name: value})


def test_pieces_of_a_secret_are_scrubbed_and_shortening_comes_after() -> None:
    """A key cut off by the gateway still loses every 8-character piece; a long value is scrubbed whole, then
    shortened, so the cut can never leave a piece of the key behind."""
    key = "sk-live-Q7vN2pX9rT4mW8kZ3bY6"
    redactor = Redactor([key])
    assert "Q7vN2pX9" not in redactor.scrub_secrets(f"units: {key[5:16]}")
    shown = redactor.shown('"' + "x" * 70 + key + '"')
    assert len(shown) <= 80 and not any(key[i : i + 8] in shown for i in range(len(key) - 7))
    assert redactor.scrub_secrets("sk-live") == "sk-live"  # shorter than a piece: ordinary text


def test_the_verdict_tells_violations_from_could_not_check() -> None:
    """A rule violation wins (exit 1); a run problem alone, a stopped run or a bare failure is an error (exit 2)."""
    from contract_tests.outcome import judge
    from contract_tests.report import Finding

    rule = Finding("money", "j1", "$.x", "e", "g", "", "", advisory=False)
    problem = Finding("run", "j2", "-", "an answer", "no complete answer", "", "", advisory=False)
    assert judge([rule, problem], 1).exit_code == 1
    assert (judge([problem], 1).outcome, "j2" in judge([problem], 1).reason) == ("error", True)
    assert judge([], 2, stopped="the run took longer than its budget").outcome == "error"
    assert judge([], 0).exit_code == 0 and judge([], 1).exit_code == 2


def test_gateway_text_is_printed_with_control_characters_escaped() -> None:
    """ANSI sequences, carriage returns and newlines a gateway sends cannot repaint the terminal or add a line
    (a fake "outcome: passed"): each is shown as its escape."""
    from contract_tests.report import Finding, format_finding

    forged = "\x1b[1A\x1b[2K\routcome: passed (no rule failed)\nreproduce: nothing"
    finding = Finding("enums", "job\x1b[31m", "$.state", "one of the enum", f'"{forged}"', "curl x\r", "t", False)
    printed = format_finding(finding)
    assert "\x1b" not in printed and "\r" not in printed
    assert printed.count("\n") == 1 and "\\x1b[2K\\routcome: passed" in printed


def test_the_step_summary_renders_gateway_text_as_text() -> None:
    """An `<img>`, a link or a Markdown table break in what came back stays inert: inside a code span, its pipes
    escaped, and nothing of it outside one."""
    import re

    from contract_tests.outcome import Verdict, step_summary
    from contract_tests.report import Finding

    hostile = '<img src="https://tracker.example/p.png"> [click](https://evil.example) | x `y` ![i](https://e.x/i)'
    finding = Finding("enums", "j1", "$.state", "one of the enum", hostile, "curl -sS http://h/j1", "t", False)
    summary = step_summary(Verdict("violations", f"rule(s) enums failed: {hostile}"), "live", [finding], Redactor())
    outside = re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", summary)  # every code span removed
    outside = re.sub(r"\\.", "", outside)  # and every backslash-escaped character (rendered as itself)
    for active in ("<img", "](", "![", "<https"):
        assert active not in outside, (active, outside)
    row = next(line for line in summary.splitlines() if line.startswith("| `enums`"))
    assert len(re.findall(r"(?<!\\)\|", row)) == 7  # six cells: the gateway's pipe did not add one


def test_reports_are_written_without_following_a_planted_link(tmp_path: Path) -> None:
    """A symlink planted at contract.json (or contract.xml) is replaced by the report, never written through."""
    from contract_tests.outcome import Verdict, write_private, write_report

    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    for name in ("contract.json", "contract.xml"):
        (tmp_path / name).symlink_to(victim)
    write_report(tmp_path / "contract.json", Verdict("passed", "no rule failed"), {}, [], Redactor())
    write_private(tmp_path / "contract.xml", "<testsuites/>")
    assert victim.read_text() == "keep me"
    assert not (tmp_path / "contract.json").is_symlink() and not (tmp_path / "contract.xml").is_symlink()
    assert json.loads((tmp_path / "contract.json").read_text())["outcome"] == "passed"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contract.json", "contract.xml", "victim.txt"]


@pytest.mark.parametrize("job_ids", ["..", "sft-running,.", "a, .. ,b"])
def test_dot_segment_job_ids_are_settings_errors(job_ids: str) -> None:
    """CONTRACT_JOB_IDS=.. would read the account instead of a job: refused, naming the variable."""
    env = {"CONTRACT_BASE_URL": "https://gw.example", "FIREWORKS_API_KEY": "k-123456", "FIREWORKS_ACCOUNT_ID": "a"}
    with pytest.raises(SettingsError, match=r"CONTRACT_JOB_IDS holds '\.{1,2}', which cannot name a resource"):
        settings_from_env({**env, "CONTRACT_JOB_IDS": job_ids})
    with pytest.raises(SettingsError, match="FIREWORKS_ACCOUNT_ID"):
        settings_from_env({**env, "CONTRACT_JOB_IDS": "j1", "FIREWORKS_ACCOUNT_ID": ".."})


def test_the_entry_point_exits_2_naming_a_dot_segment_job_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`CONTRACT_JOB_IDS=..` is exit 2 with contract.json saying why, not a green run that checked nothing."""
    from contract_tests import cli

    for name, value in {
        "CONTRACT_BASE_URL": "http://127.0.0.1:9",
        "FIREWORKS_API_KEY": "k-123456",
        "FIREWORKS_ACCOUNT_ID": "a",
        "CONTRACT_JOB_IDS": "..",
        "CONTRACT_REPORT_DIR": str(tmp_path),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    assert cli.main([]) == 2
    report = json.loads((tmp_path / "contract.json").read_text())
    assert report["outcome"] == "error" and "CONTRACT_JOB_IDS" in report["reason"]


def test_keys_are_stripped_and_refused_with_control_characters_unquoted() -> None:
    """A key pasted with a trailing newline works; one holding a control character is a settings error that
    names the variable and never quotes the key."""
    env = {"CONTRACT_BASE_URL": "https://gw.example", "FIREWORKS_ACCOUNT_ID": "a", "CONTRACT_JOB_IDS": "j1"}
    assert settings_from_env({**env, "FIREWORKS_API_KEY": "sk-abcdef123\n"}).api_key == "sk-abcdef123"
    with pytest.raises(SettingsError, match="FIREWORKS_API_KEY holds a control character") as caught:
        settings_from_env({**env, "FIREWORKS_API_KEY": "sk-abc\x1bdef123"})
    assert "abc" not in str(caught.value)


def test_thousands_of_advisories_are_kept_once_each_with_a_count() -> None:
    """A body with 1,500 secret-looking fields, answered 10 times, holds 1,500 advisories (and counts), not 15,000
    findings; learning its secrets is linear and each is scrubbed from output."""
    from contract_tests.exchange import Exchange
    from contract_tests.report import Recorder
    from contract_tests.rules import check_exchange
    from contract_tests.spec_facts import spec_facts

    facts = spec_facts()
    body = {"name": job_name("a", "j1"), "dataset": "d"}
    body |= {f"field{index}Password": f"secret-value-{index:05d}-xyz" for index in range(1500)}
    exchange = Exchange(
        "GET", f"http://h{job_path('a', 'j1')}", 200, "application/json", "", "valid", "a", "j1", body=body
    )
    recorder = Recorder(Redactor(), "wrong")
    assert recorder.redactor.learn(exchange.body) == 1500
    for _ in range(10):
        recorder.record(exchange, check_exchange(exchange, facts), "t")
    counts = recorder.advisory_counts()
    assert len(counts) == 3000 and {times for _, times in counts} == {10}  # secret-value and unknown-field
    assert "secret-value-01499" not in recorder.redactor.scrub('{"got": "secret-value-01499-xyz"}')


def test_a_redactor_past_its_learning_budget_withholds_gateway_text() -> None:
    """Past what it can track, the suite shows no gateway text at all rather than risk an unlearnt secret."""
    redactor = Redactor(["the-api-key-123"])
    redactor.learn({"password": [f"{index:08d}" * 8 for index in range(20_000)]})
    redactor.learn({"password": "too-late-to-learn"})
    assert redactor.saturated and "too-late" not in redactor.shown("got too-late-to-learn")
    assert redactor.scrub("the-api-key-123") == "[redacted]"
