#!/usr/bin/env bash
# Print the bin folder of each pyenv-installed Python >= 3.11, newest first, one a line (nothing
# when there is none). On this machine the python3.12/python3.13 commands on PATH are pyenv shims
# that fail; these folders hold the real interpreters.
set -euo pipefail

compgen -G "$HOME/.pyenv/versions/3.1[1-9]*/bin" | sort -rV || true
