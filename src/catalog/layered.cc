#include "catalog/layered.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "base/status.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "serialize/json_reader.h"
#include "serialize/value.h"
#include "serialize/yaml_reader.h"
#include "serialize/yaml_writer.h"

namespace aicr::catalog {
namespace {

namespace fs = std::filesystem;
using serialize::Mapping;
using serialize::Sequence;
using serialize::Value;

/// Directory levels below DIR a walk descends (a symlink cycle stops here).
constexpr int kMaxNesting = 64;
constexpr std::size_t kReadChunk = std::size_t{64} * 1024;

constexpr std::string_view kRegistryKind = "ComponentRegistry";
constexpr std::string_view kRegistryApiVersions[] = {"aicr.run/v1alpha2", "aicr.run/v1beta1"};

std::string Lower(std::string text) {
  if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') {
    text[0] = static_cast<char>(text[0] - 'A' + 'a');
  }
  return text;
}

std::string ErrnoText(int err) { return Lower(std::strerror(err)); }

Status DirError(std::string_view dir, std::string_view what) {
  return InvalidRequestError("data directory " + Quote(dir) + ": " + std::string(what));
}

Status FileError(std::string_view rel, std::string_view what) {
  return InvalidRequestError("data file " + Quote(rel) + ": " + std::string(what));
}

Status FileIoError(std::string_view rel, std::string_view what) {
  return UnavailableError("data file " + Quote(rel) + ": " + std::string(what));
}

std::string ExceedsText(std::size_t cap) { return "exceeds " + std::to_string(cap) + " bytes"; }

// Depth-first walk, each directory's entries sorted by name; records regular files.
Status Walk(const fs::path& abs, const std::string& rel, int depth, const LayeredOptions& options,
            std::vector<std::string>* files) {
  std::error_code ec;
  std::vector<std::string> names;
  for (fs::directory_iterator it(abs, ec), end; !ec && it != end; it.increment(ec)) {
    names.push_back(it->path().filename().string());
  }
  if (ec) {
    return UnavailableError("data directory " + Quote(rel.empty() ? "." : rel) +
                            ": cannot list: " + Lower(ec.message()));
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    if (name.empty() || name.front() == '.') {
      continue;  // hidden: never embedded, never layered
    }
    const std::string child_rel = rel.empty() ? name : rel + "/" + name;
    if (!IsLocalPath(child_rel)) {
      return FileError(child_rel, "path is not local to the data directory");
    }
    const fs::path child = abs / name;
    fs::file_status st = fs::symlink_status(child, ec);
    if (ec) {
      return FileIoError(child_rel, "cannot stat: " + Lower(ec.message()));
    }
    if (fs::is_symlink(st)) {
      if (!options.allow_symlinks) {
        return FileError(child_rel, "symlinks are not allowed");
      }
      st = fs::status(child, ec);
      if (ec && ec != std::errc::no_such_file_or_directory) {
        return FileError(child_rel, "cannot follow symlink: " + Lower(ec.message()));
      }
      if (!fs::exists(st)) {
        return FileError(child_rel, "broken symlink");
      }
    }
    if (fs::is_directory(st)) {
      if (depth + 1 > kMaxNesting) {
        return FileError(child_rel,
                         "nested deeper than " + std::to_string(kMaxNesting) + " directories");
      }
      AICR_RETURN_IF_ERROR(Walk(child, child_rel, depth + 1, options, files));
      continue;
    }
    if (!fs::is_regular_file(st)) {
      return FileError(child_rel, "not a regular file");
    }
    const std::uintmax_t size = fs::file_size(child, ec);
    if (ec) {
      return FileIoError(child_rel, "cannot stat: " + Lower(ec.message()));
    }
    if (size > options.max_file_bytes) {
      return FileError(child_rel, ExceedsText(options.max_file_bytes));
    }
    files->push_back(child_rel);
  }
  return OkStatus();
}

// Reads DIR/rel with the cap re-checked (the walk-time check is advisory: the file
// may have changed since) and, unless allowed, a final-component symlink refused.
Result<std::string> ReadExternal(const fs::path& dir, std::string_view rel,
                                 const LayeredOptions& options) {
  const fs::path full = dir / fs::path(std::string(rel));
  int flags = O_RDONLY | O_CLOEXEC;
  if (!options.allow_symlinks) {
    flags |= O_NOFOLLOW;
  }
  const int fd = ::open(full.c_str(), flags);
  if (fd < 0) {
    const int err = errno;
    if (err == ELOOP && !options.allow_symlinks) {
      return FileError(rel, "symlinks are not allowed");
    }
    return FileIoError(rel, "cannot open: " + ErrnoText(err));
  }
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    return FileIoError(rel, "cannot stat: " + ErrnoText(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return FileError(rel, "not a regular file");
  }
  if (st.st_size > 0 && static_cast<std::uintmax_t>(st.st_size) > options.max_file_bytes) {
    return FileError(rel, ExceedsText(options.max_file_bytes));
  }
  std::string out;
  char buf[kReadChunk];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return FileIoError(rel, "cannot read: " + ErrnoText(errno));
    }
    if (n == 0) {
      break;
    }
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > options.max_file_bytes) {
      return FileError(rel, ExceedsText(options.max_file_bytes));
    }
  }
  return out;
}

Result<Value> ParseExternal(std::string_view rel, std::string_view bytes,
                            const LayeredOptions& options) {
  serialize::ParseOptions parse;
  parse.max_bytes = std::max(options.max_file_bytes, bytes.size());
  Result<Value> doc = serialize::ParseYaml(bytes, parse);
  if (!doc.ok()) {
    return FileError(rel, doc.status().message());
  }
  if (!doc->is_mapping()) {
    return FileError(rel, "expected a mapping, got " + std::string(ValueTypeName(doc->type())));
  }
  return doc;
}

// The embedded document at `rel`: from its pre-parsed JSON when the embedded provider
// has one (the same document, read >10x faster), else from its YAML.
Result<Value> ParseEmbedded(const DataProvider& embedded, std::string_view rel) {
  const std::optional<std::string_view> json = embedded.PreparsedJson(rel);
  std::string bytes;
  if (!json.has_value()) {
    AICR_ASSIGN_OR_RETURN(bytes, embedded.Read(rel));
  }
  serialize::ParseOptions parse;
  parse.max_bytes = std::max(parse.max_bytes, json.has_value() ? json->size() : bytes.size());
  Result<Value> doc =
      json.has_value() ? serialize::ParseJson(*json, parse) : serialize::ParseYaml(bytes, parse);
  if (!doc.ok()) {
    return InternalError("embedded data file " + Quote(rel) + ": " + doc.status().message());
  }
  if (!doc->is_mapping()) {
    return InternalError("embedded data file " + Quote(rel) + ": expected a mapping, got " +
                         std::string(ValueTypeName(doc->type())));
  }
  return doc;
}

// A scalar header field as text for messages; "" when absent.
std::string FieldText(const Mapping& m, std::string_view key) {
  const Value* v = m.Find(key);
  if (v == nullptr) {
    return "";
  }
  if (const std::string* s = v->if_string()) {
    return *s;
  }
  return v->DebugString();
}

Status CheckRegistryHeader(const Mapping& m) {
  const std::string kind = FieldText(m, "kind");
  if (kind != kRegistryKind) {
    return FileError(kRegistryPath,
                     "kind must be " + std::string(kRegistryKind) + ", got " + Quote(kind));
  }
  const std::string api = FieldText(m, "apiVersion");
  if (std::find(std::begin(kRegistryApiVersions), std::end(kRegistryApiVersions), api) ==
      std::end(kRegistryApiVersions)) {
    return FileError(kRegistryPath, "apiVersion must be " + std::string(kRegistryApiVersions[0]) +
                                        " or " + std::string(kRegistryApiVersions[1]) + ", got " +
                                        Quote(api));
  }
  return OkStatus();
}

// The `name` of a list entry; "" when it has none.
std::string_view NameOf(const Value& item) {
  const Value* name = item.Find("name");
  if (name == nullptr || !name->is_string()) {
    return {};
  }
  return *name->if_string();
}

const Sequence& EmptySequence() {
  static const Sequence* const empty = new Sequence();
  return *empty;
}

// The named list under `key` of an external document: absent or null is empty; every
// entry needs a non-empty string `name`, unique within the list.
Result<const Sequence*> ExternalNamedList(const Mapping& m, std::string_view rel,
                                          std::string_view key, std::string_view what) {
  const Value* v = m.Find(key);
  if (v == nullptr || v->is_null()) {
    return &EmptySequence();
  }
  const Sequence* list = v->if_sequence();
  if (list == nullptr) {
    return FileError(
        rel, std::string(key) + " must be a list, got " + std::string(ValueTypeName(v->type())));
  }
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string_view name = NameOf((*list)[i]);
    if (name.empty()) {
      return FileError(rel, std::string(key) + "[" + std::to_string(i) + "]: name is required");
    }
    if (!seen.insert(name).second) {
      return FileError(rel, "duplicate " + std::string(what) + " " + Quote(name));
    }
  }
  return list;
}

Result<const Sequence*> EmbeddedNamedList(const Mapping& m, std::string_view rel,
                                          std::string_view key) {
  const Value* v = m.Find(key);
  if (v == nullptr || v->is_null()) {
    return &EmptySequence();
  }
  const Sequence* list = v->if_sequence();
  if (list == nullptr) {
    return InternalError("embedded data file " + Quote(rel) + ": " + std::string(key) +
                         " must be a list, got " + std::string(ValueTypeName(v->type())));
  }
  return list;
}

// Embedded order kept, an external entry replaces the embedded one of the same name
// wholesale, new names appended in external order.
Sequence MergeByName(const Sequence& embedded, const Sequence& external) {
  std::map<std::string_view, const Value*> by_name;
  for (const Value& item : external) {
    by_name.emplace(NameOf(item), &item);
  }
  Sequence out;
  out.reserve(embedded.size() + external.size());
  std::set<std::string_view> placed;
  for (const Value& item : embedded) {
    const std::string_view name = NameOf(item);
    const auto it = name.empty() ? by_name.end() : by_name.find(name);
    out.push_back(it == by_name.end() ? item : *it->second);
    placed.insert(name);
  }
  for (const Value& item : external) {
    if (!placed.contains(NameOf(item))) {
      out.push_back(item);
    }
  }
  return out;
}

class LayeredDataProvider final : public DataProvider {
 public:
  LayeredDataProvider(fs::path dir, const DataProvider& embedded, LayeredOptions options)
      : dir_(std::move(dir)),
        identity_("layered:" + dir_.string()),
        embedded_(embedded),
        options_(options) {}

  // Walks the directory and computes the merged files.
  Status Init() {
    AICR_RETURN_IF_ERROR(Walk(dir_, "", 0, options_, &external_));
    std::sort(external_.begin(), external_.end(),
              [](const std::string& a, const std::string& b) { return WalkOrderLess(a, b); });
    external_set_.insert(external_.begin(), external_.end());
    if (!external_set_.contains(kRegistryPath)) {
      return FileError(kRegistryPath, "not a regular file");
    }
    AICR_RETURN_IF_ERROR(MergeRegistry());
    if (external_set_.contains(kValidatorCatalogPath)) {
      AICR_RETURN_IF_ERROR(MergeValidatorCatalog());
    }
    return OkStatus();
  }

  std::vector<std::string> Files() const override {
    std::vector<std::string> out = external_;
    for (std::string& path : embedded_.Files()) {
      if (!external_set_.contains(path)) {
        out.push_back(std::move(path));
      }
    }
    return out;
  }

  Result<std::string> Read(std::string_view path) const override {
    if (const auto it = merged_.find(path); it != merged_.end()) {
      return it->second;
    }
    if (external_set_.contains(path)) {
      return ReadExternal(dir_, path, options_);
    }
    return embedded_.Read(path);
  }

  std::string_view Source(std::string_view path) const override {
    if (merged_.contains(path)) {
      return kSourceMerged;
    }
    if (external_set_.contains(path)) {
      return kSourceExternal;
    }
    return embedded_.Source(path);
  }

  bool Has(std::string_view path) const override {
    return external_set_.contains(path) || embedded_.Has(path);
  }

  std::string_view Identity() const override { return identity_; }

  // Only a file served unchanged from the embedded tree keeps its pre-parsed form.
  std::optional<std::string_view> PreparsedJson(std::string_view path) const override {
    if (merged_.contains(path) || external_set_.contains(path)) {
      return std::nullopt;
    }
    return embedded_.PreparsedJson(path);
  }

 private:
  Status MergeRegistry() {
    AICR_ASSIGN_OR_RETURN(const std::string ext_bytes, ReadExternal(dir_, kRegistryPath, options_));
    AICR_ASSIGN_OR_RETURN(const Value ext, ParseExternal(kRegistryPath, ext_bytes, options_));
    AICR_RETURN_IF_ERROR(CheckRegistryHeader(*ext.if_mapping()));
    AICR_ASSIGN_OR_RETURN(
        const Sequence* ext_list,
        ExternalNamedList(*ext.if_mapping(), kRegistryPath, "components", "component"));

    Value merged = ext;
    if (embedded_.Has(kRegistryPath)) {
      AICR_ASSIGN_OR_RETURN(merged, ParseEmbedded(embedded_, kRegistryPath));
      AICR_ASSIGN_OR_RETURN(const Sequence* emb_list,
                            EmbeddedNamedList(*merged.if_mapping(), kRegistryPath, "components"));
      Sequence components = MergeByName(*emb_list, *ext_list);
      merged.Set("components", Value(std::move(components)));
    }
    merged_.emplace(std::string(kRegistryPath), serialize::WriteYaml(merged));
    return OkStatus();
  }

  Status MergeValidatorCatalog() {
    AICR_ASSIGN_OR_RETURN(const std::string ext_bytes,
                          ReadExternal(dir_, kValidatorCatalogPath, options_));
    AICR_ASSIGN_OR_RETURN(const Value ext,
                          ParseExternal(kValidatorCatalogPath, ext_bytes, options_));
    AICR_ASSIGN_OR_RETURN(
        const Sequence* ext_list,
        ExternalNamedList(*ext.if_mapping(), kValidatorCatalogPath, "validators", "validator"));
    if (!embedded_.Has(kValidatorCatalogPath)) {
      return OkStatus();  // nothing to merge with: the external file as is
    }
    AICR_ASSIGN_OR_RETURN(Value merged, ParseEmbedded(embedded_, kValidatorCatalogPath));
    AICR_ASSIGN_OR_RETURN(
        const Sequence* emb_list,
        EmbeddedNamedList(*merged.if_mapping(), kValidatorCatalogPath, "validators"));
    Sequence validators = MergeByName(*emb_list, *ext_list);
    merged.Set("validators", Value(std::move(validators)));
    merged_.emplace(std::string(kValidatorCatalogPath), serialize::WriteYaml(merged));
    return OkStatus();
  }

  const fs::path dir_;
  const std::string identity_;
  const DataProvider& embedded_;
  const LayeredOptions options_;
  std::vector<std::string> external_;  // walk order
  std::set<std::string, std::less<>> external_set_;
  std::map<std::string, std::string, std::less<>> merged_;  // path -> merged bytes
};

}  // namespace

Result<std::unique_ptr<DataProvider>> MakeLayeredProvider(const std::string& dir,
                                                          const DataProvider& embedded,
                                                          const LayeredOptions& options) {
  std::error_code ec;
  const fs::file_status st = fs::status(dir, ec);
  if (!fs::exists(st)) {
    if (ec && ec != std::errc::no_such_file_or_directory) {
      return DirError(dir, Lower(ec.message()));
    }
    return DirError(dir, "not found");
  }
  if (!fs::is_directory(st)) {
    return DirError(dir, "not a directory");
  }
  fs::path canonical = fs::canonical(dir, ec);
  if (ec) {
    return DirError(dir, Lower(ec.message()));
  }
  const fs::file_status reg = fs::symlink_status(canonical / std::string(kRegistryPath), ec);
  if (!fs::exists(reg)) {
    return DirError(dir, std::string(kRegistryPath) + " not found");
  }
  auto provider = std::make_unique<LayeredDataProvider>(std::move(canonical), embedded, options);
  AICR_RETURN_IF_ERROR(provider->Init());
  return std::unique_ptr<DataProvider>(std::move(provider));
}

}  // namespace aicr::catalog
