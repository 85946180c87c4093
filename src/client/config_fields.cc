#include "client/config_fields.h"

#include <map>
#include <utility>

#include "serialize/yaml_writer.h"

namespace aicr::client::config_fields {

using serialize::Value;

std::string TypeName(const Value& v) { return std::string(serialize::ValueTypeName(v.type())); }

Status CheckKeys(const Value& v, const std::string& path, const std::set<std::string>& allowed) {
  if (!v.is_mapping()) {
    return InvalidRequestError("config " + path + ": expected a mapping, got " + TypeName(v));
  }
  for (const auto& [key, unused] : *v.if_mapping()) {
    if (allowed.count(key) == 0) {
      return InvalidRequestError("config " + path + ": unknown field \"" + key + "\"");
    }
  }
  return OkStatus();
}

Result<std::string> Text(const Value& parent, const char* key, const std::string& path) {
  const Value* v = parent.Find(key);
  if (v == nullptr || v->is_null()) {
    return std::string();
  }
  if (const std::string* s = v->if_string()) {
    return *s;
  }
  return InvalidRequestError("config " + path + "." + key + ": expected a string, got " +
                             TypeName(*v));
}

Result<std::optional<bool>> Bool(const Value& parent, const char* key, const std::string& path) {
  const Value* v = parent.Find(key);
  if (v == nullptr || v->is_null()) {
    return std::optional<bool>();
  }
  if (const bool* b = v->if_bool()) {
    return std::optional<bool>(*b);
  }
  return InvalidRequestError("config " + path + "." + key + ": expected a boolean, got " +
                             TypeName(*v));
}

Result<std::optional<std::vector<std::string>>> List(const Value& parent, const char* key,
                                                     const std::string& path) {
  const Value* v = parent.Find(key);
  if (v == nullptr) {
    return std::optional<std::vector<std::string>>();
  }
  std::vector<std::string> out;
  if (v->is_null()) {
    return std::optional<std::vector<std::string>>(std::move(out));
  }
  if (!v->is_sequence()) {
    return InvalidRequestError("config " + path + "." + key + ": expected a list, got " +
                               TypeName(*v));
  }
  for (const auto& item : *v->if_sequence()) {
    if (!item.is_string()) {
      return InvalidRequestError("config " + path + "." + key +
                                 ": expected a list of strings, got an item of type " +
                                 TypeName(item));
    }
    out.push_back(*item.if_string());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

Result<std::optional<std::map<std::string, std::string>>> StringMap(const Value& parent,
                                                                    const char* key,
                                                                    const std::string& path) {
  const Value* v = parent.Find(key);
  if (v == nullptr) {
    return std::optional<std::map<std::string, std::string>>();
  }
  std::map<std::string, std::string> out;
  if (v->is_null()) {
    return std::optional<std::map<std::string, std::string>>(std::move(out));
  }
  if (!v->is_mapping()) {
    return InvalidRequestError("config " + path + "." + key + ": expected a mapping, got " +
                               TypeName(*v));
  }
  for (const auto& [k, item] : *v->if_mapping()) {
    if (const std::string* s = item.if_string()) {
      out[k] = *s;
    } else if (item.is_int() || item.is_float() || item.is_bool()) {
      out[k] = serialize::WriteYaml(item);
      while (!out[k].empty() && out[k].back() == '\n') {
        out[k].pop_back();
      }
    } else {
      return InvalidRequestError("config " + path + "." + key + "." + k +
                                 ": expected a string, got " + TypeName(item));
    }
  }
  return std::optional<std::map<std::string, std::string>>(std::move(out));
}

}  // namespace aicr::client::config_fields
