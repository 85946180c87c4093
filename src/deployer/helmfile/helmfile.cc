#include "deployer/helmfile/helmfile.h"

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "layout/url_slug.h"
#include "serialize/value.h"
#include "serialize/yaml_writer.h"

namespace aicr::deployer::helmfile {
namespace {

using layout::Folder;
using layout::FolderKind;
using layout::FolderRole;
using layout::Plan;
using serialize::Mapping;
using serialize::Sequence;
using serialize::Value;

// Per-component helm flag overrides. They mirror the special cases of the helm
// deployer's deploy.sh (ASYNC_COMPONENTS and the per-name COMPONENT_HELM_TIMEOUT
// case) and must change together with it. Keyed by the folder's component, so a
// component's -pre/-post releases inherit the override.
struct ComponentOverride {
  std::string_view component;
  bool wait;            // false renders `wait: false`
  int timeout_seconds;  // 0 keeps helmDefaults.timeout
};

constexpr ComponentOverride kComponentOverrides[] = {
    {"kai-scheduler", false, 20 * 60},
};

const ComponentOverride* FindOverride(std::string_view component) {
  for (const auto& o : kComponentOverrides) {
    if (o.component == component) {
      return &o;
    }
  }
  return nullptr;
}

bool IsSafeDirName(std::string_view dir) {
  return !dir.empty() && dir.find('/') == std::string_view::npos &&
         layout::IsCleanRelativePath(dir);
}

// Checks every folder before anything is built, so errors do not depend on the
// order in which documents are assembled.
Status ValidateFolders(const Plan& plan) {
  for (const Folder& f : plan.folders) {
    if (!IsSafeDirName(f.dir)) {
      return InvalidRequestError("helmfile: unsafe folder name " + Quote(f.dir));
    }
    if (f.role == FolderRole::kReadiness) {
      return InvalidRequestError("helmfile: folder " + Quote(f.dir) +
                                 " is a readiness gate; the helmfile deployer does not "
                                 "support readiness hooks");
    }
    if (f.kind != FolderKind::kUpstreamHelm && f.kind != FolderKind::kLocalHelm) {
      return InvalidRequestError("helmfile: unsupported folder kind " +
                                 std::to_string(static_cast<int>(f.kind)) + " for " + Quote(f.dir));
    }
    if (f.level < 0) {
      return InvalidRequestError("helmfile: folder " + Quote(f.dir) + " has negative level " +
                                 std::to_string(f.level));
    }
    const layout::ComponentPlan* c = plan.Find(f.component);
    if (c == nullptr) {
      return InternalError("helmfile: folder " + Quote(f.dir) + " names unknown component " +
                           Quote(f.component));
    }
    if (f.kind == FolderKind::kUpstreamHelm && c->repository.empty()) {
      return InternalError("helmfile: folder " + Quote(f.dir) +
                           " is an upstream chart but component " + Quote(c->name) +
                           " has no repository");
    }
  }
  return OkStatus();
}

struct Repository {
  std::string name;
  std::string url;
  bool oci = false;
};

// The repositories: entry for a chart repository URL. helmfile wants an OCI
// registry as a bare host/path plus `oci: true` (it adds the scheme itself).
Repository RepositoryFor(const std::string& repo) {
  constexpr std::string_view kOciScheme = "oci://";
  Repository r;
  r.name = RepositoryAlias(repo);
  r.oci = repo.starts_with(kOciScheme);
  r.url = r.oci ? repo.substr(kOciScheme.size()) : repo;
  return r;
}

Value StringSequence(const std::vector<std::string>& items) {
  Sequence seq;
  seq.reserve(items.size());
  for (const auto& s : items) {
    seq.emplace_back(s);
  }
  return Value(std::move(seq));
}

Value ApplyCrdsHook(const std::string& dir) {
  Value hook;
  hook.Set("events", StringSequence({"presync"}));
  hook.Set("command", "bash");
  hook.Set("args", StringSequence({"./" + dir + "/apply-crds.sh"}));
  hook.Set("showlogs", true);
  return hook;
}

// One helmfile document (repositories, helmDefaults, releases) for `folders`, in
// the given order. The folders have been validated.
Result<Value> BuildDocument(const Plan& plan, const std::vector<const Folder*>& folders) {
  std::map<std::string, Repository> repos_by_url;
  Sequence releases;
  releases.reserve(folders.size());

  struct ReleaseRef {
    std::string name;
    std::string namespace_;
  };
  ReleaseRef previous;                                  // --serial: the previous release
  std::map<std::string, ReleaseRef> last_of_component;  // default: same-component chain

  for (const Folder* f : folders) {
    const layout::ComponentPlan& c = *plan.Find(f->component);
    Value rel;
    rel.Set("name", f->release);
    rel.Set("namespace", f->namespace_);
    if (f->kind == FolderKind::kUpstreamHelm) {
      Repository repo = RepositoryFor(c.repository);
      const std::string& chart = c.chart.empty() ? c.name : c.chart;
      rel.Set("chart", repo.name + "/" + chart);
      if (!c.version.empty()) {
        rel.Set("version", c.version);
      }
      repos_by_url.insert_or_assign(repo.url, std::move(repo));
    } else {
      rel.Set("chart", "./" + f->dir);
    }

    std::vector<std::string> values = {"./" + f->dir + "/values.yaml"};
    if (f->has_dynamic_values) {
      values.push_back("./" + f->dir + "/cluster-values.yaml");
    }
    rel.Set("values", StringSequence(values));

    const ReleaseRef* need = nullptr;
    if (plan.serial) {
      if (!previous.name.empty()) {
        need = &previous;
      }
    } else if (auto it = last_of_component.find(f->component); it != last_of_component.end()) {
      need = &it->second;
    }
    if (need != nullptr) {
      rel.Set("needs", StringSequence({NeedsRef(f->namespace_, need->namespace_, need->name)}));
    }

    if (const ComponentOverride* o = FindOverride(f->component); o != nullptr) {
      if (!o->wait) {
        rel.Set("wait", false);
      }
      if (o->timeout_seconds > 0) {
        rel.Set("timeout", o->timeout_seconds);
      }
    }
    if (f->ships_namespace) {
      rel.Set("createNamespace", false);
    }
    if ((f->role == FolderRole::kPrimary && c.has_self_ref_crds) ||
        (f->role == FolderRole::kPost && c.manifests_use_chart_crds)) {
      rel.Set("disableValidation", true);
    }
    if (f->owns_crds) {
      Sequence hooks;
      hooks.push_back(ApplyCrdsHook(f->dir));
      rel.Set("hooks", Value(std::move(hooks)));
    }

    releases.push_back(std::move(rel));
    previous = ReleaseRef{f->release, f->namespace_};
    last_of_component.insert_or_assign(f->component, previous);
  }

  // Repositories sorted by alias; two URLs sharing an alias would make
  // `<alias>/<chart>` ambiguous, so that is an error rather than a silent pick.
  std::map<std::string, const Repository*> repos_by_alias;
  for (const auto& [url, repo] : repos_by_url) {
    auto [it, inserted] = repos_by_alias.emplace(repo.name, &repo);
    if (!inserted) {
      return InvalidRequestError("helmfile: repositories " + Quote(it->second->url) + " and " +
                                 Quote(url) + " map to the same alias " + Quote(repo.name));
    }
  }

  Value doc;
  if (!repos_by_alias.empty()) {
    Sequence repositories;
    for (const auto& [alias, repo] : repos_by_alias) {
      Value r;
      r.Set("name", repo->name);
      r.Set("url", repo->url);
      if (repo->oci) {
        r.Set("oci", true);
      }
      repositories.push_back(std::move(r));
    }
    doc.Set("repositories", Value(std::move(repositories)));
  }
  Value defaults;
  defaults.Set("wait", true);
  defaults.Set("timeout", kDefaultTimeoutSeconds);
  defaults.Set("createNamespace", true);
  doc.Set("helmDefaults", std::move(defaults));
  doc.Set("releases", Value(std::move(releases)));
  return doc;
}

// Folders grouped by dependency level (ascending), folder order kept within a level.
std::map<int, std::vector<const Folder*>> FoldersByLevel(const Plan& plan) {
  std::map<int, std::vector<const Folder*>> levels;
  for (const Folder& f : plan.folders) {
    levels[f.level].push_back(&f);
  }
  return levels;
}

std::string LevelFileName(int level) {
  return std::string(kLevelFilePrefix) + std::to_string(level) + ".yaml";
}

std::string ToYaml(const Value& doc) {
  return serialize::WriteYaml(doc, serialize::WriteOptions{.sort_keys = false});
}

std::string NormalizeVersion(std::string_view v) {
  if (v.starts_with('v')) {
    v.remove_prefix(1);
  }
  return v.empty() ? std::string("0.1.0") : std::string(v);
}

// A markdown table cell: `|` escaped, line breaks flattened.
std::string TableCell(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    if (ch == '|') {
      out += "\\|";
    } else if (ch == '\n' || ch == '\r') {
      out += ' ';
    } else {
      out += ch;
    }
  }
  return out;
}

}  // namespace

std::string RepositoryAlias(std::string_view url) { return layout::UrlSlug(url, "default-repo"); }

std::string NeedsRef(std::string_view dependent_namespace, std::string_view dep_namespace,
                     std::string_view dep_name) {
  if (dep_namespace.empty() || dep_namespace == dependent_namespace) {
    return std::string(dep_name);
  }
  return std::string(dep_namespace) + "/" + std::string(dep_name);
}

Status GenerateHelmfile(const layout::Plan& plan, layout::FileTree* tree) {
  if (tree == nullptr) {
    return InternalError("helmfile: no file tree to write into");
  }
  AICR_RETURN_IF_ERROR(ValidateFolders(plan));

  std::vector<std::pair<std::string, std::string>> files;  // path, bytes
  const auto levels = FoldersByLevel(plan);
  if (levels.size() <= 1) {
    std::vector<const Folder*> all;
    all.reserve(plan.folders.size());
    for (const Folder& f : plan.folders) {
      all.push_back(&f);
    }
    auto doc = BuildDocument(plan, all);
    if (!doc.ok()) {
      return doc.status();
    }
    files.emplace_back(std::string(kHelmfileName), ToYaml(doc.value()));
  } else {
    Sequence refs;
    for (const auto& [level, folders] : levels) {
      auto doc = BuildDocument(plan, folders);
      if (!doc.ok()) {
        return doc.status().WithContext(LevelFileName(level));
      }
      Value ref;
      ref.Set("path", LevelFileName(level));
      refs.push_back(std::move(ref));
      files.emplace_back(LevelFileName(level), ToYaml(doc.value()));
    }
    Value top;
    top.Set("helmfiles", Value(std::move(refs)));
    files.emplace_back(std::string(kHelmfileName), ToYaml(top));
  }
  files.emplace_back(std::string(kReadmeName), RenderHelmfileReadme(plan));

  for (const auto& [path, bytes] : files) {
    if (tree->Find(path) != nullptr) {
      return InvalidRequestError("helmfile: " + Quote(path) + " is already in the bundle");
    }
  }
  for (auto& [path, bytes] : files) {
    AICR_RETURN_IF_ERROR(tree->Add(path, std::move(bytes), layout::kModePrivate));
  }
  return OkStatus();
}

std::string RenderHelmfileReadme(const layout::Plan& plan) {
  bool has_dynamic = false;
  for (const auto& c : plan.components) {
    has_dynamic = has_dynamic || !c.dynamic_paths.empty();
  }
  // A vendored chart is wrapped in a local chart folder, so an upstream component
  // whose primary folder is local means the bundle carries its chart tarballs.
  bool has_vendored = false;
  for (const Folder& f : plan.folders) {
    const layout::ComponentPlan* c = plan.Find(f.component);
    has_vendored =
        has_vendored || (f.role == FolderRole::kPrimary && f.kind == FolderKind::kLocalHelm &&
                         c != nullptr && c->IsUpstreamHelm());
  }
  const bool stratified = FoldersByLevel(plan).size() > 1;

  std::string out;
  out += "# Helmfile Bundle\n\nGenerated by AICR v" + NormalizeVersion(plan.aicr_version) + "\n\n";
  out +=
      "## Prerequisites\n"
      "\n"
      "- `helmfile` CLI on `$PATH` ([installation "
      "guide](https://helmfile.readthedocs.io/en/latest/#installation))\n"
      "- `helm` CLI on `$PATH` (helmfile invokes helm under the hood)\n"
      "- `helm-diff` plugin: `helm plugin install https://github.com/databus23/helm-diff`\n"
      "  (helmfile's `apply` and `diff` subcommands invoke it under the hood)\n"
      "- `kubectl` configured for your target cluster (also used by the CRD presync\n"
      "  hook described under [Deployment](#deployment))\n"
      "- `timeout` from GNU coreutils, when the bundle contains a CRD presync hook\n"
      "\n"
      "## Components\n"
      "\n"
      "| Release | Namespace | Version |\n"
      "|---------|-----------|---------|\n";
  for (const auto& c : plan.components) {
    const std::string& version = c.version.empty() ? c.kustomize_tag : c.version;
    out += "| " + TableCell(c.name) + " | " + TableCell(c.namespace_) + " | " + TableCell(version) +
           " |\n";
  }
  out +=
      "\n"
      "## Deployment\n"
      "\n"
      "Run all `helmfile` commands from this directory so it picks up `helmfile.yaml`\n"
      "by default. The release graph (`needs:` dependencies) lives in\n"
      "`helmfile.yaml` — helmfile handles ordering, parallelism, and idempotent\n"
      "re-apply.";
  if (stratified) {
    out +=
        " For bundles whose dependency DAG\n"
        "spans more than one level, `helmfile.yaml` is a thin orchestration\n"
        "document with a `helmfiles:` list: one sub-helmfile per level\n"
        "(`level-0.yaml` first, `level-1.yaml` next, …). `helmfile` runs the\n"
        "sub-helmfiles sequentially, so by the time level K is processed every\n"
        "release in levels 0…K-1 has fully applied — `helmfile diff` against a\n"
        "fresh cluster no longer fails to resolve CRDs (or any other resources)\n"
        "installed by an earlier level before a later level references them\n"
        "(see issue #914).\n";
  }
  out +=
      "\n"
      "\n"
      "Releases whose folder contains an `apply-crds.sh` carry a `presync` hook that\n"
      "runs it before the upgrade. helmfile upgrades through Helm, which installs a\n"
      "chart's `crds/` directory on first install and never touches it again, so\n"
      "without the hook a chart bump whose CRDs changed would run the new controller\n"
      "against the old schema. The script applies the pinned chart's CRDs with\n"
      "`kubectl apply --server-side --force-conflicts`, and skips a release that does\n"
      "not exist yet, since `helm install` creates the chart's CRDs itself. Every helm\n"
      "and kubectl call it makes is bounded, 90s by default and overridable with\n"
      "`AICR_CRD_STEP_TIMEOUT`; it requires `timeout` (GNU coreutils) and refuses to\n"
      "run rather than run unbounded inside a deploy. Only components audited as the\n"
      "sole owner of every CRD they ship get it; for the rest, replacing CRDs is\n"
      "unsafe because another component's release ships the same CRD with a different\n"
      "schema.\n"
      "\n"
      "```bash\n"
      "# Preview changes (no cluster mutation):\n"
      "helmfile diff\n"
      "\n"
      "# Install or upgrade everything in dependency order:\n"
      "helmfile apply\n"
      "\n"
      "# Tear everything down in reverse dependency order:\n"
      "helmfile destroy\n"
      "```\n";
  if (has_dynamic) {
    out +=
        "\n"
        "### Per-cluster customization\n"
        "\n"
        "This bundle declares dynamic value paths. Each affected release has a\n"
        "`cluster-values.yaml` file in its component directory; edit those files\n"
        "before `helmfile apply` to fill in per-cluster settings (passwords, hostnames,\n"
        "storage classes, etc.). The base `values.yaml` files are generated and should\n"
        "not be edited.\n";
  }
  if (has_vendored) {
    out +=
        "\n"
        "### Air-gap deployment\n"
        "\n"
        "This bundle contains vendored Helm chart tarballs alongside each component's\n"
        "generated `Chart.yaml` — `helmfile apply` does not require upstream registry\n"
        "access at deploy time. See `provenance.yaml` for chart provenance\n"
        "(SHA-256, source URL, original version).\n";
  }
  out +=
      "\n"
      "## Troubleshooting\n"
      "\n"
      "- Validate the document without applying: `helmfile lint`\n"
      "- See exactly which helm commands helmfile will run: `helmfile --debug apply`\n"
      "- Apply only a subset by name: `helmfile -l name=<release> apply`\n"
      "- Inspect a specific release after apply: `helm status <release> -n <namespace>`\n"
      "\n"
      "For deployer scope and the rationale behind helmfile vs the bash deployer,\n"
      "see issue [#632](https://github.com/NVIDIA/aicr/issues/632).\n";
  return out;
}

}  // namespace aicr::deployer::helmfile
