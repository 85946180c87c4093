#include "catalog/data_provider.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "base/status.h"
#include "catalog/embedded_table.h"

namespace aicr::catalog {
namespace {

Status FileNotFound(std::string_view path) {
  return NotFoundError("data file \"" + std::string(path) + "\" not found");
}

class EmbeddedDataProvider final : public DataProvider {
 public:
  EmbeddedDataProvider() : table_(internal::EmbeddedFiles()) {
    // A JSON text spanning several literals is joined once, here; a one-literal text
    // is served in place.
    for (const internal::EmbeddedFile& f : table_) {
      if (f.json_chunk_count > 1) {
        std::string& json = joined_json_[f.path];
        json.reserve(f.json_size);
        for (std::size_t c = 0; c < f.json_chunk_count; ++c) {
          const std::size_t offset = c * internal::kEmbedChunkBytes;
          json.append(f.json_chunks[c], std::min(internal::kEmbedChunkBytes, f.json_size - offset));
        }
      }
    }
  }

  std::vector<std::string> Files() const override {
    std::vector<std::string> out;
    out.reserve(table_.size());
    for (const internal::EmbeddedFile& f : table_) {
      out.emplace_back(f.path);
    }
    return out;
  }

  Result<std::string> Read(std::string_view path) const override {
    const internal::EmbeddedFile* f = Find(path);
    if (f == nullptr) {
      return FileNotFound(path);
    }
    std::string out;
    out.reserve(f->size);
    for (std::size_t c = 0; c < f->chunk_count; ++c) {
      const std::size_t offset = c * internal::kEmbedChunkBytes;
      out.append(f->chunks[c], std::min(internal::kEmbedChunkBytes, f->size - offset));
    }
    return out;
  }

  std::string_view Source(std::string_view /*path*/) const override { return kSourceEmbedded; }

  bool Has(std::string_view path) const override { return Find(path) != nullptr; }

  std::string_view Identity() const override { return "embedded"; }

  std::optional<std::string_view> PreparsedJson(std::string_view path) const override {
    const internal::EmbeddedFile* f = Find(path);
    if (f == nullptr || f->json_chunk_count == 0) {
      return std::nullopt;
    }
    if (f->json_chunk_count == 1) {
      return std::string_view(f->json_chunks[0], f->json_size);
    }
    const auto it = joined_json_.find(path);
    return std::string_view(it->second);
  }

 private:
  const internal::EmbeddedFile* Find(std::string_view path) const {
    const auto it = std::lower_bound(table_.begin(), table_.end(), path,
                                     [](const internal::EmbeddedFile& f, std::string_view p) {
                                       return WalkOrderLess(f.path, p);
                                     });
    if (it == table_.end() || std::string_view(it->path) != path) {
      return nullptr;
    }
    return &*it;
  }

  std::span<const internal::EmbeddedFile> table_;
  // path -> JSON, for files whose JSON spans several literals.
  std::map<std::string, std::string, std::less<>> joined_json_;
};

class MemoryDataProvider final : public DataProvider {
 public:
  MemoryDataProvider(std::map<std::string, std::string> files, std::string source)
      : source_(std::move(source)) {
    files_.reserve(files.size());
    for (auto& [path, bytes] : files) {
      files_.emplace_back(path, std::move(bytes));
    }
    std::sort(files_.begin(), files_.end(),
              [](const auto& a, const auto& b) { return WalkOrderLess(a.first, b.first); });
    identity_ = "memory:" + ContentHash();
  }

  std::vector<std::string> Files() const override {
    std::vector<std::string> out;
    out.reserve(files_.size());
    for (const auto& entry : files_) {
      out.push_back(entry.first);
    }
    return out;
  }

  Result<std::string> Read(std::string_view path) const override {
    const auto* entry = Find(path);
    if (entry == nullptr) {
      return FileNotFound(path);
    }
    return entry->second;
  }

  std::string_view Source(std::string_view /*path*/) const override { return source_; }

  bool Has(std::string_view path) const override { return Find(path) != nullptr; }

  std::string_view Identity() const override { return identity_; }

 private:
  const std::pair<std::string, std::string>* Find(std::string_view path) const {
    const auto it = std::lower_bound(
        files_.begin(), files_.end(), path,
        [](const auto& entry, std::string_view p) { return WalkOrderLess(entry.first, p); });
    if (it == files_.end() || it->first != path) {
      return nullptr;
    }
    return &*it;
  }

  // FNV-1a over the source and every (path, size, bytes), in order.
  std::string ContentHash() const {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    const auto mix = [&h](std::string_view s) {
      for (const char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
      }
      h ^= 0xff;  // field separator
      h *= 0x100000001b3ULL;
    };
    mix(source_);
    for (const auto& [path, bytes] : files_) {
      mix(path);
      mix(std::to_string(bytes.size()));
      mix(bytes);
    }
    char buf[17];
    std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(h));
    return buf;
  }

  std::string source_;
  std::string identity_;
  std::vector<std::pair<std::string, std::string>> files_;
};

}  // namespace

const DataProvider& EmbeddedProvider() {
  static const EmbeddedDataProvider* const provider = new EmbeddedDataProvider();
  return *provider;
}

std::unique_ptr<DataProvider> MakeMemoryProvider(std::map<std::string, std::string> files,
                                                 std::string source) {
  return std::make_unique<MemoryDataProvider>(std::move(files), std::move(source));
}

}  // namespace aicr::catalog
