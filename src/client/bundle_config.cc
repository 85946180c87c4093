#include "client/bundle_config.h"

#include <set>
#include <utility>

#include "base/status_macros.h"
#include "client/config_fields.h"

namespace aicr::client {
namespace {

using config_fields::Bool;
using config_fields::CheckKeys;
using config_fields::List;
using config_fields::Text;
using config_fields::TypeName;
using serialize::Value;

constexpr char kRoot[] = "spec.bundle";

// A string map rendered as sorted `k=v` items.
Result<std::optional<std::vector<std::string>>> Selector(const Value& parent, const char* key,
                                                         const std::string& path) {
  const Value* v = parent.Find(key);
  if (v == nullptr) {
    return std::optional<std::vector<std::string>>();
  }
  std::vector<std::string> out;
  if (v->is_null()) {
    return std::optional<std::vector<std::string>>(std::move(out));
  }
  if (!v->is_mapping()) {
    return InvalidRequestError("config " + path + "." + key + ": expected a mapping, got " +
                               TypeName(*v));
  }
  for (const auto* entry : v->if_mapping()->SortedEntries()) {
    if (!entry->second.is_string()) {
      return InvalidRequestError("config " + path + "." + key + "." + entry->first +
                                 ": expected a string, got " + TypeName(entry->second));
    }
    out.push_back(entry->first + "=" + *entry->second.if_string());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

}  // namespace

Result<BundleConfig> DecodeBundleConfig(const Value& bundle) {
  BundleConfig out;
  if (bundle.is_null()) {
    return out;
  }
  const std::string root = kRoot;
  AICR_RETURN_IF_ERROR(CheckKeys(
      bundle, root, {"input", "output", "deployment", "scheduling", "attestation", "registry"}));
  if (const Value* in = bundle.Find("input"); in != nullptr && !in->is_null()) {
    AICR_RETURN_IF_ERROR(CheckKeys(*in, root + ".input", {"recipe"}));
    AICR_ASSIGN_OR_RETURN(out.input_recipe, Text(*in, "recipe", root + ".input"));
  }
  if (const Value* o = bundle.Find("output"); o != nullptr && !o->is_null()) {
    const std::string p = root + ".output";
    AICR_RETURN_IF_ERROR(CheckKeys(*o, p, {"target", "imageRefs"}));
    AICR_ASSIGN_OR_RETURN(out.output_target, Text(*o, "target", p));
    AICR_ASSIGN_OR_RETURN(out.output_image_refs, Text(*o, "imageRefs", p));
    if (!out.output_image_refs.empty() && out.output_target.rfind("oci://", 0) != 0) {
      return InvalidRequestError("config " + p + ".imageRefs: only valid with an oci:// target");
    }
  }
  if (const Value* d = bundle.Find("deployment"); d != nullptr && !d->is_null()) {
    const std::string p = root + ".deployment";
    AICR_RETURN_IF_ERROR(
        CheckKeys(*d, p, {"deployer", "repo", "set", "dynamic", "vendorCharts", "appName"}));
    AICR_ASSIGN_OR_RETURN(out.deployer, Text(*d, "deployer", p));
    AICR_ASSIGN_OR_RETURN(out.set, List(*d, "set", p));
    AICR_ASSIGN_OR_RETURN(out.dynamic, List(*d, "dynamic", p));
    AICR_ASSIGN_OR_RETURN(out.repo, Text(*d, "repo", p));
    AICR_ASSIGN_OR_RETURN(out.app_name, Text(*d, "appName", p));
    AICR_ASSIGN_OR_RETURN(out.vendor_charts, Bool(*d, "vendorCharts", p));
  }
  if (const Value* s = bundle.Find("scheduling"); s != nullptr && !s->is_null()) {
    const std::string p = root + ".scheduling";
    AICR_RETURN_IF_ERROR(
        CheckKeys(*s, p,
                  {"systemNodeSelector", "systemNodeTolerations", "acceleratedNodeSelector",
                   "acceleratedNodeTolerations", "draEvictionNodeLabel", "workloadGate",
                   "workloadSelector", "nodes", "storageClass", "sharedStorageClass"}));
    AICR_ASSIGN_OR_RETURN(out.system_node_selector, Selector(*s, "systemNodeSelector", p));
    AICR_ASSIGN_OR_RETURN(out.system_node_tolerations, List(*s, "systemNodeTolerations", p));
    AICR_ASSIGN_OR_RETURN(out.accelerated_node_selector,
                          Selector(*s, "acceleratedNodeSelector", p));
    AICR_ASSIGN_OR_RETURN(out.accelerated_node_tolerations,
                          List(*s, "acceleratedNodeTolerations", p));
    AICR_ASSIGN_OR_RETURN(out.workload_selector, Selector(*s, "workloadSelector", p));
    AICR_ASSIGN_OR_RETURN(out.dra_eviction_node_label, Text(*s, "draEvictionNodeLabel", p));
    AICR_ASSIGN_OR_RETURN(out.workload_gate, Text(*s, "workloadGate", p));
    AICR_ASSIGN_OR_RETURN(out.storage_class, Text(*s, "storageClass", p));
    AICR_ASSIGN_OR_RETURN(out.shared_storage_class, Text(*s, "sharedStorageClass", p));
    if (const Value* n = s->Find("nodes"); n != nullptr && !n->is_null()) {
      if (!n->is_int()) {
        return InvalidRequestError("config " + p + ".nodes: expected an integer, got " +
                                   TypeName(*n));
      }
      out.nodes = *n->if_int();
    }
  }
  if (const Value* a = bundle.Find("attestation"); a != nullptr && !a->is_null()) {
    const std::string p = root + ".attestation";
    AICR_RETURN_IF_ERROR(CheckKeys(*a, p,
                                   {"enabled", "certificateIdentityRegexp", "oidcDeviceFlow",
                                    "fulcioURL", "rekorURL", "signingKey"}));
    AICR_ASSIGN_OR_RETURN(out.attestation_enabled, Bool(*a, "enabled", p));
    AICR_ASSIGN_OR_RETURN(out.certificate_identity_regexp,
                          Text(*a, "certificateIdentityRegexp", p));
    AICR_ASSIGN_OR_RETURN(out.oidc_device_flow, Bool(*a, "oidcDeviceFlow", p));
    AICR_ASSIGN_OR_RETURN(out.fulcio_url, Text(*a, "fulcioURL", p));
    AICR_ASSIGN_OR_RETURN(out.rekor_url, Text(*a, "rekorURL", p));
    AICR_ASSIGN_OR_RETURN(out.signing_key, Text(*a, "signingKey", p));
  }
  if (const Value* r = bundle.Find("registry"); r != nullptr && !r->is_null()) {
    const std::string p = root + ".registry";
    AICR_RETURN_IF_ERROR(CheckKeys(*r, p, {"insecureTLS", "plainHTTP"}));
    AICR_ASSIGN_OR_RETURN(out.insecure_tls, Bool(*r, "insecureTLS", p));
    AICR_ASSIGN_OR_RETURN(out.plain_http, Bool(*r, "plainHTTP", p));
  }
  return out;
}

}  // namespace aicr::client
