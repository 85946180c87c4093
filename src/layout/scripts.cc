#include "layout/scripts.h"

#include <string>
#include <string_view>

namespace aicr::layout {
namespace {

constexpr std::string_view kOciScheme = "oci://";

bool IsBareShellChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("_./:=@%+,-").find(c) != std::string_view::npos;
}

// CHART and REPO as upstream.env binds them: an OCI chart is addressed by its full
// `oci://…/<chart>` reference and has no `--repo`.
struct ChartRef {
  std::string chart;
  std::string repo;
};

ChartRef ResolveChartRef(std::string_view repository, std::string_view chart) {
  if (repository.substr(0, kOciScheme.size()) == kOciScheme) {
    std::string_view base = repository;
    while (base.size() > kOciScheme.size() && base.back() == '/') {
      base.remove_suffix(1);
    }
    return {std::string(base) + "/" + std::string(chart), ""};
  }
  return {std::string(chart), std::string(repository)};
}

// The opening every generated script shares: strict mode, then the folder as the
// working directory whatever the caller's was.
constexpr std::string_view kPrologue = R"sh(set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "${SCRIPT_DIR}"
)sh";

constexpr std::string_view kHelmMajorBlock = R"sh(
# Helm 4 applies server-side by default, so an upgrade must be allowed to take
# over fields that operators manage (for example rotated webhook certificates).
# Helm 3 applies client-side and rejects --force-conflicts.
HELM_MAJOR="$(helm version --template '{{.Version}}' 2>/dev/null | sed -nE 's/^v([0-9]+)\..*/\1/p' || true)"
FORCE_CONFLICTS_FLAG=""
if [[ "${HELM_MAJOR:-0}" -ge 4 ]]; then
  FORCE_CONFLICTS_FLAG="--force-conflicts"
fi
)sh";

constexpr std::string_view kApplyCrdsCall = R"sh(
# The chart's CRDs first: apply-crds.sh updates them on an upgrade (helm never
# does). A dry run must not touch the cluster, so it is skipped then.
if [[ -z "${DRY_RUN_FLAG:-}" ]]; then
  bash ./apply-crds.sh
fi
)sh";

constexpr std::string_view kConnectionBlock =
    R"sh(# Cluster connection. KUBE_CONTEXT selects the context and KUBECONFIG the config
# file(s); helm and kubectl read KUBECONFIG themselves. The deprecated
# KUBECONFIG_FLAG may still carry helm's --kube-context/--kubeconfig options: they
# are translated here, and anything else is refused rather than guessed at, so no
# call can land on an unintended cluster. Errors name an option, never its value.
# shellcheck disable=SC2034
HELM_CONN=()
# shellcheck disable=SC2034
KUBECTL_CONN=()
if [[ -n "${KUBECONFIG_FLAG:-}" ]]; then
  echo "WARNING: KUBECONFIG_FLAG is deprecated; set KUBE_CONTEXT and/or KUBECONFIG instead" >&2
  read -r -a _conn_words <<<"${KUBECONFIG_FLAG}"
  _conn_i=0
  while ((_conn_i < ${#_conn_words[@]})); do
    _conn_opt="${_conn_words[_conn_i]}"
    _conn_value=""
    case "${_conn_opt}" in
      --kube-context=* | --kubeconfig=*)
        _conn_value="${_conn_opt#*=}"
        _conn_opt="${_conn_opt%%=*}"
        _conn_i=$((_conn_i + 1))
        ;;
      --kube-context | --kubeconfig)
        if ((_conn_i + 1 < ${#_conn_words[@]})); then
          _conn_value="${_conn_words[_conn_i + 1]}"
        fi
        _conn_i=$((_conn_i + 2))
        ;;
      *)
        echo "ERROR: KUBECONFIG_FLAG carries ${_conn_opt%%=*}; only --kube-context and --kubeconfig are supported (set KUBE_CONTEXT instead)" >&2
        exit 1
        ;;
    esac
    if [[ -z "${_conn_value}" || "${_conn_value}" == -* ]]; then
      echo "ERROR: KUBECONFIG_FLAG gives ${_conn_opt} no value" >&2
      exit 1
    fi
    if [[ "${_conn_opt}" == "--kube-context" ]]; then
      if [[ -n "${KUBE_CONTEXT:-}" && "${KUBE_CONTEXT}" != "${_conn_value}" ]]; then
        echo "ERROR: KUBE_CONTEXT and KUBECONFIG_FLAG name different contexts; set only KUBE_CONTEXT" >&2
        exit 1
      fi
      KUBE_CONTEXT="${_conn_value}"
    else
      KUBECONFIG="${_conn_value}"
      export KUBECONFIG
    fi
  done
  unset KUBECONFIG_FLAG _conn_words _conn_i _conn_opt _conn_value
fi
if [[ -n "${KUBE_CONTEXT:-}" ]]; then
  export KUBE_CONTEXT
  HELM_CONN+=(--kube-context "${KUBE_CONTEXT}")
  KUBECTL_CONN+=(--context "${KUBE_CONTEXT}")
fi
)sh";

constexpr std::string_view kApplyCrdsBody = R"sh(
for tool in helm kubectl; do
  if ! command -v "${tool}" >/dev/null 2>&1; then
    echo "ERROR: ${tool} is required to apply the ${RELEASE} CRDs" >&2
    exit 1
  fi
done

# Every helm and kubectl call is bounded: this runs inside deploy.sh, which can
# retry a step that fails but not one that never returns. There is deliberately
# no unbounded fallback.
STEP_TIMEOUT="${AICR_CRD_STEP_TIMEOUT:-90}"
if command -v timeout >/dev/null 2>&1; then
  TIMEOUT_BIN="timeout"
elif command -v gtimeout >/dev/null 2>&1; then
  TIMEOUT_BIN="gtimeout"
else
  echo "ERROR: neither timeout nor gtimeout is installed, and the ${RELEASE} CRD step" >&2
  echo "       will not run unbounded. Install GNU coreutils, or apply the chart's" >&2
  echo "       CRDs by hand before upgrading." >&2
  exit 1
fi
bounded() {
  "${TIMEOUT_BIN}" "${STEP_TIMEOUT}" "$@"
}

# Upgrades only: on a first install helm creates the CRDs itself. A failed query
# is not an empty answer: an upgrade that went ahead without this step would run
# the new chart against the old schema, so the step fails instead. The three
# status flags exist in Helm 3 and 4 alike and cover every release an upgrade
# acts on.
if ! releases="$(bounded helm list --namespace "${NAMESPACE}" --filter "${RELEASE_FILTER}" \
  --short --deployed --failed --pending ${HELM_CONN[@]+"${HELM_CONN[@]}"})"; then
  echo "ERROR: cannot tell whether release ${RELEASE} exists in ${NAMESPACE}; refusing to skip its CRD update" >&2
  exit 1
fi
if [[ -z "${releases//[[:space:]]/}" ]]; then
  echo "${RELEASE}: no existing release; helm install creates the chart's CRDs"
  exit 0
fi

# helm may print progress (an OCI pull's "Pulled:"/"Digest:" lines) ahead of the
# first document; only the YAML stream from the first "---" on is kept.
if ! crds="$(bounded helm show crds "${CHART}" ${REPO:+--repo "${REPO}"} --version "${VERSION}" |
  sed -n '/^---$/,$p')"; then
  echo "ERROR: cannot read the CRDs of ${CHART} ${VERSION}" >&2
  exit 1
fi
if [[ -z "${crds//[[:space:]]/}" ]]; then
  echo "${RELEASE}: the chart ships no CRDs; nothing to apply"
  exit 0
fi

# Server-side: large CRDs exceed the annotation that client-side apply needs.
# --force-conflicts: helm created these objects and owns their fields.
echo "${RELEASE}: applying the chart's CRDs before the upgrade"
printf '%s\n' "${crds}" |
  bounded kubectl apply --server-side --force-conflicts ${KUBECTL_CONN[@]+"${KUBECTL_CONN[@]}"} -f -
)sh";

}  // namespace

std::string ShellQuote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

std::string ShellWord(std::string_view s) {
  if (s.empty()) {
    return ShellQuote(s);
  }
  for (char c : s) {
    if (!IsBareShellChar(c)) {
      return ShellQuote(s);
    }
  }
  return std::string(s);
}

bool LooksLikeShellExpansion(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '`') {
      return true;
    }
    if (s[i] == '$' && i + 1 < s.size()) {
      const char c = s[i + 1];
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          std::string_view("_{(@*#?$!-").find(c) != std::string_view::npos) {
        return true;
      }
    }
  }
  return false;
}

std::string ShellAssign(std::string_view name, std::string_view value) {
  std::string out;
  if (LooksLikeShellExpansion(value)) {
    out += "# shellcheck disable=SC2016\n";
  }
  return out + std::string(name) + "=" + ShellQuote(value) + "\n";
}

std::string RegexpQuote(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::string_view(R"(\.+*?()|[]{}^$)").find(c) != std::string_view::npos) {
      out += '\\';
    }
    out += c;
  }
  return out;
}

std::string RenderKubeConnectionBlock() { return std::string(kConnectionBlock); }

std::string RenderUpstreamEnv(std::string_view repository, std::string_view chart,
                              std::string_view version) {
  const ChartRef ref = ResolveChartRef(repository, chart);
  return "CHART=" + ShellQuote(ref.chart) + "\nREPO=" + ShellQuote(ref.repo) +
         "\nVERSION=" + ShellQuote(version) + "\n";
}

std::string RenderInstallScript(const InstallScript& spec) {
  std::string out = "#!/usr/bin/env bash\n";
  out +=
      "# Installs or upgrades this folder's Helm release. Generated by AICR: deploy.sh\n"
      "# runs it, or run it by hand with `bash install.sh`. Optional environment:\n"
      "# COMPONENT_WAIT_ARGS, DRY_RUN_FLAG, HELM_DEBUG_FLAG, KUBE_CONTEXT, KUBECONFIG\n"
      "# and the deprecated KUBECONFIG_FLAG.\n";
  out += kPrologue;
  if (spec.upstream) {
    out += "# shellcheck source=/dev/null\nsource ./upstream.env\n";
  }
  out += kHelmMajorBlock;
  if (spec.apply_crds) {
    out += kApplyCrdsCall;
  }
  out +=
      "\n# Each *_FLAG / *_ARGS variable holds zero or more options: split on purpose.\n"
      "# shellcheck disable=SC2086";
  if (LooksLikeShellExpansion(spec.release) || LooksLikeShellExpansion(spec.namespace_)) {
    out += ",SC2016";
  }
  out += "\n";
  out += "helm upgrade --install ${FORCE_CONFLICTS_FLAG} " + ShellWord(spec.release);
  if (spec.upstream) {
    out += " \"${CHART}\" \\\n  ${REPO:+--repo \"${REPO}\"} --version \"${VERSION}\"";
  } else {
    out += " ./";
  }
  out += " \\\n  --namespace " + ShellWord(spec.namespace_);
  if (spec.create_namespace) {
    out += " --create-namespace";
  }
  out +=
      " \\\n  -f values.yaml -f cluster-values.yaml \\\n"
      "  ${COMPONENT_WAIT_ARGS:-} ${DRY_RUN_FLAG:-} ${KUBE_CONTEXT:+--kube-context "
      "\"${KUBE_CONTEXT}\"} \\\n"
      "  ${KUBECONFIG_FLAG:-} ${HELM_DEBUG_FLAG:-}\n";
  return out;
}

std::string RenderApplyCrdsScript(const ApplyCrdsScript& spec) {
  const ChartRef ref = ResolveChartRef(spec.repository, spec.chart);
  std::string out = "#!/usr/bin/env bash\n";
  out +=
      "# Applies the CRDs of this folder's pinned chart ahead of `helm upgrade`.\n"
      "# Generated by AICR; install.sh runs it. Helm creates a chart's CRDs on the\n"
      "# first install and never updates them, so after a chart bump the old schema\n"
      "# would stay and the API server would prune fields the new controller writes.\n"
      "# Optional environment: AICR_CRD_STEP_TIMEOUT (seconds per helm/kubectl call,\n"
      "# default 90), KUBE_CONTEXT, KUBECONFIG and the deprecated KUBECONFIG_FLAG.\n";
  out += kPrologue;
  out += "\n# Recipe literals, bound once; every later use is a plain parameter expansion.\n";
  out += ShellAssign("RELEASE", spec.release);
  out += ShellAssign("NAMESPACE", spec.namespace_);
  out += ShellAssign("RELEASE_FILTER", "^" + RegexpQuote(spec.release) + "$");
  out += ShellAssign("CHART", ref.chart);
  out += ShellAssign("REPO", ref.repo);
  out += ShellAssign("VERSION", spec.version);
  out += "\n";
  out += kConnectionBlock;
  out += kApplyCrdsBody;
  return out;
}

}  // namespace aicr::layout
