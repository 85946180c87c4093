// Fuzzes ParseJson and checks both canonical writers against it: whatever parses must
// write, re-parse to an equal value, and write to identical bytes.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "serialize/json_reader.h"
#include "serialize/json_writer.h"
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
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto value = aicr::serialize::ParseJson(text);
  if (!value.ok()) {
    return 0;
  }
  auto json = aicr::serialize::WriteJson(*value);
  Check(json.ok());
  auto back = aicr::serialize::ParseJson(*json);
  Check(back.ok());
  Check(*back == *value);
  Check(aicr::serialize::WriteJson(*back).value() == *json);

  aicr::serialize::JsonWriteOptions compact;
  compact.compact = true;
  auto compact_back =
      aicr::serialize::ParseJson(aicr::serialize::WriteJson(*value, compact).value());
  Check(compact_back.ok());
  Check(*compact_back == *value);

  std::string yaml = aicr::serialize::WriteYaml(*value);
  auto from_yaml = aicr::serialize::ParseYaml(yaml);
  Check(from_yaml.ok());
  Check(*from_yaml == *value);
  return 0;
}
