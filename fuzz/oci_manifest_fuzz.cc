// Fuzzes the registry answers and references an OCI client parses: DecodeManifest
// and DecodeIndex either fail with INVALID_REQUEST or decode to a value whose
// encoding decodes to the same encoding; ParseReference either fails with
// INVALID_REQUEST or gives a reference whose String() parses back to itself.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "oci/manifest.h"
#include "oci/reference.h"

namespace {

void Check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto m = aicr::oci::DecodeManifest(text); m.ok()) {
    const std::string encoded = aicr::oci::EncodeManifest(*m);
    auto back = aicr::oci::DecodeManifest(encoded);
    Check(back.ok() && aicr::oci::EncodeManifest(*back) == encoded);
  } else {
    Check(m.status().code() == aicr::ErrorCode::kInvalidRequest);
  }
  if (auto i = aicr::oci::DecodeIndex(text); i.ok()) {
    const std::string encoded = aicr::oci::EncodeIndex(*i);
    auto back = aicr::oci::DecodeIndex(encoded);
    Check(back.ok() && aicr::oci::EncodeIndex(*back) == encoded);
  } else {
    Check(i.status().code() == aicr::ErrorCode::kInvalidRequest);
  }
  if (size <= 512) {
    if (auto r = aicr::oci::ParseReference(text); r.ok()) {
      auto back = aicr::oci::ParseReference(r->String());
      Check(back.ok() && back->String() == r->String());
    } else {
      Check(r.status().code() == aicr::ErrorCode::kInvalidRequest);
    }
  }
  return 0;
}
