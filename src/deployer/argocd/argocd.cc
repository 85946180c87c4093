#include "deployer/argocd/argocd.h"

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status_macros.h"
#include "base/strings.h"
#include "layout/argo.h"
#include "serialize/yaml_writer.h"

namespace aicr::deployer::argocd {
namespace {

using layout::Folder;
using layout::FolderKind;
using layout::FolderRole;
using layout::Plan;
namespace argo = layout::argo;

// Per-folder files the helm deployer needs and Argo CD's repo server never reads.
constexpr std::string_view kStrippedFiles[] = {"install.sh", "upstream.env", "cluster-values.yaml",
                                               "apply-crds.sh"};

std::string RepoURL(const Plan& plan) {
  return plan.gitops.repo_url.empty() ? std::string(argo::kPlaceholderRepoURL)
                                      : plan.gitops.repo_url;
}

std::string TargetRevision(const Plan& plan) {
  return plan.gitops.target_revision.empty() ? std::string(argo::kDefaultTargetRevision)
                                             : plan.gitops.target_revision;
}

std::string AppName(const Plan& plan) {
  return plan.gitops.app_name.empty() ? std::string(kDefaultAppName) : plan.gitops.app_name;
}

std::string Project(const Plan& plan) {
  return plan.gitops.project.empty() ? std::string(argo::kDefaultProject) : plan.gitops.project;
}

std::string DestinationServer(const Plan& plan) {
  return plan.gitops.destination_server.empty() ? std::string(argo::kDefaultDestinationServer)
                                                : plan.gitops.destination_server;
}

bool IsSafeDirName(std::string_view dir) {
  return !dir.empty() && dir.find('/') == std::string_view::npos &&
         layout::IsCleanRelativePath(dir);
}

// Every line of `yaml` prefixed with `indent` spaces (blank lines stay empty).
std::string Indent(std::string_view yaml, std::size_t indent) {
  std::string out;
  const std::string pad(indent, ' ');
  std::size_t start = 0;
  while (start < yaml.size()) {
    std::size_t end = yaml.find('\n', start);
    if (end == std::string_view::npos) {
      end = yaml.size();
    }
    const std::string_view line = yaml.substr(start, end - start);
    if (!line.empty()) {
      out += pad;
      out += line;
    }
    out += '\n';
    start = end + 1;
  }
  return out;
}

// The inline `helm.valuesObject` body for an upstream folder of an OCI-hosted
// bundle: sorted-key YAML at 8 spaces, `{}` for no values.
std::string InlineValues(const layout::ComponentPlan& c) {
  if (c.values.is_null() || (c.values.is_mapping() && c.values.size() == 0)) {
    return "        {}\n";
  }
  return Indent(serialize::WriteYaml(c.values), 8);
}

Status ValidatePlan(const Plan& plan) {
  AICR_RETURN_IF_ERROR(argo::ValidateArgoOptions(plan.gitops));
  for (const auto& c : plan.components) {
    if (!c.dynamic_paths.empty()) {
      return InvalidRequestError(
          "component " + Quote(c.name) + " has --dynamic paths (" + Join(c.dynamic_paths, ", ") +
          "): the argocd deployer bakes every value into the bundle; use the argocd-helm "
          "deployer for install-time values");
    }
  }
  for (const Folder& f : plan.folders) {
    if (!IsSafeDirName(f.dir)) {
      return InvalidRequestError("argocd: unsafe folder name " + Quote(f.dir));
    }
    const layout::ComponentPlan* c = plan.Find(f.component);
    if (c == nullptr) {
      return InternalError("argocd: folder " + Quote(f.dir) + " names unknown component " +
                           Quote(f.component));
    }
    if (f.kind == FolderKind::kUpstreamHelm && c->repository.empty()) {
      return InternalError("argocd: folder " + Quote(f.dir) +
                           " is an upstream chart but component " + Quote(c->name) +
                           " has no repository");
    }
  }
  return OkStatus();
}

std::string Table(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string RenderApplication(const Plan& plan, const Folder& folder, const std::string& name) {
  const layout::ComponentPlan& c = *plan.Find(folder.component);
  const std::string repo = RepoURL(plan);
  const std::string revision = TargetRevision(plan);
  std::string out;
  out += "apiVersion: argoproj.io/v1alpha1\n";
  out += "kind: Application\n";
  out += "metadata:\n";
  out += "  name: " + argo::DoubleQuoted(name) + "\n";
  out += "  namespace: " + std::string(argo::kArgoNamespace) + "\n";
  out += "  annotations:\n";
  out += "    argocd.argoproj.io/sync-wave: \"" + std::to_string(argo::SyncWave(plan, folder)) +
         "\"\n";
  if (plan.gitops.cascade_delete) {
    out += "  finalizers:\n";
    out += "    - " + std::string(argo::kResourcesFinalizer) + "\n";
  }
  out += "spec:\n";
  out += "  project: " + argo::DoubleQuoted(Project(plan)) + "\n";
  if (folder.kind == FolderKind::kLocalHelm) {
    out += "  source:\n";
    out += "    repoURL: " + argo::SingleQuoted(repo) + "\n";
    out += "    targetRevision: " + argo::Scalar(revision) + "\n";
    out += "    path: " + argo::Scalar(folder.dir) + "\n";
  } else if (argo::IsOciUrl(repo)) {
    // Argo CD resolves `$values` references only against Git repositories, so an
    // OCI-hosted bundle carries the values inline.
    out += "  source:\n";
    out += "    repoURL: " + argo::Scalar(argo::ChartRepoURL(c)) + "\n";
    out += "    chart: " + argo::Scalar(argo::ChartName(c)) + "\n";
    out += "    targetRevision: " + argo::Scalar(argo::ChartTargetRevision(c)) + "\n";
    out += "    helm:\n";
    out += "      valuesObject:\n";
    out += InlineValues(c);
  } else {
    out += "  sources:\n";
    out += "    - repoURL: " + argo::Scalar(argo::ChartRepoURL(c)) + "\n";
    out += "      chart: " + argo::Scalar(argo::ChartName(c)) + "\n";
    out += "      targetRevision: " + argo::Scalar(argo::ChartTargetRevision(c)) + "\n";
    out += "      helm:\n";
    out += "        valueFiles:\n";
    out += "          - " + argo::Scalar("$values/" + folder.dir + "/values.yaml") + "\n";
    out += "    - repoURL: " + argo::SingleQuoted(repo) + "\n";
    out += "      targetRevision: " + argo::Scalar(revision) + "\n";
    out += "      ref: values\n";
  }
  out += "  destination:\n";
  out += "    server: " + argo::DoubleQuoted(DestinationServer(plan)) + "\n";
  out += "    namespace: " + argo::Scalar(folder.namespace_) + "\n";
  out += argo::RenderChildSyncPolicy(plan, folder);
  return out;
}

std::string RenderAppOfApps(const Plan& plan) {
  std::string out;
  out += "apiVersion: argoproj.io/v1alpha1\n";
  out += "kind: Application\n";
  out += "metadata:\n";
  out += "  name: " + argo::DoubleQuoted(AppName(plan)) + "\n";
  out += "  namespace: " + std::string(argo::kArgoNamespace) + "\n";
  if (plan.gitops.cascade_delete) {
    out += "  finalizers:\n";
    out += "    - " + std::string(argo::kResourcesFinalizer) + "\n";
  }
  out += "spec:\n";
  // The parent stays in the default project on the Argo CD cluster: creating
  // Applications in the argocd namespace is an administrator's job.
  out += "  project: " + std::string(argo::kDefaultProject) + "\n";
  out += "  source:\n";
  out += "    repoURL: " + argo::SingleQuoted(RepoURL(plan)) + "\n";
  out += "    targetRevision: " + argo::Scalar(TargetRevision(plan)) + "\n";
  out += "    path: \".\"\n";
  out += "    directory:\n";
  out += "      recurse: true\n";
  out += "      include: '*/" + std::string(kApplicationName) + "'\n";
  out += "  destination:\n";
  out += "    server: " + std::string(argo::kDefaultDestinationServer) + "\n";
  out += "    namespace: " + std::string(argo::kArgoNamespace) + "\n";
  out += "  syncPolicy:\n";
  out += "    automated:\n";
  out += "      prune: true\n";
  out += "      selfHeal: true\n";
  return out;
}

std::string RenderArgoCDReadme(const Plan& plan) {
  const std::string app = AppName(plan);
  const bool placeholder = plan.gitops.repo_url.empty();
  const bool oci = argo::IsOciUrl(RepoURL(plan));
  std::string out;
  out += "# Argo CD Bundle\n\n";
  out += "Generated by AICR " + (plan.aicr_version.empty() ? "(dev)" : plan.aicr_version) + "\n\n";
  out +=
      "This bundle is an Argo CD app-of-apps. `app-of-apps.yaml` is the parent\n"
      "Application `" +
      app +
      "`; it watches this repository and creates the child Application\n"
      "found in each numbered folder (`NNN-<name>/application.yaml`). Nothing is\n"
      "installed until you apply the parent.\n\n";
  out += "## Components\n\n";
  out += "| Application | Folder | Namespace | Source | Version | Sync wave |\n";
  out += "|-------------|--------|-----------|--------|---------|-----------|\n";
  for (const Folder& f : plan.folders) {
    const layout::ComponentPlan* c = plan.Find(f.component);
    std::string source = "bundle folder (local chart)";
    std::string version = "-";
    if (c != nullptr && f.kind == FolderKind::kUpstreamHelm) {
      source = argo::ChartRepoURL(*c);
      version = c->version;
    } else if (c != nullptr && c->IsKustomize() && f.role == FolderRole::kPrimary) {
      source = "kustomize build (rendered at bundle time)";
      version = c->kustomize_tag.empty() ? "-" : c->kustomize_tag;
    }
    out += "| " + Table(plan.gitops.name_prefix + f.release) + " | " + Table(f.dir) + " | " +
           Table(f.namespace_) + " | " + Table(source) + " | " + Table(version) + " | " +
           std::to_string(argo::SyncWave(plan, f)) + " |\n";
  }
  out += "\n";
  if (plan.serial) {
    out +=
        "Ordering: `--serial` gives every Application its own sync wave, so Argo CD\n"
        "syncs them one at a time in the order above.\n\n";
  } else {
    out +=
        "Ordering: each dependency level owns four consecutive sync waves (pre-manifests,\n"
        "chart, post-manifests, readiness gate). Components of one level sync together;\n"
        "a level starts only after every Application of the previous one is healthy.\n\n";
  }
  out += "## Prerequisites\n\n";
  out +=
      "- A cluster running Argo CD (Applications are created in the `argocd` namespace)\n"
      "- `kubectl` with access to that cluster\n"
      "- A repository Argo CD can read, holding this bundle\n\n";
  out += "## Deployment\n\n";
  out += "1. Publish this directory";
  if (oci) {
    out += " as the OCI artifact `" + RepoURL(plan) + ":" + TargetRevision(plan) + "`.\n";
  } else {
    out += " to `" + RepoURL(plan) + "` (revision `" + TargetRevision(plan) +
           "`), with the numbered folders at the repository root:\n\n";
    out +=
        "   ```bash\n"
        "   git init && git add . && git commit -m \"AICR bundle\"\n"
        "   git remote add origin " +
        (placeholder ? std::string("<your-repository-url>") : plan.gitops.repo_url) +
        "\n"
        "   git push origin HEAD:" +
        TargetRevision(plan) + "\n   ```\n";
  }
  if (placeholder) {
    out +=
        "\n   No `--repo` was given, so every Application names the placeholder\n"
        "   `" +
        std::string(argo::kPlaceholderRepoURL) +
        "`. Replace it with your repository URL in\n"
        "   `app-of-apps.yaml` and in every `*/application.yaml` before applying, or\n"
        "   regenerate the bundle with `--repo`.\n";
  }
  out += "\n2. Apply the parent Application:\n\n";
  out += "   ```bash\n   kubectl apply -f app-of-apps.yaml\n   ```\n\n";
  out += "3. Watch the rollout:\n\n";
  out += "   ```bash\n   kubectl get applications -n argocd\n   argocd app get " + app +
         "\n   ```\n\n";
  out += "## Removal\n\n";
  out += "```bash\nkubectl delete application " + app + " -n argocd\n```\n\n";
  if (plan.gitops.cascade_delete) {
    out +=
        "The Applications carry the `resources-finalizer.argocd.argoproj.io` finalizer,\n"
        "so deleting the parent also deletes the child Applications and the resources\n"
        "they manage.\n";
  } else {
    out +=
        "Without `--set deployer:cascadeDelete=true` the Applications have no\n"
        "finalizer: deleting the parent leaves the children and their resources in\n"
        "place; delete the child Applications yourself to remove them.\n";
  }
  return out;
}

Status GenerateArgoCD(const Plan& plan, layout::FileTree* tree) {
  if (tree == nullptr) {
    return InternalError("argocd: no file tree to write into");
  }
  AICR_RETURN_IF_ERROR(ValidatePlan(plan));

  const std::string parent = AppName(plan);
  std::vector<std::pair<std::string, std::string>> files;  // path, bytes
  std::map<std::string, std::string> names;                // child name -> folder
  for (const Folder& f : plan.folders) {
    AICR_ASSIGN_OR_RETURN(std::string name, argo::ChildApplicationName(plan.gitops, f, parent));
    const auto [it, inserted] = names.emplace(name, f.dir);
    if (!inserted) {
      return InvalidRequestError("argocd: folders " + Quote(it->second) + " and " + Quote(f.dir) +
                                 " both map to the Application name " + Quote(name));
    }
    files.emplace_back(f.dir + "/" + std::string(kApplicationName),
                       RenderApplication(plan, f, name));
  }
  files.emplace_back(std::string(kAppOfAppsName), RenderAppOfApps(plan));
  files.emplace_back(std::string(kReadmeName), RenderArgoCDReadme(plan));

  for (const auto& [path, bytes] : files) {
    if (tree->Find(path) != nullptr) {
      return InvalidRequestError("argocd: " + Quote(path) + " is already in the bundle");
    }
  }
  // Staged on a copy so that a failing Add leaves the caller's tree untouched.
  layout::FileTree staged = *tree;
  for (const Folder& f : plan.folders) {
    for (const std::string_view file : kStrippedFiles) {
      staged.Remove(f.dir + "/" + std::string(file));
    }
  }
  for (auto& [path, bytes] : files) {
    AICR_RETURN_IF_ERROR(staged.Add(path, std::move(bytes), layout::kModePrivate));
  }
  *tree = std::move(staged);
  return OkStatus();
}

}  // namespace aicr::deployer::argocd
