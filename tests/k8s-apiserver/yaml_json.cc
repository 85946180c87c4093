#include "tests/k8s-apiserver/yaml_json.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <regex>

namespace aicr::testing::apiserver {
namespace {

nlohmann::json Plain(const std::string& s) {
  static const std::regex kInt("[-+]?[0-9]+");
  static const std::regex kFloat("[-+]?([0-9]+\\.[0-9]*|\\.[0-9]+|[0-9]+)([eE][-+]?[0-9]+)?");
  if (s == "null" || s == "~" || s == "Null" || s == "NULL" || s.empty()) {
    return nullptr;
  }
  if (s == "true" || s == "True" || s == "TRUE") {
    return true;
  }
  if (s == "false" || s == "False" || s == "FALSE") {
    return false;
  }
  if (std::regex_match(s, kInt)) {
    errno = 0;
    const long long v = std::strtoll(s.c_str(), nullptr, 10);
    if (errno == 0) {
      return v;
    }
  }
  if (std::regex_match(s, kFloat)) {
    return std::strtod(s.c_str(), nullptr);
  }
  return s;
}

nlohmann::json Convert(const YAML::Node& node, int depth) {
  if (depth > 100) {
    throw YAML::Exception(YAML::Mark::null_mark(), "nesting too deep");
  }
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      return node.Tag() == "?" ? Plain(node.Scalar()) : nlohmann::json(node.Scalar());
    case YAML::NodeType::Sequence: {
      nlohmann::json arr = nlohmann::json::array();
      for (const YAML::Node& child : node) {
        arr.push_back(Convert(child, depth + 1));
      }
      return arr;
    }
    case YAML::NodeType::Map: {
      nlohmann::json obj = nlohmann::json::object();
      for (const auto& kv : node) {
        obj[kv.first.as<std::string>()] = Convert(kv.second, depth + 1);
      }
      return obj;
    }
  }
  return nullptr;
}

}  // namespace

bool ParseYamlDocuments(const std::string& text, std::vector<nlohmann::json>* out,
                        std::string* err) {
  try {
    for (const YAML::Node& doc : YAML::LoadAll(text)) {
      nlohmann::json j = Convert(doc, 0);
      if (!j.is_null()) {
        out->push_back(std::move(j));
      }
    }
    return true;
  } catch (const std::exception& e) {
    *err = e.what();
    return false;
  }
}

}  // namespace aicr::testing::apiserver
