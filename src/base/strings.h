#pragma once

/// \file
/// Small string helpers shared by error messages and renderers.

#include <string>
#include <string_view>
#include <vector>

namespace aicr {

/// `"s"`: a name wrapped in double quotes, as error messages show names.
std::string Quote(std::string_view s);

/// `"s"` with `"`, `\` and ASCII control bytes escaped (`\n`, `\r`, `\t`, `\xNN`), as
/// Go's %q shows text: a hostile name cannot forge lines in a message or a path;
/// other bytes (UTF-8 included) are unchanged.
std::string EscapedQuote(std::string_view s);

/// The items separated by `sep`.
std::string Join(const std::vector<std::string>& items, std::string_view sep);

/// Space, tab, newline, carriage return, vertical tab or form feed.
bool IsSpace(char c);

/// `s` with ASCII `A-Z` lower-cased (other bytes unchanged; not locale-dependent).
std::string AsciiLower(std::string_view s);

/// `s` without leading and trailing IsSpace characters.
std::string_view Trim(std::string_view s);

/// The value of a hexadecimal digit (`0-9a-fA-F`), or -1.
int HexDigitValue(char c);

/// strerror(err) with a lower-case first letter (messages are lower-case).
std::string ErrnoText(int err);

/// Rows as left-aligned columns separated by three spaces, one `\n`-terminated
/// line per row (the first row is usually the header).
std::string AlignColumns(const std::vector<std::vector<std::string>>& rows);

/// Lower-case hexadecimal of `bytes`, two digits per byte.
std::string HexEncode(std::string_view bytes);

}  // namespace aicr
