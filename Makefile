# Build and test tooling for the portsip.pbx collection.  `make help` lists the targets.
#
# Every target builds .venv/ first if needed (tools/venv.sh: newest working Python >= 3.11,
# override with PYTHON=/path/to/python3; rebuilt when requirements-dev.txt, constraints-dev.txt
# or requirements.txt change). Test targets run against a fresh copy of the tree in
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

# major.minor of the venv's Python, for ansible-test --python (needed: its interpreter
# discovery trips over the failing pyenv shims on PATH).
VENV_PYVER = $$("$(VENV_BIN)/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')

.PHONY: help venv stage test sanity units property fuzz ansible-units integration lint docs-lint changelog-lint build demo matrix docs bench mutation clean distclean

help:
	@echo 'make test            every check below, stopping at the first failure (what .ci/run runs)'
	@echo 'make changelog-lint  antsibull-changelog lint'
	@echo 'make docs-lint       antsibull-docs lint-collection-docs --plugin-docs'
	@echo 'make lint            ansible-lint --offline (production profile; see .ansible-lint)'
	@echo 'make units           pytest tests/unit tests/simulator/tests'
	@echo 'make property        pytest tests/property: hypothesis properties of the engine, fixed examples (profile ci)'
	@echo 'make fuzz            tests/property with many more, new examples each run (profile fuzz; long; not in make test)'
	@echo 'make ansible-units   ansible-test units --venv --python <venv Python> (tests/unit)'
	@echo 'make integration     pytest tests/integration (playbooks against the simulator)'
	@echo 'make sanity          ansible-test sanity --venv --python <venv Python>'
	@echo 'make demo            build + install the collection, run demo/demo.yml against the simulator'
	@echo 'make build           build the collection tarball into .build/dist/'
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
test: changelog-lint docs-lint lint units property ansible-units sanity integration
	@echo "make test: all checks passed (changelog-lint docs-lint lint units property ansible-units sanity integration)"

changelog-lint: venv
	PATH="$(VENV_BIN):$$PATH" antsibull-changelog lint

# Run in the staged copy: a tree of the real ansible_collections/portsip/pbx layout holding only
# the files git knows about.
docs-lint: stage
	cd "$(STAGE)" && $(TEST_ENV) antsibull-docs lint-collection-docs --plugin-docs .

# In the repo itself (ansible-lint reads .ansible-lint and git's file list here). --offline: it
# installs and looks up nothing, so it does not resolve the collection's own modules by itself:
# ANSIBLE_COLLECTIONS_PATH (the staged copy) lets its syntax check find portsip.pbx.*.
# Plain `ansible-lint` with no arguments passes too (.ansible-lint says how).
lint: stage
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
# of its own under ~/.ansible/test/venv, with tests/unit/requirements.txt installed (bootstrapped by
# the get-pip stand-in, see sanity). Only PATH is set, as for sanity.
ansible-units: stage
	@"$(VENV_BIN)/python" tools/install-get-pip.py
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
# The venvs bootstrap pip from a get-pip stand-in (tools/install-get-pip.py): the real
# get-pip.py cannot be downloaded here. No tests/sanity/ignore-*.txt: everything must pass.
# Only PATH is set: ansible-test derives its paths from the directory it runs in, and an extra
# PYTHONPATH must not reach the import test (it proves the modules import without extras).
sanity: stage
	@"$(VENV_BIN)/python" tools/install-get-pip.py
	cd "$(STAGE)" && PATH="$(VENV_BIN):$$PATH" ansible-test sanity --venv --python "$(VENV_PYVER)" $(SANITY_ARGS)

build: venv
	rm -rf .build/dist
	PATH="$(VENV_BIN):$$PATH" ansible-galaxy collection build --force --output-path .build/dist .

demo: venv
	tools/demo.sh

# tox finds python3.11/3.12/3.13 through PATH, where the pyenv shims fail: put each pyenv
# version's own bin folder first. tox.ini points its envs at the staged copy.
PYENV_BINS = $(shell ls -d "$(HOME)"/.pyenv/versions/3.1[1-9]*/bin 2>/dev/null | sort -rV | tr '\n' ':')
# tox.ini skips an env whose Python is missing; in CI that would pass a matrix that did not run.
TOX_STRICT = $(if $(CI),--skip-missing-interpreters false)
matrix: stage
	@"$(VENV_BIN)/python" tools/install-get-pip.py
	PATH="$(PYENV_BINS)$(VENV_BIN):$$PATH" tox run $(TOX_STRICT)
	PATH="$(PYENV_BINS)$(VENV_BIN):$$PATH" tox run -e sanity-core216

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
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf .venv .venv-mutation .tox
