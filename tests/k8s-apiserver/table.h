#pragma once

/// \file
/// meta.k8s.io/v1 Table rendering for `kubectl get` (Accept: ...;as=Table;...).

#include <nlohmann/json.hpp>
#include <string>

#include "tests/k8s-apiserver/registry.h"

namespace aicr::testing::apiserver {

/// Whether an Accept header asks for a Table.
bool WantsTable(const std::string& accept);

/// A Table of `objects` (a list's items or one object); `include_object` is the
/// includeObject query value ("None", "Object", default "Metadata").
nlohmann::json RenderTable(const ResourceInfo& info, const nlohmann::json& objects,
                           const std::string& include_object, const nlohmann::json& list_meta);

}  // namespace aicr::testing::apiserver
