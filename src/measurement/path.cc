#include "measurement/path.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>

#include "base/status_macros.h"
#include "base/suggest.h"

namespace aicr::measurement {
namespace {

Status PathError(std::string_view path, std::string_view reason) {
  std::string msg = "invalid measurement path \"";
  msg.append(path);
  msg.append("\": ");
  msg.append(reason);
  return InvalidRequestError(std::move(msg));
}

bool IsIndex(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool ValidSelector(std::string_view sel) {
  if (IsIndex(sel)) {
    return true;
  }
  const std::size_t eq = sel.find('=');
  return eq != std::string_view::npos && eq > 0 && eq + 1 < sel.size();
}

}  // namespace

bool IsSnapshotType(std::string_view type) {
  return std::find(kSnapshotTypes.begin(), kSnapshotTypes.end(), type) != kSnapshotTypes.end();
}

const std::vector<std::string>& KnownTypes() {
  static const std::vector<std::string>* const kTypes = [] {
    auto* v = new std::vector<std::string>(kSnapshotTypes.begin(), kSnapshotTypes.end());
    v->emplace_back(kDeploymentType);
    return v;
  }();
  return *kTypes;
}

std::string Path::ToString() const {
  std::string out = type + "." + subtype;
  if (!selector.empty()) {
    out += "[" + selector + "]";
  }
  out += "." + key;
  return out;
}

Result<Path> ParseMeasurementPath(std::string_view path) {
  if (path.empty()) {
    return InvalidRequestError("measurement path cannot be empty");
  }
  const std::size_t first = path.find('.');
  if (first == std::string_view::npos) {
    return PathError(path, "expected format {Type}.{Subtype}.{Key}");
  }
  Path out;
  out.type = std::string(path.substr(0, first));
  const std::vector<std::string>& known = KnownTypes();
  if (std::find(known.begin(), known.end(), out.type) == known.end()) {
    std::string reason = "unknown measurement type \"" + out.type + "\" (valid: ";
    for (std::size_t i = 0; i < known.size(); ++i) {
      reason += (i == 0 ? "" : ", ") + known[i];
    }
    reason += ")";
    std::vector<std::string> sorted = known;
    std::sort(sorted.begin(), sorted.end());
    const std::string suggestion = ClosestMatch(out.type, sorted);
    if (!suggestion.empty()) {
      reason += "; did you mean \"" + suggestion + "\"?";
    }
    return PathError(path, reason);
  }
  const std::string_view rest = path.substr(first + 1);
  const std::size_t bracket = rest.find('[');
  const std::size_t dot = rest.find('.');
  if (bracket != std::string_view::npos && (dot == std::string_view::npos || bracket < dot)) {
    // Item selector form: subtype[sel].key
    out.subtype = std::string(rest.substr(0, bracket));
    if (out.subtype.empty()) {
      return PathError(path, "empty subtype");
    }
    const std::size_t close = rest.find(']', bracket + 1);
    if (close == std::string_view::npos) {
      return PathError(path, "unclosed item selector");
    }
    out.selector = std::string(rest.substr(bracket + 1, close - bracket - 1));
    if (out.selector.empty()) {
      return PathError(path, "empty item selector");
    }
    if (!ValidSelector(out.selector)) {
      return PathError(
          path, "invalid item selector \"" + out.selector + "\": expected an index or key=value");
    }
    if (close + 1 >= rest.size() || rest[close + 1] != '.') {
      if (close + 1 >= rest.size()) {
        return PathError(path, "expected format {Type}.{Subtype}.{Key}");
      }
      return PathError(path, "expected \".\" after item selector");
    }
    out.key = std::string(rest.substr(close + 2));
    if (out.key.empty()) {
      return PathError(path, "empty key");
    }
    return out;
  }
  if (dot == std::string_view::npos) {
    return PathError(path, "expected format {Type}.{Subtype}.{Key}");
  }
  const std::size_t split = out.type == "SystemD" ? rest.rfind('.') : dot;
  out.subtype = std::string(rest.substr(0, split));
  out.key = std::string(rest.substr(split + 1));
  if (out.subtype.empty()) {
    return PathError(path, "empty subtype");
  }
  if (out.key.empty()) {
    return PathError(path, "empty key");
  }
  return out;
}

Result<Path> ParseSnapshotPath(std::string_view path) {
  AICR_ASSIGN_OR_RETURN(Path p, ParseMeasurementPath(path));
  if (!IsSnapshotType(p.type)) {
    return PathError(path, "measurement type \"" + p.type +
                               "\" is only valid in deployment-phase validation constraints");
  }
  return p;
}

}  // namespace aicr::measurement
