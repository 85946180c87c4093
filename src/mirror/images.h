#pragma once

/// \file
/// Container image references in Kubernetes YAML: the string value of every `image`
/// key at any depth (containers, initContainers, ephemeralContainers, custom
/// resources such as `spec.driver.image`). Templated leftovers and blanks are skipped.
/// Operator custom resources that spell a reference apart are joined: an `image`
/// without a `/` takes a sibling `repository` as its prefix, and an untagged one a
/// sibling `version` as its tag (`@` for a `sha256:` digest), so
/// `{repository: nvcr.io/nvidia, image: driver, version: "570.1"}` lists
/// `nvcr.io/nvidia/driver:570.1`.

#include <string>
#include <string_view>
#include <vector>

#include "serialize/value.h"

namespace aicr::mirror {

/// Appends every image reference found in `doc` to `images` (unsorted).
void CollectImages(const serialize::Value& doc, std::vector<std::string>* images);

/// Splits a `---` separated YAML stream and collects the images of every document.
/// A document that does not parse is skipped and described in `warnings` as
/// `<label>: document <n>: <error>`; the other documents still count.
void ExtractImagesFromYaml(std::string_view text, std::string_view label,
                           std::vector<std::string>* images, std::vector<std::string>* warnings);

/// Sorts and removes duplicates in place.
void SortUnique(std::vector<std::string>* items);

}  // namespace aicr::mirror
