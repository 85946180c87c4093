// Fuzzes the template engine: any input either parses or fails with INVALID_REQUEST,
// and a parsed template executes within its limits or fails with INVALID_REQUEST.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gotemplate/template.h"
#include "serialize/yaml_reader.h"

namespace {

using aicr::ErrorCode;
using aicr::serialize::Value;

void Check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

const Value& Dot() {
  static const Value* const dot = [] {
    auto v = aicr::serialize::ParseYaml(R"(
Values:
  c: {s: text, i: 3, f: 1.5, b: true, n: null, l: [a, 1, null, {k: v}], m: {x: {y: z}}, e: {}}
Release: {Namespace: ns, Service: Helm}
Chart: {Name: chart, Version: 1.0.0+g1}
)");
    Check(v.ok());
    return new Value(*v);
  }();
  return *dot;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  aicr::gotemplate::Limits limits;
  limits.max_template_bytes = std::size_t{64} * 1024;
  limits.max_output_bytes = 1 << 20;
  limits.max_range_iterations = 10'000;
  limits.max_steps = 100'000;
  limits.max_work_bytes = std::size_t{8} << 20;
  auto parsed = aicr::gotemplate::Template::Parse("fuzz.yaml", text, limits);
  if (!parsed.ok()) {
    Check(parsed.status().code() == ErrorCode::kInvalidRequest);
    return 0;
  }
  auto out = parsed->Execute(Dot());
  if (!out.ok()) {
    Check(out.status().code() == ErrorCode::kInvalidRequest);
    return 0;
  }
  Check(out->size() <= limits.max_output_bytes);
  return 0;
}
