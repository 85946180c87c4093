#pragma once

/// \file
/// The `--config` file (`kind: AICRConfig`, `apiVersion: aicr.run/v1beta1`): one
/// document with a section per command. Command-line flags always win over it.
/// This decodes the envelope and `spec.recipe`; the other sections are kept as
/// documents for the commands that read them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "serialize/input.h"
#include "serialize/value.h"

namespace aicr::client {

inline constexpr std::string_view kConfigKind = "AICRConfig";
inline constexpr std::string_view kConfigApiVersion = "aicr.run/v1beta1";

struct RecipeConfig {
  struct Criteria {
    std::string service, accelerator, intent, os, platform;
    std::optional<std::int64_t> nodes;
  };
  std::optional<Criteria> criteria;
  std::string profile;
  std::string slurm_accounting_mode;  ///< configuration.slurm.accounting.mode
  std::string input_snapshot;         ///< input.snapshot
  std::string output_path;            ///< output.path
  std::string output_format;          ///< output.format
  std::string data;
  std::optional<bool> criteria_strict;  ///< tri-state: absent means the CLI default
};

struct AicrConfig {
  std::string name;  ///< metadata.name (optional)
  std::optional<RecipeConfig> recipe;
  /// The raw sections, present or null.
  serialize::Value snapshot, bundle, validate, verify;
};

/// Decodes an AICRConfig document. INVALID_REQUEST naming the spec path for an
/// unknown field, a wrong type or an invalid combination (e.g.
/// `spec.recipe: criteria and input.snapshot are mutually exclusive`).
Result<AicrConfig> DecodeConfig(const serialize::Value& doc);

/// Reads `source` (file or http(s) URL; `cm://` is rejected) with a 1 MiB cap,
/// parses it as JSON when the path ends in `.json`, YAML otherwise, and decodes it.
Result<AicrConfig> LoadConfig(std::string_view source, const serialize::InputOptions& input);

}  // namespace aicr::client
