"""openapi/gateway.yaml is the docs page's yaml block byte for byte, and its provenance says so."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import pytest

from spec_tools import paths
from spec_tools.extract import SpecSourceError, extract_fenced_yaml, read_spec_text
from spec_tools.provenance import read_provenance, sha256_text
from spec_tools.spec import load_spec, parse_spec_text

CONSTRAINTS = paths.REPO_ROOT / "constraints.txt"
DOCS_PAGE = paths.REPO_ROOT.parent / "shared" / "spec-source" / "get-supervised-fine-tuning-job.md"


@pytest.mark.skipif(not DOCS_PAGE.exists(), reason="the shared docs page is not beside this clone")
def test_vendored_spec_is_the_docs_page_block_verbatim() -> None:
    """While the vendored version is the shared page's, re-extracting the page gives exactly the committed bytes."""
    page_text = read_spec_text(DOCS_PAGE)
    if parse_spec_text(page_text)["info"]["version"] != load_spec().version:
        pytest.skip("the spec was bumped past the shared docs page")
    assert page_text.encode("utf-8") == paths.SPEC_PATH.read_bytes()


def test_provenance_matches_the_vendored_bytes() -> None:
    """The recorded sha256, version and generator are those of the file on disk and the pinned generator."""
    record = read_provenance()
    text = paths.SPEC_PATH.read_bytes().decode("utf-8")
    assert record["sha256"] == sha256_text(text)
    assert record["version"] == load_spec().version
    pinned = re.search(r"^openapi-python-client==(\S+)$", CONSTRAINTS.read_text(encoding="utf-8"), re.M)
    assert pinned is not None, "the generator must be pinned in constraints.txt"
    assert record["generator"] == f"openapi-python-client {metadata.version('openapi-python-client')}"
    assert record["generator"] == f"openapi-python-client {pinned.group(1)}"


def test_extract_takes_the_fence_body_and_keeps_its_bytes() -> None:
    """Four-backtick fences with an info string, trailing blank lines and CRLF survive untouched."""
    page = "# T\r\n\r\n````yaml get /x\r\nopenapi: 3.1.0\r\ninfo: {}\r\n\r\n````\r\nafter\r\n"
    body = extract_fenced_yaml(page)
    assert body == "openapi: 3.1.0\r\ninfo: {}\r\n\r\n"


def test_extract_ignores_other_fences_and_needs_a_yaml_one() -> None:
    """A non-yaml fence is not taken; a page without a yaml fence is a clear error."""
    page = "```json\n{}\n```\n\n```yaml\nopenapi: 3.1.0\n```\n"
    assert extract_fenced_yaml(page) == "openapi: 3.1.0\n"
    with pytest.raises(SpecSourceError, match="no fenced"):
        extract_fenced_yaml("```json\n{}\n```\n")


def test_read_spec_text_rejects_unknown_suffixes(tmp_path: Path) -> None:
    """A file that is neither a spec nor a docs page is refused with its name."""
    path = tmp_path / "spec.txt"
    path.write_text("openapi: 3.1.0\n")
    with pytest.raises(SpecSourceError, match=r"spec\.txt"):
        read_spec_text(path)


def test_a_crlf_page_with_a_json_block_first_is_taken(tmp_path: Path) -> None:
    """Published pages may come with CRLF line endings and a ```json example before the OpenAPI block: the yaml
    block is still found, kept byte for byte (CRLF included), and validates."""
    from spec_tools.validate import load_candidate

    spec_text = (Path(__file__).parent / "specs" / "gateway-4.259.0.yaml").read_text(encoding="utf-8")
    crlf = spec_text.replace("\n", "\r\n")
    page = tmp_path / "page.md"
    page.write_bytes(
        (
            '# Get\r\n\r\n```json\r\n{"state": "JOB_STATE_RUNNING"}\r\n```\r\n\r\n````yaml get /x\r\n'
            + crlf
            + "````\r\n"
        ).encode("utf-8")
    )
    candidate = load_candidate(page)
    assert candidate.text == crlf
    assert candidate.spec.version == parse_spec_text(spec_text)["info"]["version"]
