#pragma once

/// \file
/// Tokens of a template: text between actions (already trimmed by `{{- ` / ` -}}`),
/// and the words inside `{{ }}`. Comments produce no tokens.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace aicr::gotemplate::internal {

enum class TokenKind {
  kText,        // text outside actions
  kLeftDelim,   // `{{` (with or without a trim marker)
  kRightDelim,  // `}}`
  kSpace,       // a run of spaces inside an action
  kIdentifier,  // a function name
  kKeyword,     // if else end range with define template block break continue
  kField,       // `.name`
  kVariable,    // `$name` or `$`
  kDot,         // `.`
  kString,      // `"..."`, quotes included
  kRawString,   // `` `...` ``, quotes included
  kChar,        // `'x'`, quotes included
  kNumber,      // a number as written (validated by the parser)
  kBool,        // true or false
  kNil,         // nil
  kPipe,        // |
  kLeftParen,   // (
  kRightParen,  // )
  kDeclare,     // :=
  kAssign,      // =
  kComma,       // ,
  kOtherChar,   // another printable ASCII character
  kEof,
  kError,  // `error` holds the message; the last token
};

struct Token {
  TokenKind kind = TokenKind::kEof;
  /// The token's source text (a view of the input).
  std::string_view text;
  /// 1-based line where the token starts.
  int line = 1;
  /// Byte offset of `text` in the input.
  std::size_t offset = 0;
  /// kError only.
  std::string error;
};

/// Splits `input` into tokens, ending with kEof or, at the first lexical error, kError.
std::vector<Token> Lex(std::string_view input);

/// Go's `%#U` of the character at `pos` (`U+0023 '#'`).
std::string DescribeChar(std::string_view input, std::size_t pos);

}  // namespace aicr::gotemplate::internal
