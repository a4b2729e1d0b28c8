"""Vendor a spec verbatim into openapi/gateway.yaml and record its provenance (used by the bump)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from spec_tools import paths
from spec_tools.extract import SpecSourceError, read_spec_text
from spec_tools.provenance import build_provenance, write_provenance
from spec_tools.spec import parse_spec_text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("source", type=Path, help="a .yaml/.json spec or a .md docs page with a ```yaml block")
    args = parser.parse_args(argv)
    try:
        text = read_spec_text(args.source)
        document = parse_spec_text(text)
    except (SpecSourceError, ValueError) as exc:
        print(f"error: {args.source}: {exc}", file=sys.stderr)
        return 2
    paths.SPEC_PATH.write_bytes(text.encode("utf-8"))
    write_provenance(build_provenance(text, document, source=args.source.name))
    print(f"vendored {document.get('info', {}).get('version')} into {paths.SPEC_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
