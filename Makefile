# Build and test tooling for the portsip.pbx collection.  `make help` lists the targets.
#
# Every target builds .venv/ first if needed (tools/venv.sh: newest working Python >= 3.11,
# override with PYTHON=/path/to/python3; rebuilt when requirements-dev.txt, constraints-dev.txt
# or requirements.txt change); `make demo` builds only the small .venv-demo/ (demo/requirements.txt).
# Test targets run against a fresh copy of the tree in
# .build/collections/ansible_collections/portsip/pbx (tools/stage.sh).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-print-directory

ROOT := $(CURDIR)
VENV_BIN := $(ROOT)/.venv/bin
COLLECTIONS := $(ROOT)/.build/collections
STAGE := $(COLLECTIONS)/ansible_collections/portsip/pbx

# Environment of the test runs: the venv's tools first on PATH; ansible and Python import the
# staged copy (portsip.pbx.* modules for ansible-playbook,
# `import ansible_collections.portsip.pbx...` for pytest); the simulator package importable as
# `portsip_sim`, as in `PYTHONPATH=tests/simulator python -m portsip_sim`.
TEST_ENV := PATH="$(VENV_BIN):$$PATH" \
	ANSIBLE_COLLECTIONS_PATH="$(COLLECTIONS)" \
	PYTHONPATH="$(COLLECTIONS):$(ROOT)/tests/simulator"

# major.minor of the venv's Python: ansible-test runs on it (--python), not on what it discovers.
VENV_PYVER = $$("$(VENV_BIN)/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')

# What this project's build machines need (no get-pip.py download, failing pyenv shims), kept apart:
# ANSIBLE_TEST_PREPARE, PYENV_PATH. See tools/machine-workarounds/README.md.
include tools/machine-workarounds/workarounds.mk

.PHONY: help venv stage test sanity units property fuzz ansible-units integration lint docs-lint changelog-lint build guide import-check release demo matrix docs bench mutation clean distclean

help:
	@echo 'make test            every check below, stopping at the first failure (what .ci/run runs)'
	@echo 'make changelog-lint  antsibull-changelog lint'
	@echo 'make docs-lint       antsibull-docs lint-collection-docs --plugin-docs'
	@echo 'make lint            ruff over plugins/ tests/ tools/ (tools/ruff.toml), then ansible-lint --offline (production profile; see .ansible-lint)'
	@echo 'make import-check    galaxy-importer (what Galaxy runs on an upload) on make build'"'"'s tarball; fails on any ERROR or WARNING'
	@echo 'make units           pytest tests/unit tests/simulator/tests'
	@echo 'make property        pytest tests/property: hypothesis properties of the engine, fixed examples (profile ci)'
	@echo 'make fuzz            tests/property with many more, new examples each run (profile fuzz; long; not in make test)'
	@echo 'make ansible-units   ansible-test units --venv --python <venv Python> (tests/unit)'
	@echo 'make integration     pytest tests/integration (playbooks against the simulator)'
	@echo 'make sanity          ansible-test sanity --venv --python <venv Python>'
	@echo 'make demo            in .venv-demo/ (ansible-core, requests): build + install the collection, run demo/demo.yml against the simulator'
	@echo 'make build           build the collection tarball into .build/dist/ (files git tracks, listed in galaxy.yml)'
	@echo 'make guide           docs/guide.md: the user guide (docs/docsite/rst/) as one page for Galaxy'
	@echo 'make release VERSION=x.y.z   version, changelog, build, import check, commit, tag (clean tree only)'
	@echo 'make matrix          tox.ini: units + smoke integration tests on each ansible-core/Python found, sanity on core 2.16'
	@echo 'make docs            the HTML reference site (antsibull-docs + Sphinx) in .build/docs/build/html/'
	@echo 'make bench           tools/bench: measure task costs, rewrite docs/performance.md (BENCH_ARGS=--help lists its options)'
	@echo 'make mutation        tools/mutation.sh: cosmic-ray over plugins/module_utils with the unit tests (long; not in make test)'
	@echo 'make venv | stage    create .venv/ | copy the tree into .build/collections/'
	@echo 'make clean | distclean   remove build output | and .venv/'
	@echo 'Options: PYTHON=/path/to/python3  PYTEST_ARGS="-x -k name"  SANITY_ARGS="--test pylint"  BENCH_ARGS=...'
	@echo '         INTEGRATION_JOBS=0 (no pytest-xdist workers)'

venv:
	@tools/venv.sh

stage: venv
	@tools/stage.sh

# Cheapest checks first, so a broken change fails fast; the integration tests (minutes of
# ansible-playbook runs) last. The HTML site is built and checked by tests/integration/test_docsite.py.
test: changelog-lint docs-lint lint import-check units property ansible-units sanity integration
	@echo "make test: all checks passed (changelog-lint docs-lint lint import-check units property ansible-units sanity integration)"

changelog-lint: venv
	PATH="$(VENV_BIN):$$PATH" antsibull-changelog lint

# Run in the staged copy: a tree of the real ansible_collections/portsip/pbx layout holding only
# the files git knows about.
docs-lint: stage
	cd "$(STAGE)" && $(TEST_ENV) antsibull-docs lint-collection-docs --plugin-docs .

# In the repo itself (ansible-lint reads .ansible-lint and git's file list here). --offline: it
# installs and looks up nothing, so it does not resolve the collection's own modules by itself:
# ANSIBLE_COLLECTIONS_PATH (the staged copy) lets its syntax check find portsip.pbx.*.
# Plain `ansible-lint` with no arguments passes too (.ansible-lint says how). ruff first: it takes a second.
lint: stage
	"$(VENV_BIN)/ruff" check --config tools/ruff.toml plugins tests tools
	$(TEST_ENV) ansible-lint --offline

units: stage
	$(TEST_ENV) tools/run-pytest.sh tests/unit tests/simulator/tests

# The modules run in this process against an in-process simulator (tests/property/README.md). One
# process: the examples are cheap, and the simulator and the imports are set up once.
property: stage
	$(TEST_ENV) PYTEST_ARGS="-n 0 $${PYTEST_ARGS:-}" tools/run-pytest.sh tests/property

fuzz: stage
	$(TEST_ENV) HYPOTHESIS_PROFILE=fuzz PYTEST_ARGS="-n 0 $${PYTEST_ARGS:-}" tools/run-pytest.sh tests/property

# tests/unit once more the way collection contributors run them: ansible-test units in a virtualenv
# of its own under ~/.ansible/test/venv, with tests/unit/requirements.txt installed. Only PATH is
# set, as for sanity.
ansible-units: stage
	@$(ANSIBLE_TEST_PREPARE)
	cd "$(STAGE)" && PATH="$(VENV_BIN):$$PATH" ansible-test units --venv --python "$(VENV_PYVER)"

# Each test runs ansible-playbook (about 2 s of CPU each): pytest-xdist spreads them over the
# cores (-n auto; INTEGRATION_JOBS=0 runs them in one process, in order).
INTEGRATION_JOBS ?= auto
integration: stage
	$(TEST_ENV) PYTEST_ARGS="-n $(INTEGRATION_JOBS) $${PYTEST_ARGS:-}" tools/run-pytest.sh tests/integration

# --venv, not --local: ansible-test builds one virtualenv per sanity test under
# ~/.ansible/test/venv with the exact tool versions it pins (pylint, pycodestyle, voluptuous,
# yamllint, ...) and keeps them for later runs. --local would need those pins installed into
# .venv/ (where they would clash with ansible-lint's own yamllint/black) and would let the import
# test see .venv's third-party packages; --docker needs a container engine this machine lacks.
# No tests/sanity/ignore-*.txt: everything must pass.
# Only PATH is set: ansible-test derives its paths from the directory it runs in, and an extra
# PYTHONPATH must not reach the import test (it proves the modules import without extras).
sanity: stage
	@$(ANSIBLE_TEST_PREPARE)
	cd "$(STAGE)" && PATH="$(VENV_BIN):$$PATH" ansible-test sanity --venv --python "$(VENV_PYVER)" $(SANITY_ARGS)

# From the files git tracks only; galaxy.yml's manifest picks those that ship (tools/build.sh).
build: venv
	PATH="$(VENV_BIN):$$PATH" tools/build.sh

# What Galaxy and Automation Hub run on an upload, in a venv of its own (.venv-import/): see
# tools/import-check/. Output: .build/import-check/importer.log and importer_result.json.
import-check: build
	tools/import-check/import-check.sh

# make release VERSION=x.y.z: version, changelog, build, import check, commit and tag, from a
# clean work tree (tools/release.sh, CONTRIBUTING.md).
release: venv
	PATH="$(VENV_BIN):$$PATH" tools/release.sh "$(VERSION)"

# docs/guide.md, the user guide as the one page Galaxy shows (tools/guide-md.py); make build
# refuses a docs/guide.md that docs/docsite/rst/ has left behind.
guide: venv
	"$(VENV_BIN)/python" tools/guide-md.py

# Not the development .venv/: only what the demo runs (demo/requirements.txt), so a first
# `make demo` takes seconds.
demo:
	@tools/venv.sh .venv-demo demo/requirements.txt
	tools/demo.sh

# tox finds python3.11/3.12/3.13 through PATH. tox.ini points its envs at the staged copy.
# tox.ini skips an env whose Python is missing; in CI that would pass a matrix that did not run.
TOX_STRICT = $(if $(CI),--skip-missing-interpreters false)
matrix: stage
	@$(ANSIBLE_TEST_PREPARE)
	PATH="$(PYENV_PATH)$(VENV_BIN):$$PATH" tox run $(TOX_STRICT)
	PATH="$(PYENV_PATH)$(VENV_BIN):$$PATH" tox run -e sanity-core216

# The antsibull-docs site of the staged collection, module reference and user guide (tools/docs.sh).
docs: stage
	$(TEST_ENV) tools/docs.sh .build/docs
	@echo "docs: .build/docs/build/html/index.html"

# tools/bench is a package run as a directory; BENCH_ARGS="--scenario overlapping-writes" measures those alone.
bench: stage
	$(TEST_ENV) "$(VENV_BIN)/python" tools/bench $(BENCH_ARGS)

# Its own venv (.venv-mutation/) and work copy (.build/mutation/); see tools/mutation.sh.
mutation: stage
	tools/mutation.sh

clean:
	rm -rf .build tests/output .ansible .pytest_cache
	find . -path './.venv*' -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf .venv .venv-demo .venv-import .venv-mutation .tox
