#pragma once

/// \file
/// The per-folder shell files of the numbered layout (aicr-bundle §2, §3.1):
/// `upstream.env`, `install.sh` and `apply-crds.sh`, plus the cluster-connection
/// fragment deploy.sh shares. Every literal taken from the recipe is single-quoted
/// (ShellQuote) or provably inert (ShellWord), so no value can break out of a
/// script; no recipe value is ever written into a comment.

#include <string>
#include <string_view>

namespace aicr::layout {

/// `'...'` with every `'` written as `'\''`.
std::string ShellQuote(std::string_view s);

/// `s` bare when it is a non-empty run of `[A-Za-z0-9_./:=@%+,-]` (one shell word
/// that nothing expands), ShellQuote(s) otherwise. Used where a generated script
/// reads best bare (`--namespace gpu-operator`) but must stay safe for any value.
std::string ShellWord(std::string_view s);

/// `NAME='value'` and a newline (ShellQuote), preceded by a `# shellcheck
/// disable=SC2016` line when LooksLikeShellExpansion(value): shellcheck would
/// otherwise take the quoted literal for an expansion meant to happen.
std::string ShellAssign(std::string_view name, std::string_view value);

/// Whether `s` holds a backtick, or a `$` that starts an expansion outside
/// quotes (`$x`, `${`, `$(`, `$1`, `$@`, ...); see ShellAssign.
bool LooksLikeShellExpansion(std::string_view s);

/// `s` with every Go-regexp metacharacter backslash-escaped, for
/// `helm list --filter '^<release>$'`.
std::string RegexpQuote(std::string_view s);

/// A bash fragment that resolves the cluster connection for helm and kubectl
/// calls: `KUBE_CONTEXT` (exported) becomes `HELM_CONN=(--kube-context …)` and
/// `KUBECTL_CONN=(--context …)`; `KUBECONFIG` is left to both tools; the
/// deprecated `KUBECONFIG_FLAG` (helm's `--kube-context`/`--kubeconfig`, either
/// spelling) is translated into those two variables with a warning, then unset.
/// Any other option in it, a missing value, or a context disagreeing with
/// `KUBE_CONTEXT` exits 1 before the first cluster call; errors name the option,
/// never its value. Shared by apply-crds.sh and the helm deployer's deploy.sh.
std::string RenderKubeConnectionBlock();

/// `CHART='…'\nREPO='…'\nVERSION='…'\n`. For an OCI repository CHART is the full
/// `oci://…/<chart>` and REPO is empty.
std::string RenderUpstreamEnv(std::string_view repository, std::string_view chart,
                              std::string_view version);

struct InstallScript {
  std::string release;           ///< Helm release name
  std::string namespace_;        ///< `--namespace`
  bool upstream = true;          ///< upstream chart (sources upstream.env) vs local chart `./`
  bool create_namespace = true;  ///< false when a template ships its own Namespace
  bool apply_crds = false;       ///< run `apply-crds.sh` first (unless DRY_RUN_FLAG)
};

/// The folder's `install.sh` (mode 0755): one `helm upgrade --install` of
/// `"${CHART}"` (upstream, from `upstream.env`) or `./` (local), with
/// `--force-conflicts` only when `helm version` reports major 4 or later, the
/// release's `--namespace` (plus `--create-namespace` unless the chart ships its
/// own Namespace), `-f values.yaml -f cluster-values.yaml`, then the caller's
/// `COMPONENT_WAIT_ARGS`, `DRY_RUN_FLAG`, `KUBE_CONTEXT` (as `--kube-context`),
/// `KUBECONFIG_FLAG` and `HELM_DEBUG_FLAG`. With `apply_crds`, `bash
/// ./apply-crds.sh` runs first unless `DRY_RUN_FLAG` is set.
std::string RenderInstallScript(const InstallScript& spec);

struct ApplyCrdsScript {
  std::string release;
  std::string namespace_;
  std::string repository;  ///< as in upstream.env
  std::string chart;
  std::string version;
};

/// The folder's `apply-crds.sh` (mode 0755). Helm creates a chart's CRDs on the
/// first install and never updates them, so this applies them on an upgrade
/// only: with no deployed/failed/pending release it exits 0; when the release
/// query fails it exits 1 (an unknown answer is not "no release"); otherwise
/// `helm show crds` (lines before the first `---` dropped) is piped to `kubectl
/// apply --server-side --force-conflicts -f -`, and an empty stream is a no-op.
/// Every helm and kubectl call runs under `timeout` or `gtimeout`
/// (`AICR_CRD_STEP_TIMEOUT` seconds, default 90); with neither installed it exits
/// 1. Recipe literals are single-quoted and bound once at the top.
std::string RenderApplyCrdsScript(const ApplyCrdsScript& spec);

}  // namespace aicr::layout
