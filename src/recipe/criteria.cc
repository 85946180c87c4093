#include "recipe/criteria.h"

#include <string>

namespace aicr::recipe {

std::string_view DimensionName(Dimension d) {
  switch (d) {
    case Dimension::kService:
      return "service";
    case Dimension::kAccelerator:
      return "accelerator";
    case Dimension::kIntent:
      return "intent";
    case Dimension::kOs:
      return "os";
    case Dimension::kPlatform:
      return "platform";
  }
  return "";
}

const std::string& Criteria::Get(Dimension d) const {
  switch (d) {
    case Dimension::kService:
      return service;
    case Dimension::kAccelerator:
      return accelerator;
    case Dimension::kIntent:
      return intent;
    case Dimension::kOs:
      return os;
    case Dimension::kPlatform:
      return platform;
  }
  return service;
}

std::string& Criteria::Get(Dimension d) {
  const Criteria& self = *this;
  return const_cast<std::string&>(self.Get(d));  // NOLINT(cppcoreguidelines-pro-type-const-cast)
}

bool IsAny(std::string_view value) { return value.empty() || value == kAny; }

int Criteria::Specificity() const {
  int score = 0;
  for (Dimension d : kDimensions) {
    if (!IsAny(Get(d))) {
      ++score;
    }
  }
  if (nodes != 0) {
    ++score;
  }
  return score;
}

std::string Criteria::ToString() const {
  std::string parts;
  for (Dimension d : kDimensions) {
    const std::string& v = Get(d);
    if (IsAny(v)) {
      continue;
    }
    if (!parts.empty()) {
      parts += ", ";
    }
    parts.append(DimensionName(d));
    parts += "=" + v;
  }
  if (nodes != 0) {
    if (!parts.empty()) {
      parts += ", ";
    }
    parts += "nodes=" + std::to_string(nodes);
  }
  if (parts.empty()) {
    return "criteria(any)";
  }
  return "criteria(" + parts + ")";
}

bool MatchesField(std::string_view recipe_value, std::string_view query_value) {
  if (IsAny(recipe_value)) {
    return true;
  }
  if (IsAny(query_value)) {
    return false;
  }
  return recipe_value == query_value;
}

bool Matches(const Criteria& recipe, const Criteria& query) {
  for (Dimension d : kDimensions) {
    if (!MatchesField(recipe.Get(d), query.Get(d))) {
      return false;
    }
  }
  return true;
}

}  // namespace aicr::recipe
