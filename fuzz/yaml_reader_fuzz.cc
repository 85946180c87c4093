// Fuzzes ParseYamlDocuments and checks the canonical writers against it: whatever
// parses must write, re-parse to an equal value, and write to identical bytes.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "serialize/json_reader.h"
#include "serialize/json_writer.h"
#include "serialize/yaml_reader.h"
#include "serialize/yaml_writer.h"

namespace {

using aicr::serialize::ParseOptions;
using aicr::serialize::Value;

void Check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ParseOptions options;
  options.max_nodes = 50'000;  // keeps alias-heavy inputs fast
  auto docs = aicr::serialize::ParseYamlDocuments(text, options);
  if (!docs.ok()) {
    return 0;
  }
  (void)aicr::serialize::ParseYaml(text, options);

  std::string written = aicr::serialize::WriteYamlDocuments(*docs);
  auto back = aicr::serialize::ParseYamlDocuments(written);
  Check(back.ok());
  Check(*back == *docs);
  Check(aicr::serialize::WriteYamlDocuments(*back) == written);

  for (const Value& doc : *docs) {
    auto json = aicr::serialize::WriteJson(doc);
    if (!json.ok()) {
      continue;  // non-finite floats have no JSON form
    }
    auto from_json = aicr::serialize::ParseJson(*json);
    Check(from_json.ok());
    Check(*from_json == doc);
  }
  return 0;
}
