#pragma once

/// \file
/// Minimal redaction of evidence payloads (policy `minimal`, version `v1`), the
/// default for published evidence; `--full` skips it.
///
/// Snapshot: the `source-node` header is dropped and measurements pass a
/// fail-closed allowlist: `K8s.server` (whole), `K8s.node` (only the data keys
/// provider, kubelet-version, kernel-version, operating-system, os-image,
/// container-runtime-name, container-runtime-version), `GPU.hardware`,
/// `OS.release` and `NodeTopology.summary` (whole). Everything else is dropped;
/// subtypes and measurements left empty are removed; the fingerprint is kept.
/// CTRF: every test loses its `message` and `stdout`; name, status, duration,
/// suite, extra (counts and enum codes only, by construction) and the summary stay.

#include <string>
#include <string_view>
#include <vector>

#include "measurement/snapshot.h"
#include "serialize/value.h"
#include "validator/ctrf.h"

namespace aicr::evidence {

inline constexpr std::string_view kRedactionPolicy = "minimal";
inline constexpr std::string_view kRedactionVersion = "v1";
inline constexpr std::string_view kRuleDropSourceNode = "snapshot.header.drop:source-node";
inline constexpr std::string_view kRuleMeasurementAllowlist = "snapshot.measurements.allowlist";
inline constexpr std::string_view kRuleOmitMessage = "ctrf.tests.omit:message";
inline constexpr std::string_view kRuleOmitStdout = "ctrf.tests.omit:stdout";

/// The predicate's `redaction` block.
struct RedactionRecord {
  std::string policy = std::string(kRedactionPolicy);
  std::string version = std::string(kRedactionVersion);
  /// The rule ids of the policy, sorted.
  std::vector<std::string> applied;
};

/// The record of the minimal policy (all four rules, sorted).
RedactionRecord MinimalRedaction();

/// `{policy, version, applied}`.
serialize::Value ToValue(const RedactionRecord& record);

/// `snapshot` after the snapshot rules (see the file comment).
measurement::Snapshot RedactSnapshot(const measurement::Snapshot& snapshot);

/// `report` without any test's message or stdout.
validator::ctrf::Report RedactReport(const validator::ctrf::Report& report);

}  // namespace aicr::evidence
