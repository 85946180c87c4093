#!/usr/bin/env bash
# Installs everything the build, the tests and the developer targets need on Debian 12.
# Idempotent: packages already present are not reinstalled; nothing is fetched from
# anywhere but Debian's package archive (and, later, the npm registry for pinned test tools).
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
  libgtest-dev
  libgmock-dev
  libbenchmark-dev
  bash-completion
  zsh
  fish
  shellcheck
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "${pkg}" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("${pkg}")
  fi
done

if ((${#missing[@]} > 0)); then
  if [[ ${EUID} -ne 0 ]]; then
    echo "install-deps: missing ${missing[*]}; run as root to install them" >&2
    exit 1
  fi
  echo "install-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all ${#APT_PACKAGES[@]} packages present" >&2
fi
