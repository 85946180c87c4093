#pragma once

/// \file
/// YAML (seed files, apply-patch+yaml bodies) to JSON.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace aicr::testing::apiserver {

/// Parses every document of `text` (JSON is YAML); false with `err` on a
/// syntax error. Empty documents are skipped.
bool ParseYamlDocuments(const std::string& text, std::vector<nlohmann::json>* out,
                        std::string* err);

}  // namespace aicr::testing::apiserver
