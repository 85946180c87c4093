#include "recipe/criteria_registry.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <set>
#include <string>

#include "base/log.h"

namespace aicr::recipe {
namespace {

std::string Normalize(std::string_view raw) {
  std::size_t begin = 0;
  std::size_t end = raw.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(raw[begin])) != 0) {
    ++begin;
  }
  while (end > begin && std::isspace(static_cast<unsigned char>(raw[end - 1])) != 0) {
    --end;
  }
  std::string out(raw.substr(begin, end - begin));
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// Aliases per dimension; the canonical value "any" means the wildcard.
std::string ApplyAlias(Dimension d, const std::string& v) {
  if (d == Dimension::kService) {
    if (v == "self-managed" || v == "self" || v == "vanilla") {
      return std::string(kAny);
    }
    if (v == "openshift") {
      return "ocp";
    }
  }
  if (d == Dimension::kOs && (v == "al2" || v == "al2023")) {
    return "amazonlinux";
  }
  return v;
}

}  // namespace

void CriteriaRegistry::Add(Dimension d, std::string_view value, ValueOrigin origin) {
  const std::string v = Normalize(value);
  if (IsAny(v)) {
    return;
  }
  auto& values = values_[d];
  auto it = values.find(v);
  if (it == values.end()) {
    values.emplace(v, origin);
  } else if (origin == ValueOrigin::kEmbedded) {
    it->second = ValueOrigin::kEmbedded;  // never downgraded to external
  }
}

bool CriteriaRegistry::Has(Dimension d, std::string_view value, bool strict) const {
  const auto dim = values_.find(d);
  if (dim == values_.end()) {
    return false;
  }
  const auto it = dim->second.find(Normalize(value));
  if (it == dim->second.end()) {
    return false;
  }
  return !strict || it->second == ValueOrigin::kEmbedded;
}

std::vector<std::string> CriteriaRegistry::Values(Dimension d, bool strict) const {
  std::vector<std::string> out;
  const auto dim = values_.find(d);
  if (dim == values_.end()) {
    return out;
  }
  for (const auto& [v, origin] : dim->second) {
    if (!strict || origin == ValueOrigin::kEmbedded) {
      out.push_back(v);
    }
  }
  return out;  // std::map keeps them sorted
}

bool CriteriaStrictFromEnv() {
  const char* v = std::getenv("AICR_CRITERIA_STRICT");
  return v != nullptr && log::EnvTruthy(v);
}

const std::vector<std::string>& BuiltinValues(Dimension d) {
  static const std::vector<std::string> kService = {"aks", "bcm",    "eks", "gke", "kind",
                                                    "lke", "metal3", "ocp", "oke"};
  static const std::vector<std::string> kAccelerator = {
      "a100", "b200", "gb200", "gb300", "h100", "h200", "l40", "l40s", "rtx-pro-6000"};
  static const std::vector<std::string> kIntent = {"inference", "training"};
  static const std::vector<std::string> kOs = {"amazonlinux", "cos",   "ol",    "rhel",
                                               "sles",        "talos", "ubuntu"};
  static const std::vector<std::string> kPlatform = {"dynamo", "kubeflow", "nim", "runai", "slurm"};
  switch (d) {
    case Dimension::kService:
      return kService;
    case Dimension::kAccelerator:
      return kAccelerator;
    case Dimension::kIntent:
      return kIntent;
    case Dimension::kOs:
      return kOs;
    case Dimension::kPlatform:
      return kPlatform;
  }
  return kService;
}

std::vector<std::string> AllValues(Dimension d, const CriteriaRegistry* registry, bool strict) {
  std::set<std::string> all(BuiltinValues(d).begin(), BuiltinValues(d).end());
  if (registry != nullptr) {
    for (std::string& v : registry->Values(d, strict)) {
      all.insert(std::move(v));
    }
  }
  return {all.begin(), all.end()};
}

Result<std::string> ParseCriteriaValue(Dimension d, std::string_view raw,
                                       const CriteriaRegistry* registry, bool strict) {
  const std::string v = ApplyAlias(d, Normalize(raw));
  if (IsAny(v)) {
    return std::string(kAny);
  }
  const std::vector<std::string>& builtin = BuiltinValues(d);
  if (std::binary_search(builtin.begin(), builtin.end(), v)) {
    return v;
  }
  if (registry != nullptr && registry->Has(d, v, strict)) {
    return v;
  }
  std::string msg = "invalid ";
  msg.append(DimensionName(d));
  msg += " type: ";
  msg.append(raw);
  return InvalidRequestError(std::move(msg));
}

}  // namespace aicr::recipe
