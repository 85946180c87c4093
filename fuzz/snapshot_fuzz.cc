// Fuzzes the Snapshot document reader (snapshots arrive from files, URLs and
// ConfigMaps written by agents): a decoded snapshot must encode, and after one
// encode/decode cycle the written document is a fixed point.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "measurement/snapshot.h"
#include "serialize/yaml_reader.h"
#include "serialize/yaml_writer.h"

namespace {

void Check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = aicr::serialize::ParseYaml(text);
  if (!doc.ok()) {
    return 0;
  }
  auto snapshot = aicr::measurement::DecodeSnapshot(*doc);
  if (!snapshot.ok()) {
    return 0;
  }
  const std::string first =
      aicr::serialize::WriteYaml(aicr::measurement::EncodeSnapshot(*snapshot));
  auto doc2 = aicr::serialize::ParseYaml(first);
  Check(doc2.ok());
  auto snapshot2 = aicr::measurement::DecodeSnapshot(*doc2);
  Check(snapshot2.ok());
  const std::string second =
      aicr::serialize::WriteYaml(aicr::measurement::EncodeSnapshot(*snapshot2));
  auto doc3 = aicr::serialize::ParseYaml(second);
  Check(doc3.ok());
  auto snapshot3 = aicr::measurement::DecodeSnapshot(*doc3);
  Check(snapshot3.ok());
  Check(aicr::serialize::WriteYaml(aicr::measurement::EncodeSnapshot(*snapshot3)) == second);
  return 0;
}
