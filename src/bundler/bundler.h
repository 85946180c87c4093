#pragma once

/// \file
/// `aicr bundle`: a RecipeResult becomes per-component deployment artifacts
/// (aicr-bundle §1). MakeBundle runs every step of the pipeline in memory —
/// selection, value extraction with the full override precedence, node
/// scheduling, registry validations, layout, deployer files, `recipe.yaml`,
/// `bundle-info.yaml`, `checksums.txt` — and returns the finished tree; nothing
/// touches the filesystem until PublishBundle (output_dir.h) writes it.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "bundler/chart_puller.h"
#include "layout/file_tree.h"
#include "layout/plan.h"
#include "recipe/result.h"
#include "recipe/store.h"

namespace aicr::bundler {

struct BundleOptions {
  std::string deployer = "helm";
  std::vector<std::string> set;                           ///< `comp:path=value` scalars
  std::vector<std::string> set_json;                      ///< `comp:path=<json>`
  std::vector<std::string> set_file;                      ///< `comp:path=<file>`
  std::vector<std::string> dynamic;                       ///< `comp:path`
  std::vector<std::string> system_node_selectors;         ///< `k=v`
  std::vector<std::string> system_node_tolerations;       ///< `k=v:Effect`
  std::vector<std::string> accelerated_node_selectors;    ///< `k=v`
  std::vector<std::string> accelerated_node_tolerations;  ///< `k=v:Effect`; empty → Exists
  std::vector<std::string> workload_selectors;            ///< `k=v`
  std::string workload_gate;                              ///< `key[=value]:Effect`
  int nodes = 0;
  std::string storage_class;
  std::string shared_storage_class;
  std::string dra_eviction_node_label;  ///< `k=v`
  bool readiness_hooks = false;
  bool serial = false;
  /// `--vendor-charts`: every upstream Helm chart is pulled with `chart_puller`
  /// (required then) and carried in the bundle; `provenance.yaml` records them.
  bool vendor_charts = false;
  std::shared_ptr<const ChartPuller> chart_puller;
  /// GitOps deployers: `--repo`, `--app-name`, `--flux-namespace`,
  /// `--flux-oci-source-name` ("" = not given).
  std::string repo;
  std::string app_name;
  std::string flux_namespace;
  std::string flux_oci_source_name;
  /// argocd-helm: the chart name ("" = `aicr-bundle`); a DNS-1123 label, checked by
  /// the deployer. Set by an OCI push from the repository's basename.
  std::string chart_name;
  /// Positive component filter (REST `?bundlers=`).
  std::vector<std::string> bundlers;
  /// The aicr build stamped into bundle-info and generated charts.
  std::string aicr_version;
  /// The files of the external `--data` directory as (relative path, bytes): copied
  /// to `data/<path>` in the bundle and listed in checksums.txt, so the bundle
  /// records exactly which external data built it.
  std::vector<std::pair<std::string, std::string>> external_data;
};

struct BundleOutput {
  layout::FileTree tree;
  layout::Plan plan;
  /// Non-blocking notes, each starting with `Warning: `.
  std::vector<std::string> warnings;
  /// `helm-bundle`, `helmfile-bundle`, `argocd-applications`, ...
  std::string result_type;
};

/// Runs the whole pipeline. INVALID_REQUEST for every rejected input (named);
/// nothing is written.
Result<BundleOutput> MakeBundle(const recipe::RecipeResult& recipe, const recipe::Store& store,
                                const BundleOptions& options);

}  // namespace aicr::bundler
