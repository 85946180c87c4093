#include "tests/k8s-apiserver/selectors.h"

#include <algorithm>
#include <cctype>

namespace aicr::testing::apiserver {
namespace {

std::string Trim(const std::string& s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) {
    ++b;
  }
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) {
    --e;
  }
  return s.substr(b, e - b);
}

// Splits on commas outside parentheses.
std::vector<std::string> SplitTop(const std::string& text) {
  std::vector<std::string> parts;
  std::string cur;
  int depth = 0;
  for (char c : text) {
    if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    }
    if (c == ',' && depth == 0) {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  return parts;
}

bool ValidToken(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
           c == '/';
  });
}

}  // namespace

std::string FieldValue(const nlohmann::json& obj, const std::string& path, bool* found) {
  const nlohmann::json* cur = &obj;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t dot = path.find('.', start);
    const std::string part = path.substr(start, dot == std::string::npos ? dot : dot - start);
    if (!cur->is_object() || !cur->contains(part)) {
      if (found != nullptr) {
        *found = false;
      }
      return "";
    }
    cur = &(*cur)[part];
    if (dot == std::string::npos) {
      break;
    }
    start = dot + 1;
  }
  if (found != nullptr) {
    *found = true;
  }
  return cur->is_string() ? cur->get<std::string>() : cur->dump();
}

bool Selector::ParseLabels(const std::string& text, Selector* out, std::string* err) {
  out->fields_ = false;
  out->reqs_.clear();
  if (Trim(text).empty()) {
    return true;
  }
  for (const std::string& raw : SplitTop(text)) {
    const std::string part = Trim(raw);
    Requirement r;
    if (part.empty()) {
      *err = "found '', expected: identifier";
      return false;
    }
    std::size_t pos;
    if (part[0] == '!') {
      r.key = Trim(part.substr(1));
      r.op = Op::kNotExists;
    } else if ((pos = part.find("!=")) != std::string::npos) {
      r.key = Trim(part.substr(0, pos));
      r.op = Op::kNotEq;
      r.values = {Trim(part.substr(pos + 2))};
    } else if ((pos = part.find("==")) != std::string::npos) {
      r.key = Trim(part.substr(0, pos));
      r.values = {Trim(part.substr(pos + 2))};
    } else if ((pos = part.find('=')) != std::string::npos) {
      r.key = Trim(part.substr(0, pos));
      r.values = {Trim(part.substr(pos + 1))};
    } else if ((pos = part.find('(')) != std::string::npos) {
      const std::string head = Trim(part.substr(0, pos));
      const std::size_t close = part.rfind(')');
      if (close == std::string::npos || close < pos) {
        *err = "unterminated value list in \"" + part + "\"";
        return false;
      }
      const std::size_t sp = head.find_last_of(" \t");
      if (sp == std::string::npos) {
        *err = "expected in or notin in \"" + part + "\"";
        return false;
      }
      r.key = Trim(head.substr(0, sp));
      const std::string op = Trim(head.substr(sp + 1));
      if (op == "in") {
        r.op = Op::kIn;
      } else if (op == "notin") {
        r.op = Op::kNotIn;
      } else {
        *err = "unknown operator \"" + op + "\"";
        return false;
      }
      std::string list = part.substr(pos + 1, close - pos - 1);
      std::size_t s = 0;
      while (true) {
        const std::size_t c = list.find(',', s);
        const std::string v = Trim(list.substr(s, c == std::string::npos ? c : c - s));
        if (!v.empty()) {
          r.values.push_back(v);
        }
        if (c == std::string::npos) {
          break;
        }
        s = c + 1;
      }
    } else {
      r.key = part;
      r.op = Op::kExists;
    }
    if (!ValidToken(r.key)) {
      *err = "invalid label key \"" + r.key + "\"";
      return false;
    }
    out->reqs_.push_back(std::move(r));
  }
  return true;
}

bool Selector::ParseFields(const std::string& text, Selector* out, std::string* err) {
  out->fields_ = true;
  out->reqs_.clear();
  if (Trim(text).empty()) {
    return true;
  }
  for (const std::string& raw : SplitTop(text)) {
    const std::string part = Trim(raw);
    Requirement r;
    std::size_t pos;
    if ((pos = part.find("!=")) != std::string::npos) {
      r.key = Trim(part.substr(0, pos));
      r.op = Op::kNotEq;
      r.values = {Trim(part.substr(pos + 2))};
    } else if ((pos = part.find("==")) != std::string::npos) {
      r.key = Trim(part.substr(0, pos));
      r.values = {Trim(part.substr(pos + 2))};
    } else if ((pos = part.find('=')) != std::string::npos) {
      r.key = Trim(part.substr(0, pos));
      r.values = {Trim(part.substr(pos + 1))};
    } else {
      *err = "invalid selector: '" + part + "'; can't understand '" + part + "'";
      return false;
    }
    if (r.key.empty()) {
      *err = "invalid field selector \"" + part + "\"";
      return false;
    }
    out->reqs_.push_back(std::move(r));
  }
  return true;
}

bool Selector::Matches(const nlohmann::json& obj) const {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  const nlohmann::json* labels = &kEmpty;
  if (!fields_ && obj.contains("metadata") && obj["metadata"].contains("labels") &&
      obj["metadata"]["labels"].is_object()) {
    labels = &obj["metadata"]["labels"];
  }
  for (const Requirement& r : reqs_) {
    bool has = false;
    std::string value;
    if (fields_) {
      value = FieldValue(obj, r.key, &has);
    } else if (labels->contains(r.key) && (*labels)[r.key].is_string()) {
      has = true;
      value = (*labels)[r.key].get<std::string>();
    }
    const bool in_values = std::find(r.values.begin(), r.values.end(), value) != r.values.end();
    switch (r.op) {
      case Op::kEq:
      case Op::kIn:
        if (!has || !in_values) {
          // Field selectors compare absent fields as "".
          if (!(fields_ && !has && in_values)) {
            return false;
          }
        }
        break;
      case Op::kNotEq:
      case Op::kNotIn:
        if (has && in_values) {
          return false;
        }
        if (fields_ && !has && in_values) {
          return false;
        }
        break;
      case Op::kExists:
        if (!has) {
          return false;
        }
        break;
      case Op::kNotExists:
        if (has) {
          return false;
        }
        break;
    }
  }
  return true;
}

}  // namespace aicr::testing::apiserver
