#pragma once

/// \file
/// `aicr query`: a resolved recipe hydrated into one document (component values
/// fully merged) and a dot-path selector over it.

#include <map>
#include <string>
#include <string_view>

#include "base/result.h"
#include "recipe/result.h"
#include "serialize/value.h"

namespace aicr::recipe {

class Store;

/// The hydrated document: kind, apiVersion, deploymentOrder, metadata {version,
/// appliedOverlays, excludedOverlays, constraintWarnings, gpuDriverState?,
/// selectedProfile {name, value, ownedPaths, advertiser?}?, mariaDBOperatorState?},
/// criteria {service, accelerator, intent, os, platform, nodes}?, configuration?,
/// constraints [{name, value, severity?, remediation?, unit?}]? and components
/// {<name>: {name, type, source, namespace?, chart?, version?, tag?, path?,
/// dependencyRefs?, values?}} where chart is the effective chart of an external Helm
/// chart (else the raw chart if set) and values the fully merged values (omitted
/// when empty). Values files come from `values_files`. INTERNAL
/// `failed to hydrate values for component "x": <cause>`.
Result<serialize::Value> HydrateResult(const RecipeResult& result,
                                       const std::map<std::string, std::string>& values_files);
/// HydrateResult over the store's values files.
Result<serialize::Value> HydrateResult(const Store& store, const RecipeResult& result);

/// The value at `selector` (one leading `.` stripped; empty selects everything),
/// descending through mappings only. NOT_FOUND
/// `selector "<s>": key "<k>" not found, available keys: <sorted, comma-separated>` or
/// `selector "<s>": cannot descend into non-map value at "<part>"`.
Result<serialize::Value> Select(const serialize::Value& hydrated, std::string_view selector);

}  // namespace aicr::recipe
