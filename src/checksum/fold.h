#pragma once

/// \file
/// Case folding for path comparison. Two paths that fold to the same key name the
/// same file on a case-insensitive file system (macOS, Windows), so a manifest must
/// not list both.
///
/// The fold maps every code point to one representative of its simple case-folding
/// orbit (Unicode CaseFolding.txt status C and S, the relation Go's
/// strings.EqualFold uses). Covered ranges:
///   - ASCII A–Z; Latin-1 Supplement (incl. µ U+00B5 → μ, ÿ/Ÿ); ß and ẞ U+1E9E;
///   - Latin Extended-A U+0100–U+017F (incl. ſ U+017F → s; İ U+0130 and ı U+0131
///     fold only to themselves, as in simple folding);
///   - Latin Extended Additional U+1E00–U+1EFF (incl. ẛ U+1E9B → ṡ);
///   - Greek and Coptic U+0370–U+03FF (incl. final sigma ς, the symbol variants ϐ ϑ ϕ
///     ϖ ϰ ϱ ϵ ϴ), ͅ U+0345 and ι U+1FBE → ι, Ω U+2126 → ω;
///   - Cyrillic U+0400–U+052F and the historic variants U+1C80–U+1C88; Armenian;
///   - Kelvin K U+212A → k, Ångström Å U+212B → å; Roman numerals U+2160–U+216F;
///     circled letters U+24B6–U+24E9; fullwidth Ａ–Ｚ U+FF21–U+FF3A.
/// Not covered: Latin Extended-B, Georgian, Cherokee, Glagolitic, Deseret and other
/// scripts with case; full (multi-character) folds such as ß → ss; and Unicode
/// canonical equivalence (NFC vs NFD spellings of é are different keys).

#include <optional>
#include <string>
#include <string_view>

namespace aicr::checksum {

/// The fold of one code point (itself when it has no fold in the covered ranges).
char32_t FoldRune(char32_t c);

/// The fold key of UTF-8 text: every code point replaced by FoldRune, re-encoded as
/// UTF-8. std::nullopt when `utf8` is not valid UTF-8 (overlong forms, surrogates,
/// code points above U+10FFFF and truncated sequences are all invalid).
std::optional<std::string> FoldKey(std::string_view utf8);

/// Whether `s` is valid UTF-8 (same rules as FoldKey).
bool IsValidUtf8(std::string_view s);

}  // namespace aicr::checksum
