#include "recipe/model.h"

#include <string>

#include "base/log.h"

namespace aicr::recipe {

bool ComponentRef::IsEnabled() const {
  for (const char* key : {"enabled", "install"}) {
    const serialize::Value* v = overrides.Find(key);
    if (v == nullptr) {
      continue;
    }
    const bool* b = v->if_bool();
    if (b == nullptr) {
      log::Warn("component deployment gate is not a bool, treating component as enabled",
                {{"component", name}, {"key", key}, {"value", v->DebugString()}});
      continue;
    }
    if (!*b) {
      return false;
    }
  }
  return true;
}

}  // namespace aicr::recipe
