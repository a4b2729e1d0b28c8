"""Where the project's inputs and outputs of generation live."""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "GENERATED_DIR",
    "GENERATOR_CONFIG",
    "OPENAPI_DIR",
    "PACKAGE_NAME",
    "PAGES_DIR",
    "PROVENANCE_PATH",
    "REPO_ROOT",
    "SELECTION_PATH",
    "SPEC_PATH",
    "TEMPLATES_DIR",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
OPENAPI_DIR = REPO_ROOT / "openapi"
SPEC_PATH = OPENAPI_DIR / "gateway.yaml"
PROVENANCE_PATH = OPENAPI_DIR / "provenance.json"
SELECTION_PATH = OPENAPI_DIR / "operations.yaml"
PAGES_DIR = OPENAPI_DIR / "pages"  # the docs pages a spec was assembled from, verbatim (absent for a whole spec)
GENERATOR_CONFIG = OPENAPI_DIR / "generator.yaml"
TEMPLATES_DIR = OPENAPI_DIR / "templates"
GENERATED_DIR = REPO_ROOT / "generated"
PACKAGE_NAME = "fireworks_gateway"
