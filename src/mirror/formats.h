#pragma once

/// \file
/// The output formats of `aicr mirror list`:
/// - `yaml` / `json`: `{images, charts[{name, repository, chart, version, namespace?}],
///   components[{component, type, images, warnings?}], metadata{recipeVersion?,
///   criteria?}}`;
/// - `hauler`: a `content.hauler.cattle.io/v1` manifest, an `Images` document
///   (`aicr-images`) and, when there are charts, a `Charts` document (`aicr-charts`,
///   `spec.charts[{name, repoURL, version}]`), for `hauler store sync -f`;
/// - `zarf`: a `ZarfPackageConfig` (`metadata{name: aicr, version: 0.0.1}`) with one
///   required component `aicr-images` holding `images` and
///   `charts[{name, url, version, namespace?}]`, for `zarf package create`.
/// Output depends only on the list: keys in a fixed order, lists as discovered.

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "mirror/mirror_list.h"
#include "serialize/value.h"

namespace aicr::mirror {

/// `yaml`, `json`, `hauler`, `zarf`.
const std::vector<std::string>& SupportedFormats();

/// The yaml/json document.
serialize::Value ToValue(const MirrorList& list);
/// The Hauler documents (Images, then Charts when there are any).
std::vector<serialize::Value> HaulerDocuments(const MirrorList& list);
/// The Zarf package config.
serialize::Value ZarfPackage(const MirrorList& list);

/// Renders `list` in `format`. INVALID_REQUEST `unknown output format "x"` naming
/// the supported ones.
Result<std::string> Render(const MirrorList& list, std::string_view format);

}  // namespace aicr::mirror
