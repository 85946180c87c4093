#!/usr/bin/env bash
# Installs everything the build, the tests and the developer targets need on Debian 12.
# Idempotent: packages already present are not reinstalled; nothing is fetched from
# anywhere but Debian's package archive and, for the pinned test tools
# (tests/tools/package-lock.json, see scripts/install-tools.sh), the npm registry.
set -euo pipefail

readonly APT_PACKAGES=(
  build-essential
  clang
  clang-format-14
  clang-tidy-14
  cmake
  ninja-build
  git
  pkg-config
  openssl
  libclang-rt-14-dev
  libyaml-cpp-dev
  nlohmann-json3-dev
  libcli11-dev
  libcpp-httplib-dev
  libcurl4-openssl-dev
  libssl-dev
  libsystemd-dev
  libgtest-dev
  libgmock-dev
  libbenchmark-dev
  bash-completion
  zsh
  fish
  shellcheck
  unzip
  jq
  curl
  wrk
  nginx
  libarchive-dev
  docker-registry
  apache2-utils
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "${pkg}" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("${pkg}")
  fi
done

# Node.js and npm run scripts/install-tools.sh. A machine may carry a Node.js build
# that bundles npm (so Debian's separate npm package would conflict): only ask apt
# for them when no npm is on PATH.
if ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if ((${#missing[@]} > 0)); then
  if [[ ${EUID} -ne 0 ]]; then
    echo "install-deps: missing ${missing[*]}; run as root to install them" >&2
    exit 1
  fi
  echo "install-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # nginx and the like are benchmark baselines, not services: keep their
  # maintainer scripts from starting daemons while we install.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 0755 /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all ${#APT_PACKAGES[@]} packages present" >&2
fi

# Real helm and kubectl for the conformance tests (idempotent, fast when present).
bash "$(dirname "${BASH_SOURCE[0]}")/install-tools.sh"
