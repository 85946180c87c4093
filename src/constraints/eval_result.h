#pragma once

/// \file
/// The outcome of evaluating one constraint against a snapshot.

#include <string>

#include "base/status.h"

namespace aicr::constraints {

/// `{passed, actual, error}`. `error` is OK when the constraint could be decided;
/// otherwise `passed` is false and the code says why: NOT_FOUND means the reading is
/// absent from the snapshot (a distinct outcome: the caller decides, e.g. the recipe
/// resolver excludes the overlay), INVALID_REQUEST a malformed path, expression or
/// reading, CONFLICT an item predicate matching several items.
struct EvalResult {
  bool passed = false;
  /// The reading's text (or, for the node-set form, a summary of the GPU nodes);
  /// also set when the expression fails after the reading was found.
  std::string actual;
  Status error;

  bool ok() const { return error.ok(); }
};

}  // namespace aicr::constraints
