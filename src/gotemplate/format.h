#pragma once

/// \file
/// Go's fmt and strconv behaviour for the values of a template: `%v` printing,
/// `%q` quoting, Sprint/Sprintln and a Sprintf subset.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "serialize/value.h"

namespace aicr::gotemplate::internal {

/// Appends `cp` encoded as UTF-8. REQUIRES: cp is at most U+10FFFF.
void AppendUtf8(char32_t cp, std::string* out);

/// Go's type name of a value: `string`, `int`, `float64`, `bool`, `[]interface {}`,
/// `map[string]interface {}`, or `interface {}` for null.
std::string GoTypeName(const serialize::Value& v);

/// Go's `%v` of a float64: the shortest digits that read back, in exponent form when
/// the decimal exponent is below -4 or at least 6: `1.5`, `100000`, `1e+06`, `0.0001`,
/// `1e-05`, `+Inf`, `-Inf`, `NaN`.
std::string FormatFloat(double d);

/// Appends Go's `%v` of `v` (nullptr or null: `<nil>`): strings as is, `[a b]` for
/// sequences, `map[k:v]` for mappings (keys sorted).
void AppendValue(const serialize::Value* v, std::string* out);
std::string ValueString(const serialize::Value* v);

/// strconv.Quote: a double-quoted Go string literal. Printable characters stay as they
/// are (an approximation of unicode.IsPrint without the Unicode tables: controls,
/// format characters, separators, private use and non-characters are escaped); invalid
/// UTF-8 bytes become `\xNN`.
std::string GoQuote(std::string_view s, bool ascii_only = false);

/// fmt.Sprint: operands in `%v`, a space between two operands when neither is a string.
/// Output beyond `max_bytes` is an error.
Result<std::string> Sprint(const std::vector<const serialize::Value*>& args, std::size_t max_bytes);
/// fmt.Sprintln: operands in `%v` separated by spaces, then a newline.
Result<std::string> Sprintln(const std::vector<const serialize::Value*>& args,
                             std::size_t max_bytes);

/// fmt.Sprintf for the verbs v s d q t x X o b c U e E f F g G and %%, the flags
/// `-`, `+`, ` ` and `0`, and decimal width and precision. Mismatches print as Go does
/// (`%!d(string=x)`, `%!s(MISSING)`, `%!(EXTRA int=1)`); `#`, `*` and argument indexes
/// are errors. Output beyond `max_bytes` is an error.
Result<std::string> Sprintf(std::string_view format,
                            const std::vector<const serialize::Value*>& args,
                            std::size_t max_bytes);

}  // namespace aicr::gotemplate::internal
