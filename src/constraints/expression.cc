#include "constraints/expression.h"

#include <array>
#include <optional>
#include <string>
#include <utility>

#include "base/status_macros.h"
#include "base/strings.h"
#include "constraints/version.h"

namespace aicr::constraints {
namespace {

bool IsOrderingOperator(Operator op) {
  return op == Operator::kGte || op == Operator::kLte || op == Operator::kGt || op == Operator::kLt;
}

// A term boundary inside an AND clause starts with one of these.
bool IsOperatorStart(char c) { return c == '>' || c == '<' || c == '!' || c == '='; }

std::vector<std::string_view> SplitAndTerms(std::string_view clause) {
  std::vector<std::string_view> terms;
  std::size_t start = 0;
  std::size_t i = 0;
  while (i < clause.size()) {
    if (clause[i] == ' ' || clause[i] == '\t') {
      std::size_t j = i;
      while (j < clause.size() && (clause[j] == ' ' || clause[j] == '\t')) {
        ++j;
      }
      if (j < clause.size() && IsOperatorStart(clause[j])) {
        if (std::string_view term = Trim(clause.substr(start, i - start)); !term.empty()) {
          terms.push_back(term);
        }
        start = j;
        i = j;
        continue;
      }
    }
    ++i;
  }
  if (std::string_view term = Trim(clause.substr(start)); !term.empty()) {
    terms.push_back(term);
  }
  return terms;
}

}  // namespace

std::string_view OperatorSymbol(Operator op) {
  switch (op) {
    case Operator::kExact:
      return "";
    case Operator::kEq:
      return "==";
    case Operator::kNe:
      return "!=";
    case Operator::kGte:
      return ">=";
    case Operator::kLte:
      return "<=";
    case Operator::kGt:
      return ">";
    case Operator::kLt:
      return "<";
  }
  return "";
}

bool LooksLikeVersion(std::string_view text) {
  if (!text.empty() && text.front() == 'v') {
    text.remove_prefix(1);
  }
  bool has_digit = false;
  bool has_dot = false;
  for (char c : text) {
    has_digit = has_digit || (c >= '0' && c <= '9');
    has_dot = has_dot || c == '.';
  }
  return has_digit && has_dot;
}

bool IsVersionComparison(Operator op, std::string_view value) {
  return IsOrderingOperator(op) || LooksLikeVersion(value);
}

Result<ParsedConstraint> ParseExpression(std::string_view expression) {
  const std::string_view expr = Trim(expression);
  if (expr.empty()) {
    return InvalidRequestError("empty constraint expression");
  }
  // `!` is only an operator as `!=`; `!x` would read as negation, which the scalar
  // grammar does not have (the node-set form owns `!key`).
  if (expr.front() == '!' && expr.substr(0, 2) != "!=" && expr.size() > 1 && !IsSpace(expr[1])) {
    return InvalidRequestError("constraint expression " + Quote(expr) +
                               ": a bare \"!\" prefix is not an operator; use \"!=\"");
  }

  static constexpr std::array<std::pair<std::string_view, Operator>, 7> kOperators = {{
      {">=", Operator::kGte},
      {"<=", Operator::kLte},
      {"!=", Operator::kNe},
      {"==", Operator::kEq},
      {">", Operator::kGt},
      {"<", Operator::kLt},
      {"=", Operator::kEq},
  }};
  ParsedConstraint pc;
  std::string_view matched;
  for (const auto& [symbol, op] : kOperators) {
    if (expr.substr(0, symbol.size()) == symbol) {
      pc.op = op;
      pc.value = std::string(Trim(expr.substr(symbol.size())));
      matched = symbol;
      break;
    }
  }
  if (matched.empty()) {
    pc.op = Operator::kExact;
    pc.value = std::string(expr);
  }
  if (pc.value.empty()) {
    return InvalidRequestError("constraint expression " + Quote(expr) + ": no value after " +
                               Quote(matched));
  }
  pc.is_version_comparison = IsVersionComparison(pc.op, pc.value);

  // A malformed GKE build number would make Compare ignore the suffix and let a
  // bare version satisfy the floor; reject it while parsing instead.
  if (IsOrderingOperator(pc.op)) {
    Result<Version> parsed = ParseVersion(pc.value);
    if (parsed.ok() && HasRawGkeSuffix(parsed->extras) && !ExtractGkeBuild(parsed->extras)) {
      return InvalidRequestError("constraint expression " + Quote(expr) +
                                 ": malformed GKE build suffix " + Quote(parsed->extras) +
                                 " (want -gke.N with N >= 0)");
    }
  }
  return pc;
}

std::string ParsedConstraint::String() const {
  if (op == Operator::kExact) {
    return value;
  }
  return std::string(OperatorSymbol(op)) + " " + value;
}

Result<bool> ParsedConstraint::Evaluate(std::string_view actual_in) const {
  const std::string_view actual = Trim(actual_in);
  switch (op) {
    case Operator::kExact:
      return actual == value;
    case Operator::kEq:
    case Operator::kNe: {
      bool equal = actual == value;
      if (is_version_comparison) {
        Result<Version> expected_version = ParseVersion(value);
        Result<Version> actual_version = ParseVersion(actual);
        if (expected_version.ok() && actual_version.ok()) {
          equal = expected_version->Equals(*actual_version);
        }
      }
      return op == Operator::kEq ? equal : !equal;
    }
    case Operator::kGte:
    case Operator::kLte:
    case Operator::kGt:
    case Operator::kLt: {
      Result<Version> expected_version = ParseVersion(value);
      if (!expected_version.ok()) {
        return expected_version.status().WithContext("cannot parse expected version");
      }
      Result<Version> actual_version = ParseVersion(actual);
      if (!actual_version.ok()) {
        return actual_version.status().WithContext("cannot parse actual version");
      }
      const int cmp = actual_version->Compare(*expected_version);
      switch (op) {
        case Operator::kGte:
          return cmp >= 0;
        case Operator::kLte:
          return cmp <= 0;
        case Operator::kGt:
          return cmp > 0;
        default:
          return cmp < 0;
      }
    }
  }
  return InternalError("unknown constraint operator");
}

Result<CompoundConstraint> ParseCompound(std::string_view expression) {
  const std::string_view expr = Trim(expression);
  if (expr.empty()) {
    return InvalidRequestError("empty constraint expression");
  }
  CompoundConstraint cc;
  cc.raw = std::string(expr);
  std::size_t start = 0;
  while (true) {
    const std::size_t bar = expr.find("||", start);
    const std::string_view clause = Trim(
        expr.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start));
    if (clause.empty()) {
      return InvalidRequestError("constraint expression " + Quote(expr) +
                                 ": empty \"||\" clause (leading, trailing or doubled \"||\")");
    }
    std::vector<ParsedConstraint> group;
    for (std::string_view term : SplitAndTerms(clause)) {
      AICR_ASSIGN_OR_RETURN(ParsedConstraint pc, ParseExpression(term));
      group.push_back(std::move(pc));
    }
    cc.alternatives.push_back(std::move(group));
    if (bar == std::string_view::npos) {
      break;
    }
    start = bar + 2;
  }
  return cc;
}

Result<bool> CompoundConstraint::Evaluate(std::string_view actual) const {
  for (const std::vector<ParsedConstraint>& group : alternatives) {
    if (group.empty()) {
      continue;  // an empty AND group must not pass vacuously
    }
    bool group_passed = true;
    for (const ParsedConstraint& term : group) {
      AICR_ASSIGN_OR_RETURN(bool passed, term.Evaluate(actual));
      if (!passed) {
        group_passed = false;
        break;
      }
    }
    if (group_passed) {
      return true;
    }
  }
  return false;
}

Result<bool> Evaluate(std::string_view expression, std::string_view actual) {
  AICR_ASSIGN_OR_RETURN(CompoundConstraint cc, ParseCompound(expression));
  return cc.Evaluate(actual);
}

}  // namespace aicr::constraints
