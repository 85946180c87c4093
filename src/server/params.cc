#include "server/params.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "base/status_macros.h"
#include "base/strings.h"
#include "serialize/json_reader.h"
#include "serialize/yaml_reader.h"

namespace aicr::server {
namespace {

Result<std::string> Decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+') {
      c = ' ';
    } else if (c == '%') {
      const int hi = i + 1 < s.size() ? HexDigitValue(s[i + 1]) : -1;
      const int lo = i + 2 < s.size() ? HexDigitValue(s[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return InvalidRequestError("malformed query string: invalid escape in " +
                                   Quote(std::string(s)));
      }
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (c == '\0') {
      return InvalidRequestError("malformed query string: NUL byte");
    }
    out += c;
  }
  return out;
}

const ParamSpec* FindSpec(const std::vector<ParamSpec>& specs, std::string_view name) {
  for (const ParamSpec& s : specs) {
    if (s.name == name || std::find(s.aliases.begin(), s.aliases.end(), name) != s.aliases.end()) {
      return &s;
    }
  }
  return nullptr;
}

Result<std::optional<std::int64_t>> ParseNodes(const std::optional<std::string>& text) {
  if (!text.has_value() || text->empty()) {
    return std::optional<std::int64_t>();
  }
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size() || v < 0 || v > 100000) {
    return InvalidRequestError("invalid nodes value \"" + *text +
                               "\": want an integer from 0 to 100000");
  }
  return std::optional<std::int64_t>(v);
}

Result<bool> ParseBool(std::string_view name, const std::optional<std::string>& text) {
  if (!text.has_value()) {
    return false;
  }
  static const std::vector<std::string> kTrue = {"1", "t", "T", "TRUE", "true", "True"};
  static const std::vector<std::string> kFalse = {"0", "f", "F", "FALSE", "false", "False"};
  if (std::find(kTrue.begin(), kTrue.end(), *text) != kTrue.end()) {
    return true;
  }
  if (std::find(kFalse.begin(), kFalse.end(), *text) != kFalse.end()) {
    return false;
  }
  return InvalidRequestError("invalid boolean \"" + *text + "\" for query parameter \"" +
                             std::string(name) + "\"");
}

std::vector<ParamSpec> CriteriaSpecs() {
  return {
      {.name = "service"},  {.name = "accelerator", .aliases = {"gpu"}},
      {.name = "intent"},   {.name = "os"},
      {.name = "platform"}, {.name = "nodes"},
  };
}

Status RejectUnsupported(const Params& params) {
  for (const char* name : {"slurmAccountingMode", "gkeTcpxoInterfaces"}) {
    if (params.Get(name).has_value()) {
      return InvalidRequestError(std::string("query parameter \"") + name +
                                 "\" is not supported by this server build");
    }
  }
  return OkStatus();
}

}  // namespace

Result<std::vector<QueryParam>> ParseQueryString(std::string_view raw) {
  std::vector<QueryParam> out;
  std::size_t start = 0;
  while (start <= raw.size()) {
    std::size_t amp = raw.find('&', start);
    if (amp == std::string_view::npos) {
      amp = raw.size();
    }
    const std::string_view part = raw.substr(start, amp - start);
    start = amp + 1;
    if (part.empty()) {
      continue;
    }
    const std::size_t eq = part.find('=');
    AICR_ASSIGN_OR_RETURN(std::string name, Decode(part.substr(0, eq)));
    std::string value;
    if (eq != std::string_view::npos) {
      AICR_ASSIGN_OR_RETURN(value, Decode(part.substr(eq + 1)));
    }
    if (name.empty()) {
      return InvalidRequestError("malformed query string: empty parameter name");
    }
    out.push_back(QueryParam{std::move(name), std::move(value)});
  }
  return out;
}

Result<Params> Params::Make(const std::vector<QueryParam>& raw,
                            const std::vector<ParamSpec>& specs) {
  Params p;
  for (const QueryParam& q : raw) {
    const ParamSpec* spec = FindSpec(specs, q.name);
    if (spec == nullptr) {
      std::vector<std::string> names;
      for (const ParamSpec& s : specs) {
        names.push_back(s.name);
        names.insert(names.end(), s.aliases.begin(), s.aliases.end());
      }
      std::sort(names.begin(), names.end());
      return InvalidRequestError("unknown query parameter " + Quote(q.name) +
                                 " (accepted: " + Join(names, ", ") + ")");
    }
    if (!spec->repeatable) {
      const std::optional<std::string> prior = p.Get(spec->name);
      if (prior.has_value()) {
        if (*prior != q.value) {
          return InvalidRequestError("conflicting values for query parameter " + Quote(spec->name) +
                                     ": " + Quote(*prior) + " and " + Quote(q.value));
        }
        continue;
      }
    }
    p.values_.push_back(QueryParam{spec->name, q.value});
  }
  return p;
}

std::optional<std::string> Params::Get(std::string_view name) const {
  for (const QueryParam& q : values_) {
    if (q.name == name) {
      return q.value;
    }
  }
  return std::nullopt;
}

std::vector<std::string> Params::GetAll(std::string_view name) const {
  std::vector<std::string> out;
  for (const QueryParam& q : values_) {
    if (q.name == name) {
      out.push_back(q.value);
    }
  }
  return out;
}

bool Params::Has(std::string_view name) const { return Get(name).has_value(); }

std::vector<ParamSpec> RecipeParamSpecs() {
  std::vector<ParamSpec> specs = CriteriaSpecs();
  for (const ParamSpec& s : PostParamSpecs()) {
    specs.push_back(s);
  }
  return specs;
}

std::vector<ParamSpec> QueryParamSpecs() {
  std::vector<ParamSpec> specs = RecipeParamSpecs();
  specs.push_back({.name = "selector"});
  return specs;
}

std::vector<ParamSpec> PostParamSpecs() {
  return {{.name = "profile"}, {.name = "slurmAccountingMode"}, {.name = "gkeTcpxoInterfaces"}};
}

std::vector<ParamSpec> BundleParamSpecs() {
  std::vector<ParamSpec> specs;
  for (const char* name :
       {"set", "dynamic", "system-node-selector", "system-node-toleration",
        "accelerated-node-selector", "accelerated-node-toleration", "workload-selector"}) {
    specs.push_back({.name = name, .repeatable = true});
  }
  for (const char* name :
       {"bundlers", "deployer", "repo", "app-name", "workload-gate", "nodes",
        "dra-eviction-node-label", "storage-class", "shared-storage-class", "readiness-hooks",
        "serial", "vendor-charts", "attest", "flux-namespace", "flux-oci-source-name"}) {
    specs.push_back({.name = name});
  }
  return specs;
}

Result<client::RecipeRequest> RecipeRequestFromParams(const Params& params) {
  AICR_RETURN_IF_ERROR(RejectUnsupported(params));
  client::RecipeRequest req;
  auto take = [&](const char* name, std::optional<std::string>& field) {
    std::optional<std::string> v = params.Get(name);
    if (v.has_value() && !v->empty()) {
      field = std::move(v);
    }
  };
  take("service", req.criteria.service);
  take("accelerator", req.criteria.accelerator);
  take("intent", req.criteria.intent);
  take("os", req.criteria.os);
  take("platform", req.criteria.platform);
  AICR_ASSIGN_OR_RETURN(req.criteria.nodes, ParseNodes(params.Get("nodes")));
  req.profile = params.Get("profile").value_or("");
  return req;
}

std::string MediaType(std::string_view content_type) {
  const std::size_t semi = content_type.find(';');
  std::string out(Trim(content_type.substr(0, semi)));
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

Result<serialize::Value> ParseBody(std::string_view body, std::string_view content_type) {
  const std::string media = MediaType(content_type);
  serialize::ParseOptions opts;
  opts.max_bytes = body.size() + 1;
  opts.max_depth = 64;
  if (media.empty() || media == "application/json") {
    Result<serialize::Value> v = serialize::ParseJson(body, opts);
    if (!v.ok()) {
      return v.status().WithContext("request body");
    }
    return v;
  }
  if (media == "application/x-yaml" || media == "application/yaml" || media == "text/yaml") {
    opts.max_nodes = 200000;
    Result<serialize::Value> v = serialize::ParseYaml(body, opts);
    if (!v.ok()) {
      return v.status().WithContext("request body");
    }
    return v;
  }
  return InvalidRequestError("unsupported Content-Type " + Quote(media) +
                             " (want application/json or application/x-yaml)");
}

Result<RecipeEnvelope> EnvelopeFromValue(const serialize::Value& doc, bool with_selector) {
  const serialize::Mapping* root = doc.if_mapping();
  if (root == nullptr) {
    return InvalidRequestError("request body: want an object with criteria");
  }
  RecipeEnvelope env;
  for (const auto& [key, value] : *root) {
    if (key == "criteria") {
      if (value.is_null()) {
        continue;
      }
      const serialize::Mapping* crit = value.if_mapping();
      if (crit == nullptr) {
        return InvalidRequestError("request body: criteria must be an object");
      }
      for (const auto& [dim, v] : *crit) {
        if (dim == "nodes") {
          if (const std::int64_t* n = v.if_int()) {
            if (*n < 0 || *n > 100000) {
              return InvalidRequestError("request body: criteria.nodes must be from 0 to 100000");
            }
            env.request.criteria.nodes = *n;
            continue;
          }
          if (v.is_null()) {
            continue;
          }
          return InvalidRequestError("request body: criteria.nodes must be an integer");
        }
        std::optional<std::string>* field = nullptr;
        if (dim == "service") {
          field = &env.request.criteria.service;
        } else if (dim == "accelerator") {
          field = &env.request.criteria.accelerator;
        } else if (dim == "intent") {
          field = &env.request.criteria.intent;
        } else if (dim == "os") {
          field = &env.request.criteria.os;
        } else if (dim == "platform") {
          field = &env.request.criteria.platform;
        } else {
          return InvalidRequestError("request body: unknown field " + Quote("criteria." + dim));
        }
        if (v.is_null()) {
          continue;
        }
        const std::string* s = v.if_string();
        if (s == nullptr) {
          return InvalidRequestError("request body: criteria." + dim + " must be a string");
        }
        if (!s->empty()) {
          *field = *s;
        }
      }
    } else if (key == "profile") {
      const std::string* s = value.if_string();
      if (s == nullptr && !value.is_null()) {
        return InvalidRequestError("request body: profile must be a string");
      }
      env.request.profile = s != nullptr ? *s : "";
    } else if (key == "selector" && with_selector) {
      const std::string* s = value.if_string();
      if (s == nullptr && !value.is_null()) {
        return InvalidRequestError("request body: selector must be a string");
      }
      env.selector = s != nullptr ? *s : "";
    } else {
      return InvalidRequestError("request body: unknown field " + Quote(key));
    }
  }
  if (with_selector && !env.selector.has_value()) {
    return InvalidRequestError("request body: selector is required");
  }
  return env;
}

Result<bundler::BundleOptions> BundleOptionsFromParams(const Params& params) {
  bundler::BundleOptions o;
  o.deployer = params.Get("deployer").value_or("helm");
  static const std::vector<std::string> kDeployers = {"argocd", "argocd-helm", "flux", "helm",
                                                      "helmfile"};
  if (std::find(kDeployers.begin(), kDeployers.end(), o.deployer) == kDeployers.end()) {
    return InvalidRequestError("invalid deployer " + Quote(o.deployer) +
                               " (valid: " + Join(kDeployers, ", ") + ")");
  }
  o.set = params.GetAll("set");
  o.dynamic = params.GetAll("dynamic");
  o.system_node_selectors = params.GetAll("system-node-selector");
  o.system_node_tolerations = params.GetAll("system-node-toleration");
  o.accelerated_node_selectors = params.GetAll("accelerated-node-selector");
  o.accelerated_node_tolerations = params.GetAll("accelerated-node-toleration");
  o.workload_selectors = params.GetAll("workload-selector");
  if (std::optional<std::string> b = params.Get("bundlers")) {
    std::string_view rest = *b;
    while (!rest.empty()) {
      const std::size_t comma = std::min(rest.find(','), rest.size());
      const std::string name(Trim(rest.substr(0, comma)));
      if (!name.empty()) {
        o.bundlers.push_back(name);
      }
      rest.remove_prefix(std::min(comma + 1, rest.size()));
    }
  }
  AICR_ASSIGN_OR_RETURN(const std::optional<std::int64_t> nodes, ParseNodes(params.Get("nodes")));
  o.nodes = static_cast<int>(nodes.value_or(0));
  struct Text {
    const char* name;
    std::string* field;
  };
  for (const Text& t : {Text{"repo", &o.repo}, Text{"app-name", &o.app_name},
                        Text{"workload-gate", &o.workload_gate},
                        Text{"dra-eviction-node-label", &o.dra_eviction_node_label},
                        Text{"storage-class", &o.storage_class},
                        Text{"shared-storage-class", &o.shared_storage_class},
                        Text{"flux-namespace", &o.flux_namespace},
                        Text{"flux-oci-source-name", &o.flux_oci_source_name}}) {
    if (std::optional<std::string> v = params.Get(t.name)) {
      if (Trim(*v).empty()) {
        return InvalidRequestError(std::string("query parameter \"") + t.name +
                                   "\" must not be blank");
      }
      *t.field = *v;
    }
  }
  if (o.app_name.size() > 253) {
    return InvalidRequestError("query parameter \"app-name\" exceeds 253 characters");
  }
  AICR_ASSIGN_OR_RETURN(o.readiness_hooks,
                        ParseBool("readiness-hooks", params.Get("readiness-hooks")));
  AICR_ASSIGN_OR_RETURN(o.serial, ParseBool("serial", params.Get("serial")));
  AICR_ASSIGN_OR_RETURN(const bool vendor, ParseBool("vendor-charts", params.Get("vendor-charts")));
  if (vendor) {
    return InvalidRequestError("vendor-charts=true is not enabled on this server");
  }
  AICR_ASSIGN_OR_RETURN(const bool attest, ParseBool("attest", params.Get("attest")));
  if (attest) {
    return InvalidRequestError("Server is not configured for attestation");
  }
  return o;
}

client::CriteriaInput CriteriaOfRecipeDocument(const serialize::Value& doc) {
  client::CriteriaInput in;
  const serialize::Value* crit = doc.Find("criteria");
  if (crit == nullptr || !crit->is_mapping()) {
    return in;
  }
  auto take = [&](const char* key, std::optional<std::string>& field) {
    const serialize::Value* v = crit->Find(key);
    if (v != nullptr && v->is_string() && !v->if_string()->empty()) {
      field = *v->if_string();
    }
  };
  take("service", in.service);
  take("accelerator", in.accelerator);
  take("intent", in.intent);
  take("os", in.os);
  return in;
}

}  // namespace aicr::server
