#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/limits.h"
#include "base/strings.h"
#include "client/snapshot.h"
#include "gotemplate/template.h"
#include "serialize/input.h"
#include "serialize/json_writer.h"
#include "serialize/yaml_writer.h"

namespace aicr::client {
namespace {

using serialize::Value;

// ---- rendering ---------------------------------------------------------------

std::string Cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out.push_back(c);
    }
  }
  return out.empty() ? "\"\"" : out;
}

Value ReadingMap(const std::map<std::string, measurement::Reading>& data) {
  Value out = Value::EmptyMapping();
  for (const auto& [k, r] : data) {
    out.Set(k, r.ToValue());
  }
  return out;
}

Value StringMapValue(const std::map<std::string, std::string>& data) {
  Value out = Value::EmptyMapping();
  for (const auto& [k, v] : data) {
    out.Set(k, v);
  }
  return out;
}

}  // namespace

Result<std::string> RenderSnapshot(const measurement::Snapshot& snapshot, std::string_view format) {
  if (format.empty() || format == "yaml") {
    return serialize::WriteYaml(measurement::EncodeSnapshot(snapshot));
  }
  if (format == "json") {
    return serialize::WriteJson(measurement::EncodeSnapshot(snapshot));
  }
  if (format == "table") {
    return RenderSnapshotTable(snapshot);
  }
  return InvalidRequestError("unknown format \"" + std::string(format) +
                             "\": must be one of yaml, json, table");
}

std::string RenderSnapshotTable(const measurement::Snapshot& snapshot) {
  std::vector<std::vector<std::string>> header = {{"KIND", Cell(snapshot.kind)},
                                                  {"API VERSION", Cell(snapshot.api_version)}};
  for (const auto& [k, v] : snapshot.metadata) {
    std::string key = AsciiLower(k);
    std::transform(key.begin(), key.end(), key.begin(), [](char c) {
      return c == '-' ? ' ' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    });
    header.push_back({key, Cell(v)});
  }
  std::vector<std::vector<std::string>> rows = {{"TYPE", "SUBTYPE", "KEY", "VALUE"}};
  for (const measurement::Measurement& m : snapshot.measurements) {
    if (m.subtypes.empty()) {
      rows.push_back({m.type, "-", "-", "-"});
    }
    for (const measurement::Subtype& s : m.subtypes) {
      for (const auto& [k, v] : s.context) {
        rows.push_back({m.type, s.name, "@" + k, Cell(v)});
      }
      for (const auto& [k, r] : s.data) {
        rows.push_back({m.type, s.name, k, Cell(r.String())});
      }
      for (std::size_t i = 0; i < s.items.size(); ++i) {
        const measurement::Item& item = s.items[i];
        const std::string prefix = "[" + std::to_string(i) + "]";
        for (const auto& [k, v] : item.context) {
          rows.push_back({m.type, s.name, prefix + "@" + k, Cell(v)});
        }
        for (const auto& [k, r] : item.data) {
          rows.push_back({m.type, s.name, prefix + k, Cell(r.String())});
        }
      }
      if (s.context.empty() && s.data.empty() && s.items.empty()) {
        rows.push_back({m.type, s.name, "-", "-"});
      }
    }
  }
  return AlignColumns(header) + "\n" + AlignColumns(rows);
}

Value SnapshotTemplateDot(const measurement::Snapshot& snapshot) {
  Value dot = Value::EmptyMapping();
  dot.Set("Kind", snapshot.kind);
  dot.Set("APIVersion", snapshot.api_version);
  dot.Set("Metadata", StringMapValue(snapshot.metadata));
  Value measurements = Value::EmptySequence();
  for (const measurement::Measurement& m : snapshot.measurements) {
    Value mv = Value::EmptyMapping();
    mv.Set("Type", m.type);
    Value subtypes = Value::EmptySequence();
    for (const measurement::Subtype& s : m.subtypes) {
      Value sv = Value::EmptyMapping();
      sv.Set("Name", s.name);
      sv.Set("Data", ReadingMap(s.data));
      sv.Set("Context", StringMapValue(s.context));
      Value items = Value::EmptySequence();
      for (const measurement::Item& item : s.items) {
        Value iv = Value::EmptyMapping();
        iv.Set("Context", StringMapValue(item.context));
        iv.Set("Data", ReadingMap(item.data));
        items.Append(std::move(iv));
      }
      sv.Set("Items", std::move(items));
      subtypes.Append(std::move(sv));
    }
    mv.Set("Subtypes", std::move(subtypes));
    measurements.Append(std::move(mv));
  }
  dot.Set("Measurements", std::move(measurements));
  return dot;
}

Result<std::string> RenderSnapshotTemplate(std::string_view path,
                                           const measurement::Snapshot& snapshot) {
  Result<std::string> text = serialize::ReadLocalFile(std::string(path), limits::kMaxDataFileBytes);
  if (!text.ok()) {
    return Status(text.status().code() == ErrorCode::kNotFound ? ErrorCode::kInvalidRequest
                                                               : text.status().code(),
                  text.status().message())
        .WithContext("--template");
  }
  std::string name(path);
  const std::size_t slash = name.rfind('/');
  if (slash != std::string::npos) {
    name = name.substr(slash + 1);
  }
  return gotemplate::Render(name, *text, SnapshotTemplateDot(snapshot));
}

}  // namespace aicr::client
