#include "mirror/images.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "base/strings.h"
#include "serialize/yaml_reader.h"

namespace aicr::mirror {
namespace {

// A usable reference: not blank, no whitespace, no unrendered template.
bool LooksLikeImage(std::string_view ref) {
  if (ref.empty() || ref.find("{{") != std::string_view::npos) {
    return false;
  }
  return std::none_of(ref.begin(), ref.end(), [](char c) { return IsSpace(c); });
}

// The documents of a stream: lines that are exactly `---` (optionally followed by
// a space and more) start a new one.
std::vector<std::string_view> SplitDocuments(std::string_view text) {
  std::vector<std::string_view> docs;
  std::size_t start = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) {
      eol = text.size();
    }
    const std::string_view line = text.substr(pos, eol - pos);
    const bool separator =
        line.substr(0, 3) == "---" && (line.size() == 3 || line[3] == ' ' || line[3] == '\r');
    if (separator) {
      docs.push_back(text.substr(start, pos - start));
      start = eol + 1 > text.size() ? text.size() : eol + 1;
    }
    pos = eol + 1;
  }
  if (start < text.size()) {
    docs.push_back(text.substr(start));
  }
  return docs;
}

// A scalar sibling as text ("" when absent, blank or not a string or number).
std::string SiblingText(const serialize::Mapping& map, std::string_view key) {
  const serialize::Value* v = map.Find(key);
  if (v == nullptr) {
    return "";
  }
  if (const std::string* s = v->if_string()) {
    return std::string(Trim(*s));
  }
  if (const std::int64_t* i = v->if_int()) {
    return std::to_string(*i);
  }
  return "";
}

// The operator custom-resource convention: `{repository, image, version}` spelled
// apart (e.g. `driver: {repository: nvcr.io/nvidia, image: driver, version: 1.0}`) or
// `{image, version}` (node packages). A complete reference is left as it is.
std::string CompleteReference(const serialize::Mapping& map, std::string ref) {
  const std::string repository = SiblingText(map, "repository");
  if (ref.find('/') == std::string::npos && LooksLikeImage(repository)) {
    std::string repo = repository;
    while (!repo.empty() && repo.back() == '/') {
      repo.pop_back();
    }
    ref = repo + "/" + ref;
  }
  const std::size_t slash = ref.rfind('/');
  const bool tagged = ref.find(':', slash == std::string::npos ? 0 : slash) != std::string::npos;
  const std::string version = SiblingText(map, "version");
  if (!tagged && ref.find('@') == std::string::npos && LooksLikeImage(version)) {
    ref += (version.rfind("sha256:", 0) == 0 ? "@" : ":") + version;
  }
  return ref;
}

}  // namespace

void CollectImages(const serialize::Value& doc, std::vector<std::string>* images) {
  if (const serialize::Sequence* seq = doc.if_sequence()) {
    for (const serialize::Value& item : *seq) {
      CollectImages(item, images);
    }
    return;
  }
  const serialize::Mapping* map = doc.if_mapping();
  if (map == nullptr) {
    return;
  }
  for (const auto& entry : *map) {
    if (entry.first == "image") {
      if (const std::string* ref = entry.second.if_string()) {
        const std::string trimmed(Trim(*ref));
        if (LooksLikeImage(trimmed)) {
          images->push_back(CompleteReference(*map, trimmed));
        }
        continue;
      }
    }
    CollectImages(entry.second, images);
  }
}

void ExtractImagesFromYaml(std::string_view text, std::string_view label,
                           std::vector<std::string>* images, std::vector<std::string>* warnings) {
  std::size_t index = 0;
  for (const std::string_view doc : SplitDocuments(text)) {
    ++index;
    Result<serialize::Value> parsed = serialize::ParseYaml(doc);
    if (!parsed.ok()) {
      warnings->push_back(std::string(label) + ": document " + std::to_string(index) + ": " +
                          parsed.status().message());
      continue;
    }
    CollectImages(*parsed, images);
  }
}

void SortUnique(std::vector<std::string>* items) {
  std::sort(items->begin(), items->end());
  items->erase(std::unique(items->begin(), items->end()), items->end());
}

}  // namespace aicr::mirror
