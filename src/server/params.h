#pragma once

/// \file
/// Request parsing shared by the recipe, query and bundle handlers: the query
/// string (strict: unknown names and conflicting repeats are errors), criteria and
/// bundle options from parameters, and the strict POST envelope.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "bundler/bundler.h"
#include "client/client.h"
#include "serialize/value.h"

namespace aicr::server {

/// One decoded `name=value` pair, in request order.
struct QueryParam {
  std::string name;
  std::string value;
};

/// Splits on `&`, decodes `+` and `%XX`. INVALID_REQUEST for a malformed escape
/// or a NUL byte. Empty segments are skipped; `name` alone has an empty value.
Result<std::vector<QueryParam>> ParseQueryString(std::string_view raw);

/// A parameter a route accepts.
struct ParamSpec {
  std::string name{};
  std::vector<std::string> aliases{};  ///< e.g. `gpu` for `accelerator`
  bool repeatable = false;             ///< list parameter: every value is kept
};

/// Validated parameters of one request.
class Params {
 public:
  /// INVALID_REQUEST `unknown query parameter "x"` (with the accepted names) and
  /// `conflicting values for query parameter "x": "a" and "b"` when a single-value
  /// parameter (or its alias) is given twice with different values.
  static Result<Params> Make(const std::vector<QueryParam>& raw,
                             const std::vector<ParamSpec>& specs);

  /// The value of single-value parameter `name`, or nullopt.
  std::optional<std::string> Get(std::string_view name) const;
  /// Every value of `name` in request order.
  std::vector<std::string> GetAll(std::string_view name) const;
  bool Has(std::string_view name) const;

 private:
  std::vector<QueryParam> values_;  // canonical names
};

/// service, accelerator (alias gpu), intent, os, platform, nodes, profile,
/// slurmAccountingMode, gkeTcpxoInterfaces.
std::vector<ParamSpec> RecipeParamSpecs();
/// RecipeParamSpecs() plus selector.
std::vector<ParamSpec> QueryParamSpecs();
/// The parameters POST /v1/recipe and /v1/query accept next to their body.
std::vector<ParamSpec> PostParamSpecs();
/// The `aicr bundle` flags the API mirrors.
std::vector<ParamSpec> BundleParamSpecs();

/// Criteria and profile from GET parameters. INVALID_REQUEST for a bad `nodes` and
/// for settings this build does not support (slurmAccountingMode, gkeTcpxoInterfaces).
Result<client::RecipeRequest> RecipeRequestFromParams(const Params& params);

/// The strict POST envelope `{criteria: {service, accelerator, intent, os, platform,
/// nodes}, profile?, selector?}` (selector only when `with_selector`).
struct RecipeEnvelope {
  client::RecipeRequest request;
  std::optional<std::string> selector;
};

/// Media type of a Content-Type value: lower-cased, parameters dropped.
std::string MediaType(std::string_view content_type);

/// Parses `body` as JSON (`application/json`, or no Content-Type) or YAML
/// (`application/x-yaml`, `application/yaml`, `text/yaml`). INVALID_REQUEST for any
/// other media type and for documents that do not parse (one document only).
Result<serialize::Value> ParseBody(std::string_view body, std::string_view content_type);

/// The strict envelope from a parsed body: unknown fields, wrong types and a
/// missing selector (when `with_selector`) are INVALID_REQUEST.
Result<RecipeEnvelope> EnvelopeFromValue(const serialize::Value& doc, bool with_selector);

/// Bundle options from the parameters: lists, bools (strconv.ParseBool forms), nodes
/// (0..100000), deployer (helm|helmfile|argocd|argocd-helm|flux), bundlers (comma
/// list). `vendor-charts=true` and `attest=true` are INVALID_REQUEST: this server has
/// no vendoring or signing configured.
Result<bundler::BundleOptions> BundleOptionsFromParams(const Params& params);

/// Criteria strings of a RecipeResult document (`criteria.*`), for the allowlists.
client::CriteriaInput CriteriaOfRecipeDocument(const serialize::Value& doc);

}  // namespace aicr::server
