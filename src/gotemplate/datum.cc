#include "gotemplate/datum.h"

#include <vector>

namespace aicr::gotemplate::internal {
namespace {

const serialize::Value& NullValue() {
  static const auto* const null_value = new serialize::Value();
  return *null_value;
}

// Bytes charged per value node a function copies.
constexpr std::size_t kBytesPerNode = 1024;

}  // namespace

Datum Datum::Borrow(const serialize::Value* value) {
  // Aliasing constructor with no owner: a non-owning pointer.
  return Datum(
      std::shared_ptr<const serialize::Value>(std::shared_ptr<const serialize::Value>(), value));
}

Datum Datum::Own(serialize::Value value) {
  return Datum(std::make_shared<const serialize::Value>(std::move(value)));
}

Datum Datum::Null() { return Borrow(&NullValue()); }

Datum Datum::Child(const serialize::Value* child) const {
  return Datum(std::shared_ptr<const serialize::Value>(ref_, child));
}

const serialize::Value& Datum::value() const { return ref_ == nullptr ? NullValue() : *ref_; }

bool IsTrue(const Datum& d) { return serialize::IsTruthy(d.get()); }

Status Budget::Step() {
  if (++steps_ > limits_.max_steps) {
    return InvalidRequestError("execution exceeds " + std::to_string(limits_.max_steps) + " steps");
  }
  return OkStatus();
}

Status Budget::Iteration() {
  if (++iterations_ > limits_.max_range_iterations) {
    return InvalidRequestError("range iterations exceed " +
                               std::to_string(limits_.max_range_iterations));
  }
  return OkStatus();
}

Status Budget::Build(std::size_t n) {
  if (n > limits_.max_output_bytes) {
    return InvalidRequestError("result exceeds " + std::to_string(limits_.max_output_bytes) +
                               " bytes");
  }
  work_ += n;
  if (work_ > limits_.max_work_bytes) {
    return InvalidRequestError("execution builds more than " +
                               std::to_string(limits_.max_work_bytes) + " bytes");
  }
  return OkStatus();
}

Status Budget::CheckValue(const serialize::Value& v, std::size_t depth_offset) {
  // Iterative walk: the value may be deeper than the stack should go.
  std::vector<std::pair<const serialize::Value*, std::size_t>> stack = {{&v, depth_offset}};
  while (!stack.empty()) {
    auto [cur, depth] = stack.back();
    stack.pop_back();
    if (Status s = Build(kBytesPerNode); !s.ok()) {
      return s;
    }
    if (cur->is_scalar()) {
      continue;
    }
    if (depth + 1 > limits::kMaxDepth) {
      return InvalidRequestError("value nesting exceeds " + std::to_string(limits::kMaxDepth) +
                                 " levels");
    }
    if (const serialize::Sequence* seq = cur->if_sequence(); seq != nullptr) {
      for (const serialize::Value& item : *seq) {
        stack.emplace_back(&item, depth + 1);
      }
    } else if (const serialize::Mapping* map = cur->if_mapping(); map != nullptr) {
      for (const auto& entry : *map) {
        stack.emplace_back(&entry.second, depth + 1);
      }
    }
  }
  return OkStatus();
}

}  // namespace aicr::gotemplate::internal
