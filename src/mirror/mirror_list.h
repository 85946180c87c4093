#pragma once

/// \file
/// The air-gap inventory of a recipe (`aicr mirror list`): every container image
/// and Helm chart its enabled components need, with a per-component breakdown.

#include <string>
#include <vector>

namespace aicr::mirror {

/// A Helm chart a recipe installs.
struct ChartRef {
  std::string name;        ///< the component that installs it
  std::string repository;  ///< https:// repository or oci:// location
  std::string chart;
  std::string version;
  std::string namespace_;
  friend bool operator==(const ChartRef&, const ChartRef&) = default;
};

/// The images one component needs, and what kept discovery from being complete.
struct ComponentImages {
  std::string component;
  std::string type;                   ///< `helm` or `kustomize`
  std::vector<std::string> images;    ///< sorted, deduplicated
  std::vector<std::string> warnings;  ///< non-fatal discovery failures, in the order met
  friend bool operator==(const ComponentImages&, const ComponentImages&) = default;
};

struct MirrorList {
  std::vector<std::string> images;          ///< every component's images, sorted and deduplicated
  std::vector<ChartRef> charts;             ///< in deployment order
  std::vector<ComponentImages> components;  ///< in deployment order
  std::string recipe_version;               ///< the aicr version that produced the recipe
  std::string criteria;                     ///< the recipe's criteria as text
  friend bool operator==(const MirrorList&, const MirrorList&) = default;
};

}  // namespace aicr::mirror
