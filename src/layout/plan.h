#pragma once

/// \file
/// The bundle plan: every enabled component after value extraction, in deployment
/// order, and the numbered folders the layout writer derived from them
/// (aicr-bundle §1.7). The bundler builds the component list; the layout writer
/// classifies it into folders and writes them; each deployer reads the plan to add
/// its own entry point (deploy.sh, helmfile.yaml, ...).

#include <optional>
#include <string>
#include <vector>

#include "serialize/value.h"

namespace aicr::layout {

/// A raw manifest shipped with a component: a Go/Helm template rendered at bundle
/// time with `.Values = {<component>: values}`.
struct Manifest {
  std::string name;         ///< basename, the file name under templates/
  std::string source_path;  ///< data-relative path, for error messages
  std::string content;      ///< template text
};

/// An upstream chart pulled at bundle time (`--vendor-charts`): its primary folder
/// becomes a local wrapper chart carrying the tarball under `charts/`.
struct VendoredChart {
  std::string tarball_name;    ///< the `.tgz` basename helm wrote
  std::string bytes;           ///< the tarball
  std::string sha256;          ///< lowercase hex of `bytes`
  std::string puller_version;  ///< e.g. `helm-cli v3.17.0+g...`; "" when unknown
};

struct ComponentPlan {
  std::string name;
  std::string namespace_;
  /// The registry's first valueOverrideKeys entry (the name when it has none):
  /// argocd-helm exposes the component's install-time values under this key.
  std::string override_key;
  /// Helm coordinates. `repository` is "" for a manifest-only component; an OCI
  /// repository keeps its `oci://` scheme.
  std::string repository;
  std::string chart;
  std::string version;
  /// Kustomize coordinates (the component is Kustomize when `kustomize_path` or
  /// `kustomize_tag` is set).
  std::string kustomize_repository;
  std::string kustomize_path;
  std::string kustomize_tag;
  /// Final values (a mapping), dynamic paths still in place.
  serialize::Value values = serialize::Value::EmptyMapping();
  /// `--dynamic` paths of this component, sorted, deduplicated.
  std::vector<std::string> dynamic_paths;
  std::vector<Manifest> pre_manifests;   ///< applied before the chart (`-pre` folder)
  std::vector<Manifest> post_manifests;  ///< applied after the chart (or the chart itself)
  /// The readiness-gate chart template (written verbatim as the `-readiness`
  /// folder's `templates/readiness.yaml`; Helm renders it at install time) when
  /// readiness hooks are on and the component ships a readiness test; "" otherwise.
  std::string readiness_test;
  /// Registry flags (the CRD flags only when the ref still uses the registry chart).
  bool owns_crds = false;
  bool has_self_ref_crds = false;
  bool manifests_use_chart_crds = false;
  /// Enabled dependencies (disabled ones pruned), in authored order.
  std::vector<std::string> dependencies;
  /// Topological level (0 = no enabled dependencies).
  int level = 0;
  /// Set for an upstream Helm component when charts are vendored.
  std::optional<VendoredChart> vendored;

  bool IsKustomize() const { return !kustomize_path.empty() || !kustomize_tag.empty(); }
  bool IsUpstreamHelm() const { return !repository.empty() && !IsKustomize(); }
  bool IsVendored() const { return vendored.has_value() && IsUpstreamHelm(); }
};

enum class FolderKind { kUpstreamHelm, kLocalHelm };
enum class FolderRole { kPre, kPrimary, kPost, kReadiness };

struct Folder {
  std::string dir;        ///< "003-gpu-operator-post"
  std::string release;    ///< Helm release name: "gpu-operator-post"
  std::string component;  ///< "gpu-operator"
  std::string namespace_;
  FolderKind kind = FolderKind::kUpstreamHelm;
  FolderRole role = FolderRole::kPrimary;
  int index = 0;                    ///< 1-based folder number
  int level = 0;                    ///< the component's topological level
  bool has_dynamic_values = false;  ///< the component has `--dynamic` paths
  bool ships_namespace = false;     ///< a rendered template has `kind: Namespace`
  bool owns_crds = false;           ///< apply-crds.sh is written (upstream primary only)
};

/// Settings of the GitOps deployers (argocd, argocd-helm, flux), validated by the
/// bundler before generation.
struct GitOpsOptions {
  /// `--repo`: the Git (or `oci://`) URL the bundle will be published at; "" when
  /// not given (deployers then write their documented placeholder and the bundler
  /// warns).
  std::string repo_url;
  /// Revision Argo CD / Flux track: "" means the deployer default (`main`).
  std::string target_revision;
  /// `--app-name` (argocd parent default `nvidia-stack`, argocd-helm `aicr-stack`).
  std::string app_name;
  /// `--set deployer:namePrefix|destinationServer|project|cascadeDelete`.
  std::string name_prefix;
  std::string destination_server;  ///< "" = https://kubernetes.default.svc
  std::string project;             ///< "" = default
  bool cascade_delete = false;
  /// `--flux-namespace` / `--flux-oci-source-name`.
  std::string flux_namespace = "flux-system";
  std::string flux_oci_source_name = "aicr-bundle";
  /// argocd-helm: the chart's name (`Chart.yaml` name); "" = `aicr-bundle`. An OCI
  /// push sets it to the repository's last path segment, which Helm requires.
  std::string chart_name;
};

struct Plan {
  std::vector<ComponentPlan> components;  ///< deployment order
  std::vector<Folder> folders;            ///< folder index order
  std::string aicr_version;
  bool readiness_hooks = false;
  bool serial = false;
  GitOpsOptions gitops;

  /// The component named `name`, or nullptr.
  const ComponentPlan* Find(const std::string& name) const {
    for (const auto& c : components) {
      if (c.name == name) {
        return &c;
      }
    }
    return nullptr;
  }
};

}  // namespace aicr::layout
