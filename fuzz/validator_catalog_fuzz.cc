// Fuzzes the validator catalogue parser (the embedded catalogue can be replaced by
// `--data`): any input either fails with a Status or yields entries whose required
// fields are set; nothing crashes or hangs.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "validator/catalog.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto catalog = aicr::validator::ParseCatalog(text);
  if (!catalog.ok()) {
    return 0;
  }
  for (const auto& entry : catalog->validators) {
    if (entry.name.empty() || entry.image.empty() || entry.timeout.count() <= 0) {
      std::abort();
    }
  }
  return 0;
}
