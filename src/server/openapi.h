#pragma once

/// \file
/// The OpenAPI 3.1 description of aicrd (src/server/openapi.yaml), compiled in.

#include <string_view>

namespace aicr::server {

/// The document served at /openapi.yaml.
std::string_view OpenApiYaml();

}  // namespace aicr::server
