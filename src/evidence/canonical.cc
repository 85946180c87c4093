#include "evidence/canonical.h"

#include "base/status_macros.h"
#include "checksum/sha256.h"
#include "recipe/criteria.h"
#include "serialize/yaml_reader.h"
#include "serialize/yaml_writer.h"

namespace aicr::evidence {

Result<std::string> CanonicalRecipeYaml(std::string_view yaml) {
  Result<serialize::Value> doc = serialize::ParseYaml(yaml);
  if (!doc.ok()) {
    return doc.status().WithContext("recipe");
  }
  if (!doc->is_mapping()) {
    return InvalidRequestError("recipe: expected a mapping document, got " +
                               std::string(serialize::ValueTypeName(doc->type())));
  }
  return serialize::WriteYaml(*doc);
}

Result<std::string> RecipeDigestHex(std::string_view yaml) {
  AICR_ASSIGN_OR_RETURN(const std::string canonical, CanonicalRecipeYaml(yaml));
  return checksum::Sha256Hex(canonical);
}

std::string RecipeName(const recipe::RecipeResult& r) {
  if (!r.criteria.has_value()) {
    return "recipe";
  }
  const recipe::Criteria& c = *r.criteria;
  std::string name;
  for (const std::string* v : {&c.accelerator, &c.service, &c.os, &c.intent, &c.platform}) {
    if (recipe::IsAny(*v)) {
      continue;
    }
    if (!name.empty()) {
      name += '-';
    }
    name += *v;
  }
  return name.empty() ? "recipe" : name;
}

}  // namespace aicr::evidence
