#pragma once

/// \file
/// Constraint value expressions: `>= 1.32.4`, `ubuntu`, `!= rhel`, `>=6.8`, and the
/// compound form `>= 1.34.3-gke.1318000 < 1.35.0 || >= 1.35.0-gke.2745000`
/// (`||` separates OR clauses; inside a clause a new AND term starts wherever
/// whitespace is followed by `>`, `<`, `!` or `=`).

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace aicr::constraints {

/// A comparison operator; kExact is "no operator" (case-sensitive string equality).
enum class Operator { kExact, kEq, kNe, kGte, kLte, kGt, kLt };

/// `==`, `!=`, `>=`, `<=`, `>`, `<`, or empty for kExact.
std::string_view OperatorSymbol(Operator op);

/// One `<operator> <value>` term.
struct ParsedConstraint {
  Operator op = Operator::kExact;
  /// The expected value, trimmed.
  std::string value;
  /// True for `>=`, `<=`, `>`, `<`, and for any operator whose value looks like a
  /// version (see LooksLikeVersion); `==`/`!=` then compare as versions when both
  /// sides parse.
  bool is_version_comparison = false;

  /// `>= 1.32.4`; an exact match prints the bare value.
  std::string String() const;

  /// Evaluates against `actual` (trimmed first):
  /// - exact: string equality;
  /// - `==`/`!=`: version Equals when is_version_comparison and both sides parse,
  ///   otherwise string (in)equality;
  /// - `>=`, `<=`, `>`, `<`: both sides must parse as versions, else INVALID_REQUEST
  ///   `cannot parse expected version: ...` / `cannot parse actual version: ...`.
  Result<bool> Evaluate(std::string_view actual) const;

  friend bool operator==(const ParsedConstraint& a, const ParsedConstraint& b) = default;
};

/// Parses one term. The expression is trimmed; operators are tried in the order
/// `>=`, `<=`, `!=`, `==`, `>`, `<`, `=` (a lone `=` means `==`), with optional
/// whitespace before the value; no operator means an exact match. INVALID_REQUEST
/// for an empty expression, an operator without a value, a bare `!x` prefix, and a
/// `>=`/`<=`/`>`/`<` version value whose `-gke.` build suffix is malformed.
Result<ParsedConstraint> ParseExpression(std::string_view expression);

/// True when, after an optional leading `v`, `text` contains a digit and a dot
/// (so `1.2`, `v1.2.3` and `ubuntu22.04`, but not `123` or `v`).
bool LooksLikeVersion(std::string_view text);

/// Whether a term with this operator and value is a version comparison: always for
/// `>=`, `<=`, `>`, `<`; otherwise when LooksLikeVersion(value).
bool IsVersionComparison(Operator op, std::string_view value);

/// OR of AND groups of terms.
struct CompoundConstraint {
  /// The OR clauses; each holds at least one AND term.
  std::vector<std::vector<ParsedConstraint>> alternatives;
  /// The trimmed source expression.
  std::string raw;

  const std::string& String() const { return raw; }

  /// True when every term of some clause passes. Clauses and terms are evaluated in
  /// order and stop early; the first term error is returned (fail closed).
  Result<bool> Evaluate(std::string_view actual) const;
};

/// Parses a compound expression; a plain term is one clause with one term.
/// INVALID_REQUEST for an empty expression, an empty `||` clause, or a bad term.
Result<CompoundConstraint> ParseCompound(std::string_view expression);

/// Parses `expression` as a compound expression and evaluates it against `actual`.
/// Errors are INVALID_REQUEST (a bad expression, or a value that must be a version
/// but does not parse).
Result<bool> Evaluate(std::string_view expression, std::string_view actual);

}  // namespace aicr::constraints
