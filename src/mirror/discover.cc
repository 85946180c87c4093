#include "mirror/discover.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <optional>
#include <thread>
#include <utility>

#include "base/status_macros.h"
#include "base/strings.h"
#include "bundler/bundler.h"
#include "bundler/selection.h"
#include "bundler/values.h"
#include "gotemplate/template.h"
#include "mirror/images.h"
#include "recipe/defaults.h"
#include "serialize/yaml_writer.h"

namespace aicr::mirror {
namespace {

using serialize::Mapping;
using serialize::Value;

// One component's work: what to render and what was found.
struct Job {
  const recipe::ComponentRef* ref = nullptr;
  std::optional<ChartInput> chart;  // set when there is a chart to render
  Value values = Value::EmptyMapping();
  ComponentImages found;
  std::optional<Result<std::string>> rendered;
};

bool IsHelm(const recipe::ComponentRef& ref) { return AsciiLower(ref.type) != "kustomize"; }

// The dot manifests are rendered with, as the bundle's local charts see it.
Value ManifestDot(const recipe::ComponentRef& ref, const Value& values) {
  Mapping by_component;
  by_component.Set(ref.name, values);
  Mapping release;
  release.Set("Namespace", ref.namespace_);
  release.Set("Service", "Helm");
  Mapping chart;
  chart.Set("Name", ref.chart.empty() ? ref.name : ref.chart);
  chart.Set("Version", ref.version);
  Mapping dot;
  dot.Set("Values", Value(std::move(by_component)));
  dot.Set("Release", Value(std::move(release)));
  dot.Set("Chart", Value(std::move(chart)));
  return Value(std::move(dot));
}

void ScanManifests(const recipe::Store& store, const std::vector<std::string>& paths,
                   const Value& dot, Job* job) {
  for (const std::string& path : paths) {
    const auto it = store.values_files().find(path);
    if (it == store.values_files().end()) {
      job->found.warnings.push_back("manifest read failed " + path +
                                    ": not in the catalogue (embedded data or --data)");
      continue;
    }
    Result<std::string> text = gotemplate::Render(path, it->second, dot);
    if (!text.ok()) {
      job->found.warnings.push_back("manifest render failed " + path + ": " +
                                    text.status().message());
      continue;
    }
    ExtractImagesFromYaml(*text, "manifest " + path, &job->found.images, &job->found.warnings);
  }
}

// Runs the renderer over every job with a chart, `parallelism` at a time.
void RenderAll(std::vector<Job>* jobs, const HelmRenderer& renderer, int parallelism,
               const CancelToken& cancel) {
  std::vector<Job*> todo;
  for (Job& job : *jobs) {
    if (job.chart.has_value()) {
      todo.push_back(&job);
    }
  }
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < todo.size(); i = next++) {
      if (cancel.IsCanceled()) {
        todo[i]->rendered = cancel.Check();
        continue;
      }
      todo[i]->rendered = renderer(*todo[i]->chart, cancel);
    }
  };
  const std::size_t threads =
      std::min<std::size_t>(todo.size(), static_cast<std::size_t>(std::max(1, parallelism)));
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) {
    pool.emplace_back(worker);
  }
  worker();
  for (std::thread& t : pool) {
    t.join();
  }
}

}  // namespace

Result<MirrorList> Discover(const recipe::RecipeResult& recipe, const recipe::Store& store,
                            const DiscoverOptions& options) {
  AICR_RETURN_IF_ERROR(options.cancel.Check());
  if (recipe.component_refs.empty()) {
    return InvalidRequestError("recipe has no component references");
  }
  bundler::BundleOptions bundle_options;
  bundle_options.set = options.set;
  AICR_ASSIGN_OR_RETURN(bundler::UserOverrides user,
                        bundler::ParseUserOverrides(bundle_options, store.registry()));
  bundler::SelectionInput select;
  select.enabled_toggles = user.enabled_toggles;
  AICR_ASSIGN_OR_RETURN(bundler::Selection selection, bundler::SelectComponents(recipe, select));
  AICR_RETURN_IF_ERROR(bundler::CheckOverridesTargetSelected(user, selection));

  std::vector<Job> jobs(selection.refs.size());
  for (std::size_t i = 0; i < selection.refs.size(); ++i) {
    Job& job = jobs[i];
    const recipe::ComponentRef& ref = selection.refs[i];
    job.ref = &ref;
    job.found.component = ref.name;
    job.found.type = IsHelm(ref) ? "helm" : "kustomize";
    Result<Value> values = bundler::ExtractValues(ref, store, &user);
    if (!values.ok()) {
      job.found.warnings.push_back("failed to build values: " + values.status().message());
      continue;
    }
    job.values = std::move(values).value();
    if (IsHelm(ref) && !ref.source.empty()) {
      ChartInput in;
      in.release = ref.name;
      in.repository = ref.source;
      in.chart = recipe::EffectiveChart(ref);
      in.version = ref.version;
      in.namespace_ = ref.namespace_;
      in.values_yaml = serialize::WriteYaml(job.values);
      job.chart = std::move(in);
    }
  }

  HelmRenderer renderer = options.renderer;
  if (!renderer) {
    HelmRenderOptions helm;
    helm.kube_version = KubeVersionFromConstraints(recipe.constraints);
    renderer = [helm](const ChartInput& in, const CancelToken& cancel) {
      return RenderHelmChart(in, helm, cancel);
    };
  }
  RenderAll(&jobs, renderer, options.parallelism, options.cancel);
  AICR_RETURN_IF_ERROR(options.cancel.Check());

  MirrorList list;
  list.recipe_version = recipe.metadata.version.empty() ? options.version : recipe.metadata.version;
  if (recipe.criteria.has_value()) {
    list.criteria = recipe.criteria->ToString();
  }
  for (Job& job : jobs) {
    const recipe::ComponentRef& ref = *job.ref;
    if (job.rendered.has_value()) {
      if (job.rendered->ok()) {
        ExtractImagesFromYaml(**job.rendered, "rendered chart", &job.found.images,
                              &job.found.warnings);
      } else if (job.rendered->status().code() == ErrorCode::kCanceled) {
        return job.rendered->status();
      } else {
        job.found.warnings.push_back("helm template failed: " + job.rendered->status().message());
      }
    }
    const Value dot = ManifestDot(ref, job.values);
    ScanManifests(store, ref.pre_manifest_files, dot, &job);
    ScanManifests(store, ref.manifest_files, dot, &job);
    SortUnique(&job.found.images);
    list.images.insert(list.images.end(), job.found.images.begin(), job.found.images.end());
    if (job.chart.has_value()) {
      list.charts.push_back(ChartRef{.name = ref.name,
                                     .repository = ref.source,
                                     .chart = job.chart->chart,
                                     .version = ref.version,
                                     .namespace_ = ref.namespace_});
    }
    list.components.push_back(std::move(job.found));
  }
  SortUnique(&list.images);
  return list;
}

}  // namespace aicr::mirror
