#pragma once

/// \file
/// Simplified server-side apply and managedFields bookkeeping.
///
/// Ownership is tracked per leaf field (maps are walked, lists and scalars are
/// leaves) and stored in metadata.managedFields as FieldsV1, one entry per
/// (manager, operation). Apply merges the applied maps into the live object,
/// conflicts (409) when another manager owns a leaf the apply sets to a
/// different value (unless force, which takes the field over), and removes
/// leaves the manager applied before but no longer applies and nobody else owns.
/// Non-apply writes (create, update, patch) make their manager the owner of the
/// leaves they changed.

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace aicr::testing::apiserver {

using FieldPath = std::vector<std::string>;
using FieldSet = std::set<FieldPath>;

/// The leaf fields of `obj` a manager can own (identity and system metadata and
/// status excluded).
FieldSet LeafFields(const nlohmann::json& obj);
/// FieldsV1 encoding ({"f:data":{"f:key":{}}}) of `fields`, and back.
nlohmann::json EncodeFieldsV1(const FieldSet& fields);
FieldSet DecodeFieldsV1(const nlohmann::json& v1);
/// `base` with `overlay`'s maps merged in recursively (lists and scalars replace).
nlohmann::json DeepMerge(nlohmann::json base, const nlohmann::json& overlay);

/// The outcome of ServerSideApply.
struct ApplyOutcome {
  bool ok = true;
  std::vector<std::pair<std::string, FieldPath>> conflicts;  ///< (manager, field)
  nlohmann::json object;                                     ///< merged object when ok
};

/// Applies `applied` over `live` (null when the object does not exist yet) as
/// `manager`; `now` is the managedFields time.
ApplyOutcome ServerSideApply(const nlohmann::json& live, const nlohmann::json& applied,
                             const std::string& manager, bool force, const std::string& now);

/// Records a non-apply write of `updated` (replacing `old`, null on create) by `manager`.
void RecordUpdate(const nlohmann::json& old, nlohmann::json* updated, const std::string& manager,
                  const std::string& now);

/// The real server's message for apply conflicts.
std::string ConflictMessage(const std::vector<std::pair<std::string, FieldPath>>& conflicts);
/// ".data.key".
std::string PathString(const FieldPath& p);

}  // namespace aicr::testing::apiserver
