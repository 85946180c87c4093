#include "evidence/redact.h"

#include <algorithm>
#include <set>
#include <utility>

namespace aicr::evidence {
namespace {

// Subtypes kept whole, by measurement type.
bool KeepWhole(std::string_view type, std::string_view subtype) {
  return (type == "K8s" && subtype == "server") || (type == "GPU" && subtype == "hardware") ||
         (type == "OS" && subtype == "release") || (type == "NodeTopology" && subtype == "summary");
}

const std::set<std::string, std::less<>>& NodeKeys() {
  static const std::set<std::string, std::less<>> kKeys = {"container-runtime-name",
                                                           "container-runtime-version",
                                                           "kernel-version",
                                                           "kubelet-version",
                                                           "operating-system",
                                                           "os-image",
                                                           "provider"};
  return kKeys;
}

}  // namespace

RedactionRecord MinimalRedaction() {
  RedactionRecord r;
  r.applied = {std::string(kRuleOmitMessage), std::string(kRuleOmitStdout),
               std::string(kRuleDropSourceNode), std::string(kRuleMeasurementAllowlist)};
  std::sort(r.applied.begin(), r.applied.end());
  return r;
}

serialize::Value ToValue(const RedactionRecord& record) {
  serialize::Value v = serialize::Value::EmptyMapping();
  v.Set("policy", record.policy);
  v.Set("version", record.version);
  serialize::Value applied = serialize::Value::EmptySequence();
  for (const std::string& a : record.applied) {
    applied.Append(a);
  }
  v.Set("applied", std::move(applied));
  return v;
}

measurement::Snapshot RedactSnapshot(const measurement::Snapshot& snapshot) {
  measurement::Snapshot out;
  out.kind = snapshot.kind;
  out.api_version = snapshot.api_version;
  out.metadata = snapshot.metadata;
  out.metadata.erase("source-node");
  out.fingerprint = snapshot.fingerprint;
  for (const measurement::Measurement& m : snapshot.measurements) {
    measurement::Measurement kept{m.type, {}};
    for (const measurement::Subtype& s : m.subtypes) {
      if (KeepWhole(m.type, s.name)) {
        if (!s.data.empty() || !s.context.empty() || !s.items.empty()) {
          kept.subtypes.push_back(s);
        }
        continue;
      }
      if (m.type == "K8s" && s.name == "node") {
        measurement::Subtype node;
        node.name = s.name;
        for (const auto& [key, reading] : s.data) {
          if (NodeKeys().count(key) > 0) {
            node.data.emplace(key, reading);
          }
        }
        if (!node.data.empty()) {
          kept.subtypes.push_back(std::move(node));
        }
      }
    }
    if (!kept.subtypes.empty()) {
      out.measurements.push_back(std::move(kept));
    }
  }
  return out;
}

validator::ctrf::Report RedactReport(const validator::ctrf::Report& report) {
  validator::ctrf::Report out = report;
  for (validator::ctrf::TestResult& t : out.tests) {
    t.message.clear();
    t.stdout_lines.clear();
  }
  return out;
}

}  // namespace aicr::evidence
