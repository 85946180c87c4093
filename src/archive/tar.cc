#include "archive/tar.h"

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <exception>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "archive/entry_path.h"
#include "base/status_macros.h"

namespace aicr::archive {
namespace {

constexpr std::size_t kMaxPathBytes = 4096;

/// `"s"` with control bytes, quotes and backslashes escaped so that a hostile entry
/// name cannot forge lines in an error message.
std::string QuoteName(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string Parent(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(path.substr(0, slash));
}

// ---------------------------------------------------------------------------
// Writing.

struct ArchiveWriteDeleter {
  void operator()(struct archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

la_ssize_t AppendToString(struct archive* /*a*/, void* user, const void* buf, size_t n) {
  try {
    static_cast<std::string*>(user)->append(static_cast<const char*>(buf), n);
  } catch (...) {
    return -1;
  }
  return static_cast<la_ssize_t>(n);
}

Status LibarchiveError(struct archive* a, std::string_view what) {
  const char* msg = archive_error_string(a);
  return InternalError("tar: " + std::string(what) + ": " +
                       (msg != nullptr ? msg : "unknown error"));
}

Status WriteEntry(struct archive* a, const std::string& path, bool dir, bool executable,
                  std::string_view bytes) {
  std::unique_ptr<archive_entry, EntryDeleter> e(archive_entry_new());
  if (!e) {
    return InternalError("tar: cannot allocate an entry");
  }
  archive_entry_set_pathname(e.get(), dir ? (path + "/").c_str() : path.c_str());
  archive_entry_set_filetype(e.get(), dir ? AE_IFDIR : AE_IFREG);
  archive_entry_set_perm(e.get(), dir || executable ? 0755 : 0644);
  archive_entry_set_size(e.get(), dir ? 0 : static_cast<la_int64_t>(bytes.size()));
  archive_entry_set_mtime(e.get(), 0, 0);
  archive_entry_set_uid(e.get(), 0);
  archive_entry_set_gid(e.get(), 0);
  if (archive_write_header(a, e.get()) != ARCHIVE_OK) {
    return LibarchiveError(a, "write header " + QuoteName(path));
  }
  if (!dir && !bytes.empty()) {
    if (archive_write_data(a, bytes.data(), bytes.size()) !=
        static_cast<la_ssize_t>(bytes.size())) {
      return LibarchiveError(a, "write " + QuoteName(path));
    }
  }
  return OkStatus();
}

Result<std::string> Gzip(std::string_view raw) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return InternalError("gzip: cannot initialise zlib");
  }
  gz_header header{};
  header.time = 0;
  header.os = 3;  // Unix
  (void)deflateSetHeader(&zs, &header);
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(raw.size())) + 64);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
  zs.avail_in = static_cast<uInt>(raw.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  const std::size_t produced = out.size() - zs.avail_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    return InternalError("gzip: compression failed");
  }
  out.resize(produced);
  return out;
}

// ---------------------------------------------------------------------------
// Reading: a hand-driven zlib inflater feeds libarchive's tar reader, so that the
// gzip framing (one member, nothing after it) and the decompressed size are ours.

struct ArchiveReadDeleter {
  void operator()(struct archive* a) const { archive_read_free(a); }
};

class Inflater {
 public:
  Inflater(std::string_view in, std::uint64_t max_out) : in_(in), max_out_(max_out) {}
  ~Inflater() {
    if (initialised_) {
      inflateEnd(&zs_);
    }
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  Status Init() {
    if (in_.size() < 2 || static_cast<unsigned char>(in_[0]) != 0x1f ||
        static_cast<unsigned char>(in_[1]) != 0x8b) {
      return InvalidRequestError("tar.gz: not a gzip stream");
    }
    if (inflateInit2(&zs_, 15 + 16) != Z_OK) {
      return InternalError("tar.gz: cannot initialise zlib");
    }
    initialised_ = true;
    zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in_.data()));
    zs_.avail_in = static_cast<uInt>(std::min<std::size_t>(in_.size(), 1u << 30));
    return OkStatus();
  }

  /// Inflates the next chunk into the buffer; sets `*data`/`*n` (n = 0 at end).
  Status Next(const void** data, std::size_t* n) {
    *n = 0;
    *data = buf_.data();
    if (ended_) {
      return OkStatus();
    }
    zs_.next_out = reinterpret_cast<Bytef*>(buf_.data());
    zs_.avail_out = static_cast<uInt>(buf_.size());
    while (zs_.avail_out == buf_.size()) {
      Refill();
      const int rc = inflate(&zs_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        ended_ = true;
        break;
      }
      if (rc == Z_BUF_ERROR && zs_.avail_in == 0) {
        return InvalidRequestError("tar.gz: truncated gzip stream");
      }
      if (rc != Z_OK) {
        return InvalidRequestError(std::string("tar.gz: corrupt gzip stream: ") +
                                   (zs_.msg != nullptr ? zs_.msg : "inflate error"));
      }
    }
    *n = buf_.size() - zs_.avail_out;
    chunk_start_ = total_out_;
    chunk_size_ = *n;
    total_out_ += *n;
    if (total_out_ > max_out_) {
      return InvalidRequestError("tar.gz: decompressed size exceeds " + std::to_string(max_out_) +
                                 " bytes");
    }
    return OkStatus();
  }

  /// After the tar end: the rest of the stream must be zero padding, and nothing may
  /// follow the gzip member.
  Status Finish() {
    const void* data = nullptr;
    std::size_t n = 0;
    do {
      AICR_RETURN_IF_ERROR(Next(&data, &n));
      const auto* p = static_cast<const char*>(data);
      if (std::any_of(p, p + n, [](char c) { return c != 0; })) {
        return InvalidRequestError("tar.gz: data after the end of the tar archive");
      }
    } while (n > 0 && !ended_);
    if (!ended_) {
      // Next() returned nothing without reaching the end: cannot happen, but be strict.
      return InvalidRequestError("tar.gz: truncated gzip stream");
    }
    const std::size_t used = Used();
    const std::size_t rest = in_.size() - used;
    if (rest > 0) {
      if (rest >= 2 && static_cast<unsigned char>(in_[used]) == 0x1f &&
          static_cast<unsigned char>(in_[used + 1]) == 0x8b) {
        return InvalidRequestError("tar.gz: concatenated gzip member after the first");
      }
      return InvalidRequestError("tar.gz: " + std::to_string(rest) +
                                 " bytes of trailing data after the gzip stream");
    }
    return OkStatus();
  }

  bool ended() const { return ended_; }

  /// The tar reader stopped at decompressed offset `consumed`: the part of the last
  /// chunk handed out after it must be zero padding.
  Status CheckTailAfter(std::uint64_t consumed) const {
    if (consumed < chunk_start_ || consumed > chunk_start_ + chunk_size_) {
      return OkStatus();
    }
    const auto* p = buf_.data() + (consumed - chunk_start_);
    const auto* end = buf_.data() + chunk_size_;
    if (std::any_of(p, end, [](char c) { return c != 0; })) {
      return InvalidRequestError("tar.gz: data after the end of the tar archive");
    }
    return OkStatus();
  }

 private:
  void Refill() {
    if (zs_.avail_in == 0) {
      const std::size_t left = in_.size() - Used();
      zs_.avail_in = static_cast<uInt>(std::min<std::size_t>(left, 1u << 30));
    }
  }

  std::size_t Used() const {
    return static_cast<std::size_t>(zs_.next_in - reinterpret_cast<const Bytef*>(in_.data()));
  }

  std::string_view in_;
  std::uint64_t max_out_;
  std::uint64_t total_out_ = 0;
  z_stream zs_{};
  bool initialised_ = false;
  bool ended_ = false;
  std::uint64_t chunk_start_ = 0;
  std::size_t chunk_size_ = 0;
  std::array<char, 64 * 1024> buf_{};
};

struct ReadState {
  Inflater* inflater;
  Status error;
};

la_ssize_t ReadCallback(struct archive* a, void* user, const void** buffer) {
  auto* st = static_cast<ReadState*>(user);
  std::size_t n = 0;
  Status s = st->inflater->Next(buffer, &n);
  if (!s.ok()) {
    st->error = std::move(s);
    archive_set_error(a, EINVAL, "%s", st->error.message().c_str());
    return -1;
  }
  return static_cast<la_ssize_t>(n);
}

}  // namespace

Result<std::string> WriteTarGz(std::vector<TarFile> files, std::string_view prefix) {
  try {
    while (!prefix.empty() && prefix.back() == '/') {
      prefix.remove_suffix(1);
    }
    if (!prefix.empty()) {
      if (const std::string why = EntryPathProblem(prefix, kMaxPathBytes); !why.empty()) {
        return InvalidRequestError("tar: prefix " + QuoteName(prefix) + ": " + why);
      }
    }
    std::sort(files.begin(), files.end(),
              [](const TarFile& a, const TarFile& b) { return a.path < b.path; });
    std::set<std::string> file_paths;
    for (const TarFile& f : files) {
      if (const std::string why = EntryPathProblem(f.path, kMaxPathBytes); !why.empty()) {
        return InvalidRequestError("tar: entry " + QuoteName(f.path) + ": " + why);
      }
      if (!file_paths.insert(f.path).second) {
        return InvalidRequestError("tar: entry " + QuoteName(f.path) + " given twice");
      }
    }
    for (const TarFile& f : files) {
      for (std::string p = Parent(f.path); !p.empty(); p = Parent(p)) {
        if (file_paths.count(p) > 0) {
          return InvalidRequestError("tar: entry " + QuoteName(p) + " is both a file and a folder");
        }
      }
    }

    std::unique_ptr<struct archive, ArchiveWriteDeleter> a(archive_write_new());
    if (!a) {
      return InternalError("tar: cannot allocate a writer");
    }
    if (archive_write_set_format_pax_restricted(a.get()) != ARCHIVE_OK ||
        archive_write_add_filter_none(a.get()) != ARCHIVE_OK ||
        archive_write_set_bytes_per_block(a.get(), 10240) != ARCHIVE_OK) {
      return LibarchiveError(a.get(), "configure writer");
    }
    std::string raw;
    if (archive_write_open2(a.get(), &raw, nullptr, AppendToString, nullptr, nullptr) !=
        ARCHIVE_OK) {
      return LibarchiveError(a.get(), "open writer");
    }
    const std::string pre = prefix.empty() ? std::string() : std::string(prefix) + "/";
    std::set<std::string> dirs_written;
    auto write_dirs = [&](const std::string& full_parent) -> Status {
      // Every ancestor, top first.
      std::vector<std::string> chain;
      for (std::string p = full_parent; !p.empty(); p = Parent(p)) {
        chain.push_back(p);
      }
      for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        if (dirs_written.insert(*it).second) {
          AICR_RETURN_IF_ERROR(WriteEntry(a.get(), *it, true, false, {}));
        }
      }
      return OkStatus();
    };
    if (!prefix.empty()) {
      AICR_RETURN_IF_ERROR(write_dirs(std::string(prefix)));
    }
    for (const TarFile& f : files) {
      const std::string full = pre + f.path;
      AICR_RETURN_IF_ERROR(write_dirs(Parent(full)));
      AICR_RETURN_IF_ERROR(WriteEntry(a.get(), full, false, f.executable, f.bytes));
    }
    if (archive_write_close(a.get()) != ARCHIVE_OK) {
      return LibarchiveError(a.get(), "close writer");
    }
    return Gzip(raw);
  } catch (const std::exception& e) {
    return InternalError(std::string("tar: ") + e.what());
  }
}

Result<std::vector<TarFile>> ReadTarGz(std::string_view tgz, const TarLimits& limits) {
  try {
    // Headers, pax records and padding on top of the file bytes; bounded so that a
    // gzip bomb of zeros or headers cannot run forever.
    const std::uint64_t max_out = limits.max_total_bytes +
                                  (static_cast<std::uint64_t>(limits.max_files) + 16) * 8192 +
                                  (std::uint64_t{16} << 20);
    Inflater inflater(tgz, max_out);
    AICR_RETURN_IF_ERROR(inflater.Init());
    ReadState state{&inflater, OkStatus()};

    std::unique_ptr<struct archive, ArchiveReadDeleter> a(archive_read_new());
    if (!a) {
      return InternalError("tar: cannot allocate a reader");
    }
    archive_read_support_format_tar(a.get());
    archive_read_support_filter_none(a.get());
    if (archive_read_open(a.get(), &state, nullptr, ReadCallback, nullptr) != ARCHIVE_OK) {
      if (!state.error.ok()) {
        return state.error;
      }
      return InvalidRequestError(
          std::string("tar.gz: not a tar archive: ") +
          (archive_error_string(a.get()) ? archive_error_string(a.get()) : "unknown format"));
    }

    std::vector<TarFile> files;
    std::set<std::string> file_paths;
    std::set<std::string> dir_paths;
    std::uint64_t total = 0;
    while (true) {
      archive_entry* e = nullptr;
      const int rc = archive_read_next_header(a.get(), &e);
      if (rc == ARCHIVE_EOF) {
        break;
      }
      if (rc != ARCHIVE_OK) {
        if (!state.error.ok()) {
          return state.error;
        }
        const char* msg = archive_error_string(a.get());
        return InvalidRequestError(std::string("tar.gz: malformed tar header: ") +
                                   (msg != nullptr ? msg : "unknown error"));
      }
      const char* raw_name = archive_entry_pathname(e);
      std::string name = raw_name != nullptr ? raw_name : "";
      const mode_t type = archive_entry_filetype(e);
      const bool is_dir = type == AE_IFDIR;
      if (archive_entry_hardlink(e) != nullptr) {
        return InvalidRequestError("tar.gz: entry " + QuoteName(name) +
                                   ": hard links are not allowed");
      }
      if (type == AE_IFLNK || archive_entry_symlink(e) != nullptr) {
        return InvalidRequestError("tar.gz: entry " + QuoteName(name) +
                                   ": symbolic links are not allowed");
      }
      if (!is_dir && type != AE_IFREG) {
        return InvalidRequestError("tar.gz: entry " + QuoteName(name) +
                                   ": only regular files and directories are allowed");
      }
      if (archive_entry_sparse_count(e) > 0) {
        return InvalidRequestError("tar.gz: entry " + QuoteName(name) +
                                   ": sparse files are not allowed");
      }
      if (is_dir && !name.empty() && name.back() == '/') {
        name.pop_back();
      }
      if (const std::string why = EntryPathProblem(name, kMaxPathBytes); !why.empty()) {
        return InvalidRequestError("tar.gz: entry " + QuoteName(name) + ": " + why);
      }
      if (file_paths.count(name) > 0 || (is_dir && dir_paths.count(name) > 0)) {
        return InvalidRequestError("tar.gz: entry " + QuoteName(name) + " appears twice");
      }
      for (std::string p = Parent(name); !p.empty(); p = Parent(p)) {
        if (file_paths.count(p) > 0) {
          return InvalidRequestError("tar.gz: entry " + QuoteName(name) + " is below the file " +
                                     QuoteName(p));
        }
      }
      if (is_dir) {
        if (dir_paths.count(name) == 0) {
          dir_paths.insert(name);
        }
        // Implied folders of earlier files may not come back as entries; recorded ones may.
        continue;
      }
      if (dir_paths.count(name) > 0) {
        return InvalidRequestError("tar.gz: entry " + QuoteName(name) +
                                   " is both a file and a folder");
      }
      if (files.size() >= limits.max_files) {
        return InvalidRequestError("tar.gz: more than " + std::to_string(limits.max_files) +
                                   " files");
      }
      const la_int64_t declared = archive_entry_size(e);
      if (declared < 0 || static_cast<std::uint64_t>(declared) > limits.max_file_bytes) {
        return InvalidRequestError("tar.gz: entry " + QuoteName(name) + " is larger than " +
                                   std::to_string(limits.max_file_bytes) + " bytes");
      }
      if (total + static_cast<std::uint64_t>(declared) > limits.max_total_bytes) {
        return InvalidRequestError("tar.gz: files exceed " +
                                   std::to_string(limits.max_total_bytes) + " bytes in total");
      }
      TarFile f;
      f.path = name;
      f.executable = (archive_entry_perm(e) & 0111) != 0;
      f.bytes.reserve(static_cast<std::size_t>(declared));
      std::array<char, 64 * 1024> buf{};
      while (true) {
        const la_ssize_t n = archive_read_data(a.get(), buf.data(), buf.size());
        if (n == 0) {
          break;
        }
        if (n < 0) {
          if (!state.error.ok()) {
            return state.error;
          }
          const char* msg = archive_error_string(a.get());
          return InvalidRequestError("tar.gz: entry " + QuoteName(name) + ": " +
                                     (msg != nullptr ? msg : "read error"));
        }
        if (f.bytes.size() + static_cast<std::size_t>(n) > static_cast<std::size_t>(declared)) {
          return InvalidRequestError("tar.gz: entry " + QuoteName(name) +
                                     " holds more bytes than its header declares");
        }
        f.bytes.append(buf.data(), static_cast<std::size_t>(n));
      }
      if (f.bytes.size() != static_cast<std::size_t>(declared)) {
        return InvalidRequestError("tar.gz: entry " + QuoteName(name) + " is truncated");
      }
      total += f.bytes.size();
      file_paths.insert(name);
      files.push_back(std::move(f));
    }
    AICR_RETURN_IF_ERROR(
        inflater.CheckTailAfter(static_cast<std::uint64_t>(archive_filter_bytes(a.get(), 0))));
    AICR_RETURN_IF_ERROR(inflater.Finish());
    std::sort(files.begin(), files.end(),
              [](const TarFile& x, const TarFile& y) { return x.path < y.path; });
    return files;
  } catch (const std::exception& e) {
    return InternalError(std::string("tar.gz: ") + e.what());
  }
}

}  // namespace aicr::archive
