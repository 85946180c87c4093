#pragma once

/// \file
/// The recipe identity of an evidence bundle: the canonical form of a recipe
/// document (mapping keys sorted recursively, comments dropped, `\n` line ends,
/// UTF-8), its SHA-256, and the recipe name derived from its criteria.

#include <string>
#include <string_view>

#include "base/result.h"
#include "recipe/result.h"

namespace aicr::evidence {

/// The canonical YAML of a recipe document: parsed, then written back with the
/// canonical writer (sorted keys, no comments, `\n`, final newline). Idempotent.
/// INVALID_REQUEST `recipe: ...` for text that is not one YAML document.
Result<std::string> CanonicalRecipeYaml(std::string_view yaml);

/// Lowercase hex SHA-256 of the canonical form of `yaml`.
Result<std::string> RecipeDigestHex(std::string_view yaml);

/// The recipe's name: the criteria values accelerator, service, os, intent and
/// platform that are neither empty nor `any`, joined with `-`; `recipe` when none
/// is set or the recipe has no criteria.
std::string RecipeName(const recipe::RecipeResult& recipe);

}  // namespace aicr::evidence
