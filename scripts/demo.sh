#!/usr/bin/env bash
# The main job on the embedded catalogue. Until the recipe engine lands it shows the
# binary's identity and its command surface.
set -euo pipefail
aicr="${1:?usage: demo.sh path/to/aicr}"
echo "\$ aicr --version"
"${aicr}" --version
echo
echo "\$ aicr --help"
"${aicr}" --help
