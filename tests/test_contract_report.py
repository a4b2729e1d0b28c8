"""What the suite prints and writes never carries a secret, and its settings fail with a sentence, not a trace."""

from __future__ import annotations

import pytest

from contract_tests.report import Redactor
from contract_tests.settings import SettingsError, settings_from_env


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
