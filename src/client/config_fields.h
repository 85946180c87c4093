#pragma once

/// \file
/// Typed readers for the sections of an AICRConfig file (`spec.snapshot`,
/// `spec.bundle`): each names the spec path of a bad field in its error.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/status.h"
#include "serialize/value.h"

namespace aicr::client::config_fields {

/// The YAML type name of `v` (for error messages).
std::string TypeName(const serialize::Value& v);

/// INVALID_REQUEST unless `v` is a mapping whose keys are all in `allowed`.
Status CheckKeys(const serialize::Value& v, const std::string& path,
                 const std::set<std::string>& allowed);

/// A string field; "" when absent or null.
Result<std::string> Text(const serialize::Value& parent, const char* key, const std::string& path);

/// A boolean field; nullopt when absent or null (tri-state).
Result<std::optional<bool>> Bool(const serialize::Value& parent, const char* key,
                                 const std::string& path);

/// A list of strings; nullopt when absent, empty when null (an explicit clear).
Result<std::optional<std::vector<std::string>>> List(const serialize::Value& parent,
                                                     const char* key, const std::string& path);

/// A mapping of scalars (numbers and bools as their YAML text); nullopt when
/// absent, empty when null (an explicit clear).
Result<std::optional<std::map<std::string, std::string>>> StringMap(const serialize::Value& parent,
                                                                    const char* key,
                                                                    const std::string& path);

}  // namespace aicr::client::config_fields
