// Fuzzes ParseManifest: whatever parses must marshal, and the marshalled text must
// parse back to the same entries (sorted) and marshal to identical bytes. Input that
// was already canonical (sorted, one trailing newline) must come back byte for byte.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "checksum/manifest.h"

namespace {

void Check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto entries = aicr::checksum::ParseManifest(text);
  if (!entries.ok()) {
    return 0;
  }
  auto marshalled = aicr::checksum::MarshalManifest(*entries);
  Check(marshalled.ok());
  auto back = aicr::checksum::ParseManifest(*marshalled);
  Check(back.ok());

  std::vector<aicr::checksum::Entry> sorted = *entries;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.path < b.path; });
  Check(*back == sorted);
  auto again = aicr::checksum::MarshalManifest(*back);
  Check(again.ok() && *again == *marshalled);
  if (std::is_sorted(entries->begin(), entries->end(),
                     [](const auto& a, const auto& b) { return a.path < b.path; }) &&
      !text.empty() && text.back() == '\n') {
    Check(*marshalled == text);
  }
  return 0;
}
