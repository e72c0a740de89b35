# The Makefile's share of this folder's workarounds (README.md beside this file).

# Run before each ansible-test call: the stand-in for the get-pip.py that ansible-test downloads.
ANSIBLE_TEST_PREPARE = "$(VENV_BIN)/python" tools/machine-workarounds/install-get-pip.py

# Put first on PATH for tox: each pyenv Python's own bin folder, where tox finds python3.X.
PYENV_PATH = $(shell tools/machine-workarounds/pyenv-bins.sh | tr '\n' ':')
