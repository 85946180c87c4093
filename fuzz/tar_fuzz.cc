// Fuzzes ReadTarGz with small limits: an untrusted archive either fails with
// INVALID_REQUEST or yields safe, sorted, unique, bounded files that WriteTarGz packs
// and ReadTarGz reads back to the same list.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "archive/tar.h"

namespace {

void Check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  aicr::archive::TarLimits limits;
  limits.max_files = 64;
  limits.max_file_bytes = 1 << 16;
  limits.max_total_bytes = 1 << 18;
  const std::string_view tgz(reinterpret_cast<const char*>(data), size);
  auto files = aicr::archive::ReadTarGz(tgz, limits);
  if (!files.ok()) {
    Check(files.status().code() == aicr::ErrorCode::kInvalidRequest);
    return 0;
  }
  Check(files->size() <= limits.max_files);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < files->size(); ++i) {
    const auto& f = (*files)[i];
    Check(!f.path.empty() && f.path.front() != '/' && f.path.find("..") != 0);
    Check(f.path.find("/../") == std::string::npos && f.path.find('\0') == std::string::npos);
    Check(i == 0 || (*files)[i - 1].path < f.path);
    total += f.bytes.size();
  }
  Check(total <= limits.max_total_bytes);
  auto packed = aicr::archive::WriteTarGz(*files);
  Check(packed.ok());
  auto again = aicr::archive::ReadTarGz(*packed, limits);
  Check(again.ok() && again->size() == files->size());
  for (std::size_t i = 0; i < files->size(); ++i) {
    Check((*again)[i].path == (*files)[i].path && (*again)[i].bytes == (*files)[i].bytes &&
          (*again)[i].executable == (*files)[i].executable);
  }
  return 0;
}
