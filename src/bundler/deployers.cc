#include "bundler/deployers.h"

#include <regex>

#include "base/strings.h"
#include "deployer/argocd/argocd.h"
#include "deployer/argocd_helm/argocd_helm.h"
#include "deployer/flux/flux.h"
#include "deployer/helm/deploy_script.h"
#include "deployer/helm/readme.h"
#include "deployer/helmfile/helmfile.h"
#include "layout/argo.h"

namespace aicr::bundler {
namespace {

std::string FolderDir(const layout::Folder& f) { return f.dir; }
std::string NoManifest(const layout::Folder&) { return ""; }

Status GenerateHelm(const layout::Plan& plan, layout::FileTree* tree) {
  if (Status st =
          tree->Add("deploy.sh", deployer::helm::RenderDeployScript(plan), layout::kModeExecutable);
      !st.ok()) {
    return st;
  }
  return tree->Add("README.md", deployer::helm::RenderReadme(plan), layout::kModePrivate);
}

const std::vector<DeployerSpec>& Table() {
  static const std::vector<DeployerSpec> kTable = [] {
    std::vector<DeployerSpec> t;
    DeployerSpec helm;
    helm.name = "helm";
    helm.entrypoint = "deploy.sh";
    helm.result_type = "helm-bundle";
    helm.readiness_hooks = true;
    helm.generate = GenerateHelm;
    helm.release_path = FolderDir;
    helm.release_manifest = NoManifest;
    t.push_back(helm);

    DeployerSpec helmfile;
    helmfile.name = "helmfile";
    helmfile.entrypoint = "helmfile.yaml";
    helmfile.result_type = "helmfile-bundle";
    helmfile.generate = deployer::helmfile::GenerateHelmfile;
    helmfile.release_path = FolderDir;
    helmfile.release_manifest = NoManifest;
    t.push_back(helmfile);

    DeployerSpec argocd;
    argocd.name = "argocd";
    argocd.entrypoint = std::string(deployer::argocd::kAppOfAppsName);
    argocd.result_type = "argocd-applications";
    argocd.readiness_hooks = true;
    argocd.dynamic_values = false;
    argocd.argo_options = true;
    argocd.takes_repo = true;
    argocd.records_repo = true;
    argocd.placeholder_repo = std::string(layout::argo::kPlaceholderRepoURL);
    argocd.records_app_name = true;
    argocd.default_app_name = std::string(deployer::argocd::kDefaultAppName);
    argocd.generate = deployer::argocd::GenerateArgoCD;
    argocd.release_path = FolderDir;
    argocd.release_manifest = [](const layout::Folder& f) {
      return f.dir + "/" + std::string(deployer::argocd::kApplicationName);
    };
    t.push_back(argocd);

    DeployerSpec argocd_helm;
    argocd_helm.name = "argocd-helm";
    argocd_helm.entrypoint = "Chart.yaml";
    argocd_helm.result_type = "argocd-helm-chart";
    argocd_helm.readiness_hooks = true;
    argocd_helm.argo_options = true;
    argocd_helm.ignores_repo = true;
    argocd_helm.records_app_name = true;
    argocd_helm.default_app_name = std::string(deployer::argocd_helm::kDefaultAppName);
    argocd_helm.generate = [](const layout::Plan& plan, layout::FileTree* tree) {
      deployer::argocd_helm::ArgoCDHelmOptions chart;
      chart.chart_name = plan.gitops.chart_name;
      return deployer::argocd_helm::GenerateArgoCDHelm(plan, chart, tree);
    };
    argocd_helm.release_path = FolderDir;
    argocd_helm.release_manifest = [](const layout::Folder& f) {
      return "templates/" + f.release + ".yaml";
    };
    t.push_back(argocd_helm);

    DeployerSpec flux;
    flux.name = "flux";
    flux.entrypoint = std::string(deployer::flux::kKustomizationName);
    flux.result_type = "flux-manifests";
    flux.takes_repo = true;
    flux.flux_options = true;
    flux.records_repo = true;
    flux.placeholder_repo = std::string(deployer::flux::kPlaceholderRepoUrl);
    flux.generate = deployer::flux::GenerateFlux;
    flux.release_path = deployer::flux::ReleasePath;
    flux.release_manifest = deployer::flux::ReleaseManifest;
    t.push_back(flux);
    return t;
  }();
  return kTable;
}

bool IsDns1123Label(const std::string& s, std::size_t max) {
  static const std::regex kLabel("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  return !s.empty() && s.size() <= max && std::regex_match(s, kLabel);
}

bool IsDns1123Subdomain(const std::string& s) {
  if (s.empty() || s.size() > 253) {
    return false;
  }
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t dot = s.find('.', start);
    const std::string label =
        s.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!IsDns1123Label(label, 63)) {
      return false;
    }
    if (dot == std::string::npos) {
      break;
    }
    start = dot + 1;
  }
  return true;
}

Status NotFor(const std::string& flag, const DeployerSpec& d, const std::string& valid) {
  return InvalidRequestError(flag + " does not apply to the " + d.name + " deployer (" + valid +
                             " only)");
}

}  // namespace

const DeployerSpec* FindDeployer(std::string_view name) {
  for (const auto& d : Table()) {
    if (d.name == name) {
      return &d;
    }
  }
  return nullptr;
}

std::vector<std::string> DeployerNames() {
  std::vector<std::string> names;
  for (const auto& d : Table()) {
    names.push_back(d.name);
  }
  return names;
}

Status ResolveDeployerOptions(const DeployerSpec& d, const BundleOptions& options,
                              const std::map<std::string, std::string>& deployer_set,
                              layout::GitOpsOptions* gitops, std::vector<std::string>* warnings) {
  if (options.readiness_hooks && !d.readiness_hooks) {
    return NotFor("--readiness-hooks", d, "helm, argocd and argocd-helm");
  }
  if (!d.dynamic_values) {
    for (const auto& spec : options.dynamic) {
      return InvalidRequestError("--dynamic " + spec + " is not supported by the " + d.name +
                                 " deployer: Argo CD Applications carry no install-time "
                                 "values; use argocd-helm for install-time values");
    }
  }
  if (!options.app_name.empty()) {
    if (!d.argo_options) {
      return NotFor("--app-name", d, "argocd and argocd-helm");
    }
    if (!IsDns1123Label(options.app_name, 63)) {
      return InvalidRequestError("--app-name " + Quote(options.app_name) +
                                 " is not a DNS-1123 label (lower-case alphanumerics and '-', at "
                                 "most 63 characters)");
    }
    gitops->app_name = options.app_name;
  }
  if (!options.chart_name.empty()) {
    if (d.name != "argocd-helm") {
      return NotFor("a chart name", d, "argocd-helm");
    }
    gitops->chart_name = options.chart_name;
  }
  if (!deployer_set.empty() && !d.argo_options) {
    return NotFor("--set deployer:" + deployer_set.begin()->first, d, "argocd and argocd-helm");
  }
  for (const auto& [key, value] : deployer_set) {
    if (key == "namePrefix") {
      if (!value.empty() && !IsDns1123Label(value + "x", 63)) {
        return InvalidRequestError("--set deployer:namePrefix " + Quote(value) +
                                   " must be lower-case alphanumerics and '-' so that "
                                   "Application names stay DNS-1123");
      }
      gitops->name_prefix = value;
    } else if (key == "destinationServer") {
      if (value.rfind("https://", 0) != 0 || value.size() <= 8 ||
          value.find_first_of(" \t\"'\n") != std::string::npos) {
        return InvalidRequestError("--set deployer:destinationServer " + Quote(value) +
                                   " must be an https:// URL without quotes or spaces");
      }
      gitops->destination_server = value;
    } else if (key == "project") {
      if (!IsDns1123Subdomain(value)) {
        return InvalidRequestError("--set deployer:project " + Quote(value) +
                                   " is not a DNS-1123 subdomain (at most 253 characters, "
                                   "labels of at most 63)");
      }
      gitops->project = value;
    } else if (key == "cascadeDelete") {
      if (value != "true" && value != "false") {
        return InvalidRequestError("--set deployer:cascadeDelete must be true or false, got " +
                                   Quote(value));
      }
      gitops->cascade_delete = value == "true";
    } else {
      return InvalidRequestError("unknown deployer option " + Quote(key) +
                                 " (valid: namePrefix, destinationServer, project, "
                                 "cascadeDelete)");
    }
  }
  if (!options.repo.empty()) {
    if (d.ignores_repo) {
      warnings->push_back("Warning: --repo is ignored by the " + d.name +
                          " deployer: its chart takes the repository at install time "
                          "(helm install ... --set repoURL=...)");
    } else if (!d.takes_repo) {
      return NotFor("--repo", d, "argocd, argocd-helm and flux");
    } else {
      gitops->repo_url = options.repo;
    }
  } else if (d.takes_repo) {
    warnings->push_back("Warning: no --repo given: the " + d.name +
                        " bundle names a placeholder repository; pass --repo with the URL you "
                        "will push the bundle to");
  }
  if (!d.flux_options) {
    if (!options.flux_namespace.empty()) {
      return NotFor("--flux-namespace", d, "flux");
    }
    if (!options.flux_oci_source_name.empty()) {
      return NotFor("--flux-oci-source-name", d, "flux");
    }
    return OkStatus();
  }
  if (!options.flux_namespace.empty()) {
    if (!IsDns1123Label(options.flux_namespace, 63)) {
      return InvalidRequestError("--flux-namespace " + Quote(options.flux_namespace) +
                                 " is not a valid namespace name");
    }
    gitops->flux_namespace = options.flux_namespace;
  }
  if (!options.flux_oci_source_name.empty()) {
    if (!IsDns1123Subdomain(options.flux_oci_source_name)) {
      return InvalidRequestError("--flux-oci-source-name " + Quote(options.flux_oci_source_name) +
                                 " is not a valid object name");
    }
    gitops->flux_oci_source_name = options.flux_oci_source_name;
  }
  return OkStatus();
}

}  // namespace aicr::bundler
