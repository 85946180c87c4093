#pragma once

/// \file
/// Parses a template into a Tree (ast.h).

#include <string_view>

#include "base/result.h"
#include "gotemplate/ast.h"
#include "gotemplate/template.h"

namespace aicr::gotemplate::internal {

/// Parses `text`. Errors are INVALID_REQUEST `<name>:<line>: <what>`, with Go's wording
/// where Go has one (`function "foo" not defined`, `undefined variable "$x"`,
/// `unexpected EOF`, `missing value for if`, ...).
Result<Tree> ParseTree(std::string_view name, std::string_view text, const Limits& limits);

}  // namespace aicr::gotemplate::internal
