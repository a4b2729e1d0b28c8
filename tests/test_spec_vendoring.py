"""openapi/gateway.yaml is the whole published spec byte for byte, its provenance says so, and the frozen test spec
is what the seven selected operations' docs pages of that spec assemble into."""

from __future__ import annotations

import json
import re
from importlib import metadata
from pathlib import Path

import pytest

from spec_tools import paths
from spec_tools.extract import SpecSourceError, extract_fenced_yaml, read_spec_text
from spec_tools.provenance import read_provenance, sha256_bytes, sha256_text
from spec_tools.spec import load_spec, parse_spec_text
from spec_tools.validate import load_candidate
from tests.spec_probes import FROZEN_SPEC
from tests.synthetic_pages import operation_pages, write_pages

CONSTRAINTS = paths.REPO_ROOT / "constraints.txt"
SHARED = paths.REPO_ROOT.parent / "shared" / "spec-source"
WHOLE_SPEC = SHARED / "gateway-rest-api-4.259.0.yaml"
GET_PAGE = SHARED / "get-supervised-fine-tuning-job.md"
beside = pytest.mark.skipif(not WHOLE_SPEC.exists(), reason="the shared spec sources are not beside this clone")


def _shared_version() -> str:
    return str(parse_spec_text(WHOLE_SPEC.read_text(encoding="utf-8"))["info"]["version"])


@beside
def test_vendored_spec_is_the_shared_whole_spec_byte_for_byte() -> None:
    """While the vendored version is the shared source's, openapi/gateway.yaml is that file's exact bytes, and the
    provenance records its sha256 and where it came from."""
    if _shared_version() != load_spec().version:
        pytest.skip("the spec was bumped past the shared source")
    assert paths.SPEC_PATH.read_bytes() == WHOLE_SPEC.read_bytes()
    record = read_provenance()
    assert record["sha256"] == sha256_bytes(WHOLE_SPEC.read_bytes())
    assert record["source"] == WHOLE_SPEC.name
    assert "pages" not in record and not paths.PAGES_DIR.exists()  # a whole spec comes without pages


def test_provenance_matches_the_vendored_bytes() -> None:
    """The recorded sha256, version and generator are those of the file on disk and the pinned generator; pages,
    when the spec was assembled from them, are on disk with the recorded sha256 each."""
    record = read_provenance()
    assert record["sha256"] == sha256_text(paths.SPEC_PATH.read_bytes().decode("utf-8"))
    assert record["version"] == load_spec().version
    pinned = re.search(r"^openapi-python-client==(\S+)$", CONSTRAINTS.read_text(encoding="utf-8"), re.M)
    assert pinned is not None, "the generator must be pinned in constraints.txt"
    assert record["generator"] == f"openapi-python-client {metadata.version('openapi-python-client')}"
    assert record["generator"] == f"openapi-python-client {pinned.group(1)}"
    kept = {p.name: sha256_bytes(p.read_bytes()) for p in paths.PAGES_DIR.iterdir()} if paths.PAGES_DIR.is_dir() else {}
    assert record.get("pages", {}) == kept


@beside
def test_the_shared_get_page_agrees_with_the_whole_spec(tmp_path: Path) -> None:
    """The published GET page and the whole spec say the same about everything they share: the two assemble as
    pages of one version (assembly refuses any difference), and the GET page adds nothing the spec lacks."""
    whole = parse_spec_text(WHOLE_SPEC.read_text(encoding="utf-8"))
    folder = write_pages(tmp_path / "pages", {})
    (folder / GET_PAGE.name).write_bytes(GET_PAGE.read_bytes())
    (folder / WHOLE_SPEC.name).write_bytes(WHOLE_SPEC.read_bytes())
    assembled = load_candidate([folder], check_rest=False).document
    assert assembled["paths"] == whole["paths"]
    assert assembled["components"] == whole["components"]


@beside
def test_the_frozen_spec_is_the_selected_pages_of_the_shared_spec_assembled(tmp_path: Path) -> None:
    """tests/specs/gateway-4.259.0.yaml is exactly what `make bump` vendors from the seven selected operations'
    docs pages cut from the whole 4.259.0 spec (tests/specs/README.md)."""
    whole = parse_spec_text(WHOLE_SPEC.read_text(encoding="utf-8"))
    folder = write_pages(tmp_path / "pages", operation_pages(whole))
    assert load_candidate([folder], check_rest=False).text.encode("utf-8") == FROZEN_SPEC.read_bytes()


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
    spec_text = FROZEN_SPEC.read_text(encoding="utf-8")
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
    assert [source.raw for source in candidate.pages] == [page.read_bytes()]  # a page is kept as it came


def test_provenance_lists_kept_pages(tmp_path: Path) -> None:
    """A spec assembled from pages records each page's sha256 under the name it is kept by."""
    from spec_tools.provenance import build_provenance

    record = build_provenance("x: 1\n", {"info": {"version": "1"}}, "2 pages", pages=[("a.md", b"A"), ("b.md", b"B")])
    assert record["pages"] == {"a.md": sha256_bytes(b"A"), "b.md": sha256_bytes(b"B")}
    assert json.loads(json.dumps(record)) == record
