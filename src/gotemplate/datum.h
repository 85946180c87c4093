#pragma once

/// \file
/// Values during execution and the work budget of one execution.

#include <cstddef>
#include <memory>
#include <string>
#include <utility>

#include "base/status.h"
#include "gotemplate/template.h"
#include "serialize/value.h"

namespace aicr::gotemplate::internal {

/// A value during execution. Three states, as in Go's reflection-based executor:
/// - missing (Go's invalid value): a missing map key, or a pipeline that yielded nil;
/// - a null value (Go's nil interface): a null map entry or element, or what `index`
///   finds for a missing key; a field of it is an error, a field of missing is missing;
/// - any other value, borrowed from the data or the parse tree, or owned.
class Datum {
 public:
  /// Missing.
  Datum() = default;
  /// A value that outlives the execution (the dot, a literal of the parse tree).
  static Datum Borrow(const serialize::Value* value);
  static Datum Own(serialize::Value value);
  /// The null value (a nil interface).
  static Datum Null();

  /// `child` is part of this datum's value; the result keeps it alive.
  Datum Child(const serialize::Value* child) const;

  bool missing() const { return ref_ == nullptr; }
  /// Missing or null.
  bool nil() const { return ref_ == nullptr || ref_->is_null(); }
  /// The value; a null value when missing.
  const serialize::Value& value() const;
  /// nullptr when nil.
  const serialize::Value* get() const { return nil() ? nullptr : ref_.get(); }

  /// What Go does after each pipeline stage: a null value becomes missing.
  void Unwrap() {
    if (ref_ != nullptr && ref_->is_null()) {
      ref_.reset();
    }
  }

 private:
  explicit Datum(std::shared_ptr<const serialize::Value> ref) : ref_(std::move(ref)) {}

  std::shared_ptr<const serialize::Value> ref_;
};

/// Go's truth: false for missing, null, false, 0, 0.0 and empty strings and collections.
bool IsTrue(const Datum& d);

/// The limits of one execution and what it has used of them.
class Budget {
 public:
  explicit Budget(const Limits& limits) : limits_(limits) {}

  const Limits& limits() const { return limits_; }

  /// One node or command.
  Status Step();
  /// One range iteration.
  Status Iteration();
  /// A function is about to build a string of `n` bytes: checks it against the output
  /// size and charges it to the work budget.
  Status Build(std::size_t n);
  /// Checks that a value built from `v` stays within the nesting and size bounds
  /// (depth `depth_offset` + its own, value nodes charged as work).
  Status CheckValue(const serialize::Value& v, std::size_t depth_offset);

 private:
  Limits limits_;
  std::size_t steps_ = 0;
  std::size_t iterations_ = 0;
  std::size_t work_ = 0;
};

}  // namespace aicr::gotemplate::internal
