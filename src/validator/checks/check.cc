#include "validator/checks/check.h"

#include <algorithm>
#include <streambuf>

#include "base/status_macros.h"

namespace aicr::validator::checks {
namespace {

// A stream buffer that drops everything (for contexts without an evidence stream).
class NullBuffer : public std::streambuf {
 protected:
  int overflow(int c) override { return c == traits_type::eof() ? 0 : c; }
  std::streamsize xsputn(const char* /*s*/, std::streamsize n) override { return n; }
};

}  // namespace

Result<k8s::CallOptions> CheckContext::Call() const {
  AICR_RETURN_IF_ERROR(cancel.Check());
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) {
    return TimeoutError("check deadline exceeded");
  }
  k8s::CallOptions call;
  call.timeout = std::min<std::chrono::milliseconds>(left, kResourceVerificationTimeout);
  call.cancel = cancel;
  return call;
}

std::ostream& CheckContext::Out() const {
  if (out != nullptr) {
    return *out;
  }
  static NullBuffer buffer;
  static std::ostream null_stream(&buffer);
  return null_stream;
}

void CheckContext::SetExtra(const std::string& key, serialize::Value value) const {
  if (extra != nullptr) {
    extra->Set(key, std::move(value));
  }
}

bool ComponentDisabled(const std::optional<recipe::RecipeResult>& recipe, std::string_view name) {
  if (!recipe) {
    return false;
  }
  for (const recipe::ComponentRef& ref : recipe->component_refs) {
    if (ref.name == name) {
      return !ref.IsEnabled();
    }
  }
  return false;
}

}  // namespace aicr::validator::checks
