#pragma once

/// \file
/// Environment lookups as a value, so code that reads settings from the
/// environment can be given a fake one in tests.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace aicr {

/// Looks an environment variable up; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

/// The process environment (getenv).
EnvLookup ProcessEnv();

}  // namespace aicr
