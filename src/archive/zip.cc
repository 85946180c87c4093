#include "archive/zip.h"

#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <set>
#include <string_view>

#include "archive/entry_path.h"
#include "base/status.h"
#include "base/strings.h"

namespace aicr::archive {
namespace {

constexpr std::uint32_t kLocalHeaderSig = 0x04034b50;
constexpr std::uint32_t kCentralHeaderSig = 0x02014b50;
constexpr std::uint32_t kEndOfCentralDirSig = 0x06054b50;
constexpr std::uint16_t kVersionNeeded = 20;               // 2.0: DEFLATE and folders
constexpr std::uint16_t kVersionMadeBy = (3u << 8) | 20u;  // Unix, spec 2.0
constexpr std::uint16_t kFlagUtf8 = 0x0800;
constexpr std::uint16_t kMethodStored = 0;
constexpr std::uint16_t kMethodDeflated = 8;
constexpr std::uint16_t kDosTime = 0;                           // 00:00:00
constexpr std::uint16_t kDosDate = (0u << 9) | (1u << 5) | 1u;  // 1980-01-01
constexpr std::uint32_t kUnixRegular = 0100000;
constexpr std::uint32_t kUnixDirectory = 0040000;
constexpr std::uint32_t kDosDirectory = 0x10;
constexpr unsigned kDirMode = 0755;
constexpr std::size_t kLocalHeaderBytes = 30;
constexpr std::size_t kEndBytes = 22;
constexpr std::size_t kMaxNameBytes = 0xffff;

void PutU16(std::string& out, std::uint16_t v) {
  out += static_cast<char>(v & 0xffu);
  out += static_cast<char>((v >> 8) & 0xffu);
}

void PutU32(std::string& out, std::uint32_t v) {
  for (int shift = 0; shift < 32; shift += 8) {
    out += static_cast<char>((v >> shift) & 0xffu);
  }
}

/// The parent folders of `path`, outermost first, each with a trailing `/`.
std::vector<std::string> ParentFolders(std::string_view path) {
  std::vector<std::string> out;
  for (std::size_t slash = path.find('/'); slash != std::string_view::npos;
       slash = path.find('/', slash + 1)) {
    out.emplace_back(path.substr(0, slash + 1));
  }
  return out;
}

/// One item to write: a folder (`path` ends in `/`) or a file.
struct Item {
  std::string_view path;
  const std::string* bytes;  // nullptr for a folder
  unsigned mode;
};

/// Reusable raw-DEFLATE state (windowBits -15), reset per entry.
class Deflater {
 public:
  Deflater() {
    if (deflateInit2(&stream_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK) {
      std::abort();  // only out of memory, fatal elsewhere too
    }
  }
  ~Deflater() { deflateEnd(&stream_); }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  /// Puts the raw DEFLATE stream of `in` in `out` and returns true when it is shorter
  /// than `in`; false (the caller stores `in`) otherwise. REQUIRES: in.size() fits
  /// in zlib's 32-bit counters (WriteZip checks kMaxZipBytes first).
  bool Compress(std::string_view in, std::string& out) {
    out.clear();
    if (in.empty() || deflateReset(&stream_) != Z_OK) {
      return false;
    }
    out.resize(in.size());  // anything that does not fit here is not worth it
    // zlib's next_in is non-const for historical reasons only; it never writes there.
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    stream_.avail_in = static_cast<uInt>(in.size());
    stream_.next_out = reinterpret_cast<Bytef*>(out.data());
    stream_.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&stream_, Z_FINISH);
    if (rc == Z_STREAM_ERROR) {
      std::abort();  // a corrupted stream is a bug in this file
    }
    if (rc != Z_STREAM_END || stream_.total_out >= in.size()) {
      return false;
    }
    out.resize(stream_.total_out);
    return true;
  }

 private:
  z_stream stream_{};
};

std::uint32_t Crc32(std::string_view bytes) {
  return static_cast<std::uint32_t>(
      crc32_z(crc32_z(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(bytes.data()), bytes.size()));
}

Status TooLarge() {
  return InvalidRequestError("zip archive would exceed 4 GiB (ZIP64 is not written)");
}

}  // namespace

Result<std::string> WriteZip(const std::vector<ZipEntry>& entries) {
  // Validate everything and lay out the items before any compression.
  std::set<std::string_view> files;
  std::set<std::string, std::less<>> folders;
  std::vector<std::string> folder_names;  // owns generated folder paths, stable below
  folder_names.reserve(entries.size());
  struct Planned {
    std::size_t folder_index;  // index into folder_names, or npos for the file
    const ZipEntry* file;
  };
  std::vector<Planned> plan;
  plan.reserve(entries.size());
  for (const ZipEntry& e : entries) {
    if (const std::string why = EntryPathProblem(e.path, kMaxNameBytes); !why.empty()) {
      return InvalidRequestError("zip entry " + Quote(e.path) + ": " + why);
    }
    if (e.mode > 0777) {
      return InvalidRequestError("zip entry " + Quote(e.path) + ": mode has bits beyond 0777");
    }
    if (e.bytes.size() > kMaxZipBytes) {
      return TooLarge();
    }
    if (!files.insert(e.path).second) {
      return InvalidRequestError("zip entry " + Quote(e.path) + ": path given twice");
    }
    if (folders.count(e.path + "/") != 0) {
      return InvalidRequestError("zip entry " + Quote(e.path) + ": path is also a folder");
    }
    for (std::string& folder : ParentFolders(e.path)) {
      const std::string_view bare(folder.data(), folder.size() - 1);
      if (files.count(bare) != 0) {
        return InvalidRequestError("zip entry " + Quote(e.path) + ": parent " + Quote(bare) +
                                   " is a file");
      }
      if (folders.insert(folder).second) {
        folder_names.push_back(std::move(folder));
        plan.push_back({folder_names.size() - 1, nullptr});
      }
    }
    plan.push_back({std::string::npos, &e});
    if (plan.size() > kMaxZipEntries) {
      return InvalidRequestError("zip archive would hold more than " +
                                 std::to_string(kMaxZipEntries) +
                                 " entries (ZIP64 is not written)");
    }
  }

  std::string out;
  std::string central;
  std::string compressed;
  Deflater deflater;
  for (const Planned& p : plan) {
    const bool is_folder = p.file == nullptr;
    const std::string_view path =
        is_folder ? std::string_view(folder_names[p.folder_index]) : std::string_view(p.file->path);
    const std::string_view bytes = is_folder ? std::string_view() : std::string_view(p.file->bytes);
    const unsigned mode = is_folder ? kDirMode : p.file->mode;

    const bool deflated = deflater.Compress(bytes, compressed);
    const std::string_view data = deflated ? std::string_view(compressed) : bytes;
    const std::uint16_t method = deflated ? kMethodDeflated : kMethodStored;
    const std::uint32_t crc = Crc32(bytes);
    bool utf8 = false;
    for (const char c : path) {
      utf8 = utf8 || static_cast<unsigned char>(c) >= 0x80;
    }
    const std::uint16_t flags = utf8 ? kFlagUtf8 : 0;
    const std::size_t offset = out.size();
    if (offset + kLocalHeaderBytes + path.size() + data.size() > kMaxZipBytes) {
      return TooLarge();
    }

    PutU32(out, kLocalHeaderSig);
    PutU16(out, kVersionNeeded);
    PutU16(out, flags);
    PutU16(out, method);
    PutU16(out, kDosTime);
    PutU16(out, kDosDate);
    PutU32(out, crc);
    PutU32(out, static_cast<std::uint32_t>(data.size()));
    PutU32(out, static_cast<std::uint32_t>(bytes.size()));
    PutU16(out, static_cast<std::uint16_t>(path.size()));
    PutU16(out, 0);  // extra field length
    out += path;
    out += data;

    const std::uint32_t external = ((is_folder ? kUnixDirectory : kUnixRegular) | mode) << 16 |
                                   (is_folder ? kDosDirectory : 0);
    PutU32(central, kCentralHeaderSig);
    PutU16(central, kVersionMadeBy);
    PutU16(central, kVersionNeeded);
    PutU16(central, flags);
    PutU16(central, method);
    PutU16(central, kDosTime);
    PutU16(central, kDosDate);
    PutU32(central, crc);
    PutU32(central, static_cast<std::uint32_t>(data.size()));
    PutU32(central, static_cast<std::uint32_t>(bytes.size()));
    PutU16(central, static_cast<std::uint16_t>(path.size()));
    PutU16(central, 0);  // extra field length
    PutU16(central, 0);  // comment length
    PutU16(central, 0);  // disk number start
    PutU16(central, 0);  // internal attributes
    PutU32(central, external);
    PutU32(central, static_cast<std::uint32_t>(offset));
    central += path;
  }

  const std::size_t central_offset = out.size();
  if (central_offset + central.size() + kEndBytes > kMaxZipBytes) {
    return TooLarge();
  }
  out += central;
  PutU32(out, kEndOfCentralDirSig);
  PutU16(out, 0);  // this disk
  PutU16(out, 0);  // disk with the central directory
  PutU16(out, static_cast<std::uint16_t>(plan.size()));
  PutU16(out, static_cast<std::uint16_t>(plan.size()));
  PutU32(out, static_cast<std::uint32_t>(central.size()));
  PutU32(out, static_cast<std::uint32_t>(central_offset));
  PutU16(out, 0);  // comment length
  return out;
}

}  // namespace aicr::archive
