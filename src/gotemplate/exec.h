#pragma once

/// \file
/// Executes a parsed template.

#include <string>
#include <string_view>

#include "base/result.h"
#include "gotemplate/ast.h"
#include "gotemplate/template.h"
#include "serialize/value.h"

namespace aicr::gotemplate::internal {

/// Renders `tree` with `dot` as `.` and `$`, then removes every `<no value>` from the
/// output (Helm). Errors are INVALID_REQUEST `<name>:<line>: <what>`; errors at a
/// command or field read `<name>:<line>: at <node>: <what>`.
Result<std::string> ExecuteTree(std::string_view name, const Tree& tree,
                                const serialize::Value& dot, const Limits& limits);

}  // namespace aicr::gotemplate::internal
