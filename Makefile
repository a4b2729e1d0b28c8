# Thin wrappers: CI and people run the same targets. Every target bootstraps .venv itself.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.bootstrapped
MOCK_PORT ?= 8080
MOCK_API_KEY ?= mock-api-key

# Byte-code caches make every later run start seconds faster (pytest rewrites plugin modules otherwise).
unexport PYTHONDONTWRITEBYTECODE

# Tools keep their caches inside the virtualenv, never loose in the tree (pytest, mypy and ruff are told so in
# pyproject.toml; hypothesis, which schemathesis drives, reads this).
export HYPOTHESIS_STORAGE_DIRECTORY ?= $(abspath $(VENV))/.hypothesis

# Whatever virtualenv runs the tools, they import this checkout's src/ and generated/ first, never those of the
# checkout a shared or copied venv's .pth points at: `make bump` in a copy edits the copy.
export PYTHONPATH := $(CURDIR)/generated:$(CURDIR)/src$(if $(PYTHONPATH),:$(PYTHONPATH))

# A virtualenv belongs to the checkout that built it (scripts/bootstrap.sh records it in .owner). This checkout's
# own .venv built by another one (a `cp -r` copy runs the original's tools) counts as stale, and bootstrap
# rebuilds it. A VENV given on the command line or in the environment is shared on purpose: it is used as it is,
# and bootstrap refuses to write into it.
_VENV_OWNER := $(shell cat '$(subst ','\'',$(VENV))/.owner' 2>/dev/null)
_VENV_FOREIGN := $(if $(filter file,$(origin VENV)),$(if $(filter-out $(CURDIR),$(_VENV_OWNER))$(if $(_VENV_OWNER),,none),foreign))

.DEFAULT_GOAL := help
.PHONY: help bootstrap generate check-generated dist test test-slow unit contract lint typecheck mock bump spec-diff bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 18

$(STAMP): pyproject.toml constraints.txt scripts/bootstrap.sh $(if $(_VENV_FOREIGN),venv-of-another-checkout)
	@PYTHON="$(PYTHON)" VENV="$(VENV)" bash scripts/bootstrap.sh
	@touch $@

.PHONY: venv-of-another-checkout
venv-of-another-checkout:
	@echo "$(VENV) was built by $(or $(_VENV_OWNER),an older bootstrap or another checkout), not by $(CURDIR): bootstrapping it for this checkout" >&2

bootstrap: $(STAMP)  ## create .venv from the pinned dependencies (idempotent)

generate: $(STAMP)  ## regenerate generated/ from openapi/ (deterministic)
	$(PY) scripts/generate.py

check-generated: $(STAMP)  ## fail with a file-level diff when generated/ differs from what openapi/ generates
	$(PY) scripts/generate.py --check

dist: $(STAMP)  ## build the client (dist/fireworks_gateway-<spec version>[.postPOST]-*.whl, sdist) and the mock's wheel
	$(PY) scripts/generate.py --check
	$(PY) scripts/generate.py --dist dist $(if $(POST),--post $(POST))
	$(PY) packaging/mock/build.py --dist dist

lint: $(STAMP)  ## ruff and mypy --strict on hand-written and generated code, workflow linters
	$(VENV)/bin/ruff check src scripts tests contract_tests benchmarks openapi/lib packaging
	$(VENV)/bin/ruff format --check src scripts tests contract_tests benchmarks openapi/lib packaging
	$(VENV)/bin/mypy
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(VENV)/bin/zizmor --offline --quiet .github/workflows/

# Spread over workers, one test module per worker at a time, so that a module's fixtures (a mock process, a
# suite run, a frozen project) are built once. (--dist loadgroup would be finer, but pytest-xdist 3.8 cannot tag
# node ids under pytest 9, so its groups are ignored.) Four workers on two cores: much of the tests' time is
# waiting on child processes and deadlines (measured warm on 2026-12-06: 3, 4 and 5 workers within the machine's
# noise, 36-40 s; 2 workers 47 s). The longest modules go first (tests/conftest.py orders them by the times of the
# last run, kept in the venv's pytest cache), so the workers finish together; --no-loadscope-reorder keeps xdist
# from ordering them by their number of tests instead.
TEST_WORKERS ?= 4
unit: $(STAMP)  ## unit tests of hand-written code, less the slow proofs (TEST_WORKERS=0 runs them in one process)
	$(PY) -m pytest tests -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder -m "not slow" -o cache_dir=$(VENV)/.pytest_cache

# One at a time: each bump proof runs a copy's whole make test, the wheel proof a fresh venv's pip install.
test-slow: $(STAMP)  ## the slow proofs: the installed wheel, make bump of synthetic and published pages in a copy; CI runs them
	$(PY) -m pytest tests -m slow -o cache_dir=$(VENV)/.pytest_cache

# The three run side by side: lint (mypy) is one process and the unit tests spend much of their time waiting on
# child processes and deadlines, so together they fill the cores better than one after the other.
test: $(STAMP)  ## everything CI runs: check-generated, lint and unit, in parallel
	@$(MAKE) --no-print-directory -j3 --output-sync=target check-generated lint unit

# make reports any failing recipe as exit 2, so the suite's own code (1 violations, 2 could not check) is
# printed here; CI calls `python -m contract_tests` directly to get it as the exit status.
contract: $(STAMP)  ## the contract suite (python -m contract_tests), against the embedded mock unless CONTRACT_BASE_URL is set
	@$(PY) -m contract_tests || { code=$$?; echo "make contract: the suite exited $$code ($$( [ $$code = 1 ] && echo violations || echo 'could not check')); make itself reports 2 - see reports/contract.json" >&2; exit $$code; }

mock: $(STAMP)  ## serve the mock gateway on 127.0.0.1:$(MOCK_PORT)
	$(PY) scripts/mock.py --port $(MOCK_PORT) --api-key="$(MOCK_API_KEY)" $(MOCK_ARGS)

# SPEC, OLD and NEW are file names from outside: make must not expand them (a `$(shell ...)` inside would run when
# exported) and the shell must not interpret them (backticks, `$(...)`). $(value ...) takes the raw text, and
# _shell_quote wraps it in single quotes, each inner ' written as '\''.
unexport SPEC OLD NEW
_shell_quote = '$(subst ','\'',$(value $(1)))'

bump: $(STAMP)  ## absorb a new spec: make bump SPEC=spec.yaml|pages-folder|"a.md b.md" [FORCE=1]; restores everything on failure
	@$(if $(value SPEC),true,{ echo "usage: make bump SPEC=spec.yaml|folder-of-pages|\"page-a.md page-b.md\" [FORCE=1]" >&2; exit 2; })
	@$(PY) scripts/bump.py -- $(call _shell_quote,SPEC)

spec-diff: $(STAMP)  ## classify OLD -> NEW (each a spec, a folder of pages or "a.md b.md") into reports/spec-diff.{json,md}; exit 1 when breaking
	@$(if $(and $(value OLD),$(value NEW)),true,{ echo "usage: make spec-diff OLD=old.yaml NEW=new.yaml|folder-of-pages|\"a.md b.md\"" >&2; exit 2; })
	@$(PY) scripts/spec_diff.py -- $(call _shell_quote,OLD) $(call _shell_quote,NEW)

bench: $(STAMP)  ## benchmarks against peers (Prism, raw httpx, the SDK, schemathesis run); never part of test
	$(PY) benchmarks/run_all.py

clean:  ## remove the virtualenv and caches
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis reports build dist
