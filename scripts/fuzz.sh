#!/usr/bin/env bash
# Runs every libFuzzer target in a fuzz build for a fixed time each.
#   fuzz.sh BUILD_DIR SECONDS
# Corpora grow under BUILD_DIR/corpus/<target>, seeded from fuzz/corpus/.
set -euo pipefail
build="${1:?usage: fuzz.sh BUILD_DIR SECONDS}"
seconds="${2:?usage: fuzz.sh BUILD_DIR SECONDS}"
root="$(cd "$(dirname "$0")/.." && pwd)"
status=0
for target in "${build}"/fuzz/aicr_fuzz_*; do
  [[ -x "${target}" ]] || continue
  name="$(basename "${target}")"
  kind="${name#aicr_fuzz_}"
  corpus="${build}/corpus/${kind}"
  mkdir -p "${corpus}" "${build}/artifacts/${kind}"
  echo "fuzz: ${name} for ${seconds}s" >&2
  if ! "${target}" -max_total_time="${seconds}" -print_final_stats=1 \
    -artifact_prefix="${build}/artifacts/${kind}/" "${corpus}" "${root}/fuzz/corpus/${kind}"; then
    echo "fuzz: ${name} found a crash; see ${build}/artifacts/${kind}/" >&2
    status=1
  fi
done
exit "${status}"
