// Fuzzes the CTRF report reader (validator reports read back from ConfigMaps and
// files before a merge): whatever parses must write, and the written JSON must parse
// back to an equal report that writes to identical bytes.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "validator/ctrf.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto report = aicr::validator::ctrf::ParseReportJson(text);
  if (!report.ok()) {
    return 0;
  }
  const std::string written = aicr::validator::ctrf::WriteReportJson(*report);
  auto back = aicr::validator::ctrf::ParseReportJson(written);
  if (!back.ok() || !(*back == *report) ||
      aicr::validator::ctrf::WriteReportJson(*back) != written) {
    std::abort();
  }
  return 0;
}
