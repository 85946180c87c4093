// Client::Bundle and Client::BundleAndPublish: the `aicr bundle` entries of the
// facade (in-memory pipeline; preconditions, signing, write and OCI push).

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status_macros.h"
#include "base/strings.h"
#include "bundler/helm_chart_puller.h"
#include "bundler/output_dir.h"
#include "catalog/data_provider.h"
#include "client/client.h"
#include "serialize/input.h"
#include "serialize/yaml_reader.h"

namespace aicr::client {

namespace {

// The recipe of a bundle request: the parsed body, or the source read and decoded.
Result<recipe::RecipeResult> LoadRecipe(const BundleRequest& request,
                                        const Client::Options& options) {
  serialize::Value doc;
  std::string context = "recipe (request body)";
  if (request.recipe_document.has_value()) {
    doc = *request.recipe_document;
  } else {
    if (request.recipe.empty()) {
      return InvalidRequestError("required flag --recipe not set");
    }
    serialize::InputOptions in;
    in.configmaps = options.configmaps;
    in.cancel = options.cancel;
    in.kind = "recipe";
    Result<std::string> bytes = serialize::ReadInput(request.recipe, in);
    if (!bytes.ok()) {
      return bytes.status().WithContext("recipe");
    }
    context = "recipe \"" + request.recipe + "\"";
    Result<serialize::Value> parsed = serialize::ParseYaml(*bytes);
    if (!parsed.ok()) {
      return parsed.status().WithContext(context);
    }
    doc = std::move(parsed).value();
  }
  Result<recipe::RecipeResult> result = recipe::RecipeResultFromValue(doc);
  if (!result.ok()) {
    return result.status().WithContext(context);
  }
  return result;
}

// The files of the `--data` directory as the user wrote them: external files as
// the layered provider read them, merged ones (registry.yaml, the validator
// catalogue) from the directory itself rather than in their merged form.
Result<std::vector<std::pair<std::string, std::string>>> ExternalDataFiles(
    const catalog::DataProvider& provider, const std::string& data_dir) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const std::string& path : provider.Files()) {
    const std::string_view source = provider.Source(path);
    if (source == catalog::kSourceEmbedded) {
      continue;
    }
    Result<std::string> bytes = source == catalog::kSourceExternal
                                    ? provider.Read(path)
                                    : serialize::ReadInput(data_dir + "/" + path, {});
    if (!bytes.ok()) {
      return bytes.status().WithContext("data file " + Quote(path));
    }
    files.emplace_back(path, std::move(bytes).value());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

Result<bundler::BundleOutput> Client::Bundle(const BundleRequest& request) const {
  AICR_ASSIGN_OR_RETURN(recipe::RecipeResult result, LoadRecipe(request, options_));
  return MakeBundle(request, result);
}

Result<bundler::BundleOutput> Client::MakeBundle(const BundleRequest& request,
                                                 const recipe::RecipeResult& result) const {
  AICR_ASSIGN_OR_RETURN(const catalog::DataProvider* provider, Provider(request.data_dir));
  AICR_ASSIGN_OR_RETURN(std::shared_ptr<const recipe::Store> store, recipe::GetStore(*provider));
  bundler::BundleOptions options = request.options;
  if (!request.data_dir.empty()) {
    AICR_ASSIGN_OR_RETURN(options.external_data, ExternalDataFiles(*provider, request.data_dir));
  }
  if (options.aicr_version.empty()) {
    options.aicr_version = options_.version;
  }
  if (options.vendor_charts && options.chart_puller == nullptr) {
    options.chart_puller = std::make_shared<bundler::HelmChartPuller>();
  }
  return bundler::MakeBundle(result, *store, options);
}

Status Client::PublishBundle(const bundler::BundleOutput& bundle,
                             const std::string& output_dir) const {
  return bundler::PublishBundle(bundle.tree, output_dir);
}

Result<BundleRunResult> Client::BundleAndPublish(const BundleRequest& request) const {
  // Every precondition first: nothing below may run (or write) when one fails.
  AICR_ASSIGN_OR_RETURN(std::optional<BundleSigner> signer,
                        PrepareBundleSigner(request.attestation));
  const std::string version =
      request.options.aicr_version.empty() ? options_.version : request.options.aicr_version;
  AICR_ASSIGN_OR_RETURN(std::optional<OciPublishPlan> oci,
                        PrepareOciPublish(request.publish, request.options.deployer, version));
  if (!oci.has_value() && request.publish.output.empty()) {
    return InvalidRequestError("--output must not be empty");
  }

  AICR_ASSIGN_OR_RETURN(recipe::RecipeResult result, LoadRecipe(request, options_));
  BundleRunResult run;
  BundleRequest effective = request;
  if (oci.has_value() && oci->helm_chart && effective.options.chart_name.empty()) {
    // Helm finds a chart in an OCI registry only under its own name.
    const std::string& repo = oci->target.repository;
    effective.options.chart_name = repo.substr(repo.rfind('/') + 1);
  }
  AICR_ASSIGN_OR_RETURN(run.bundle, MakeBundle(effective, result));
  run.output_dir = oci.has_value() ? oci->local_dir : request.publish.output;
  if (oci.has_value()) {
    AICR_RETURN_IF_ERROR(CheckOciTree(*oci, run.bundle.tree));
  }
  if (signer.has_value()) {
    BundleProvenanceInputs inputs;
    inputs.recipe = result.criteria.value_or(recipe::Criteria{}).ToString();
    inputs.external_data = !request.data_dir.empty();
    for (const auto& component : run.bundle.plan.components) {
      inputs.components.push_back(component.name);
    }
    inputs.output_dir = run.output_dir;
    inputs.tool_version = version;
    AICR_RETURN_IF_ERROR(AttestBundleTree(*signer, inputs, &run.bundle.tree).status());
    run.attested = true;
  }
  AICR_RETURN_IF_ERROR(PublishBundle(run.bundle, run.output_dir));
  if (oci.has_value()) {
    AICR_ASSIGN_OR_RETURN(OciPublishResult pushed, PushBundleTree(*oci, run.bundle.tree, version));
    run.pushed = std::move(pushed);
  }
  return run;
}

}  // namespace aicr::client
