#include "constraints/expression.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/testing/status_matchers.h"

namespace aicr::constraints {
namespace {

using ::testing::HasSubstr;

ParsedConstraint Term(Operator op, std::string value, bool is_version = false) {
  return ParsedConstraint{op, std::move(value), is_version};
}

struct ParseCase {
  std::string expression;
  Operator op;
  std::string value;
  bool is_version;
};

TEST(ParseExpressionTest, Operators) {
  const std::vector<ParseCase> cases = {
      {">= 1.32.4", Operator::kGte, "1.32.4", true},
      {"<= 1.33", Operator::kLte, "1.33", true},
      {"> 1.30", Operator::kGt, "1.30", true},
      {"< 2.0", Operator::kLt, "2.0", true},
      {"== ubuntu", Operator::kEq, "ubuntu", false},
      {"== 24.04", Operator::kEq, "24.04", true},
      {"= ubuntu", Operator::kEq, "ubuntu", false},
      {"=ubuntu", Operator::kEq, "ubuntu", false},
      {"!= rhel", Operator::kNe, "rhel", false},
      {"ubuntu", Operator::kExact, "ubuntu", false},
      {"24.04", Operator::kExact, "24.04", true},
      {"v1.33.5", Operator::kExact, "v1.33.5", true},
      {">=  1.32.4", Operator::kGte, "1.32.4", true},
      {" >= 1.32.4", Operator::kGte, "1.32.4", true},
      {">= 1.32.4 ", Operator::kGte, "1.32.4", true},
      {">=6.8", Operator::kGte, "6.8", true},
      {">1.30", Operator::kGt, "1.30", true},
      {"<=1.33", Operator::kLte, "1.33", true},
      {"<2.0", Operator::kLt, "2.0", true},
      {"==ubuntu", Operator::kEq, "ubuntu", false},
      {"!=rhel", Operator::kNe, "rhel", false},
      {">= not-a-version", Operator::kGte, "not-a-version", true},
      {">= 1.33.5-eks-3025e55", Operator::kGte, "1.33.5-eks-3025e55", true},
      {">= 1.34.3-gke.1318000", Operator::kGte, "1.34.3-gke.1318000", true},
      // The GKE suffix check only applies to ordering operators.
      {"== 1.34.3-gke.-1", Operator::kEq, "1.34.3-gke.-1", true},
      // Only a `!` glued to a value is rejected; `! x` and `!` are exact values.
      {"! x", Operator::kExact, "! x", false},
      {"!", Operator::kExact, "!", false},
  };
  for (const ParseCase& c : cases) {
    SCOPED_TRACE(c.expression);
    EXPECT_THAT(ParseExpression(c.expression), IsOkAndHolds(Term(c.op, c.value, c.is_version)));
  }
}

struct ErrorCase {
  std::string expression;
  std::string message;
};

TEST(ParseExpressionTest, Errors) {
  const std::vector<ErrorCase> cases = {
      {"", "empty constraint expression"},
      {"   ", "empty constraint expression"},
      {">=", "constraint expression \">=\": no value after \">=\""},
      {"= ", "constraint expression \"=\": no value after \"=\""},
      {"!=  ", "constraint expression \"!=\": no value after \"!=\""},
      {"!some-label-key",
       "constraint expression \"!some-label-key\": a bare \"!\" prefix is not an operator; "
       "use \"!=\""},
      {"!ubuntu",
       "constraint expression \"!ubuntu\": a bare \"!\" prefix is not an operator; use \"!=\""},
      {">= 1.34.3-gke.-1",
       "constraint expression \">= 1.34.3-gke.-1\": malformed GKE build suffix \"-gke.-1\" "
       "(want -gke.N with N >= 0)"},
      {">= 1.34.3-gke.abc",
       "constraint expression \">= 1.34.3-gke.abc\": malformed GKE build suffix \"-gke.abc\" "
       "(want -gke.N with N >= 0)"},
      {"< 1.34.3-gke.",
       "constraint expression \"< 1.34.3-gke.\": malformed GKE build suffix \"-gke.\" "
       "(want -gke.N with N >= 0)"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.expression);
    EXPECT_THAT(ParseExpression(c.expression), StatusIs(ErrorCode::kInvalidRequest, c.message));
  }
}

TEST(LooksLikeVersionTest, Heuristic) {
  EXPECT_TRUE(LooksLikeVersion("1.2.3"));
  EXPECT_TRUE(LooksLikeVersion("v1.2.3"));
  EXPECT_TRUE(LooksLikeVersion("1.0"));
  EXPECT_TRUE(LooksLikeVersion("ubuntu22.04"));
  EXPECT_FALSE(LooksLikeVersion("123"));
  EXPECT_FALSE(LooksLikeVersion("abc.def"));
  EXPECT_FALSE(LooksLikeVersion(""));
  EXPECT_FALSE(LooksLikeVersion("v"));
  EXPECT_FALSE(LooksLikeVersion("a.b.c"));
}

TEST(IsVersionComparisonTest, OrderingOperatorsAlwaysCompareVersions) {
  EXPECT_TRUE(IsVersionComparison(Operator::kGte, "abc"));
  EXPECT_TRUE(IsVersionComparison(Operator::kLt, "abc"));
  EXPECT_FALSE(IsVersionComparison(Operator::kEq, "abc"));
  EXPECT_TRUE(IsVersionComparison(Operator::kEq, "1.2"));
  EXPECT_FALSE(IsVersionComparison(Operator::kExact, "ubuntu"));
  EXPECT_TRUE(IsVersionComparison(Operator::kNe, "v1.2"));
}

struct EvalCase {
  std::string name;
  ParsedConstraint constraint;
  std::string actual;
  bool want;
};

TEST(ParsedConstraintTest, Evaluate) {
  const std::vector<EvalCase> cases = {
      {"gte equal", Term(Operator::kGte, "1.32.4"), "1.32.4", true},
      {"gte eks suffix", Term(Operator::kGte, "1.32.4"), "v1.33.5-eks-3025e55", true},
      {"gte lower", Term(Operator::kGte, "1.32.4"), "1.30.0", false},
      {"lte precision 2 equal", Term(Operator::kLte, "1.33"), "1.33.0", true},
      {"lte precision 2 later patch", Term(Operator::kLte, "1.33"), "1.33.9", true},
      {"lte lower", Term(Operator::kLte, "1.33"), "1.32.0", true},
      {"lte higher", Term(Operator::kLte, "1.33"), "1.34.0", false},
      {"gt higher", Term(Operator::kGt, "1.30"), "1.32.0", true},
      {"gt equal", Term(Operator::kGt, "1.30"), "1.30.0", false},
      {"lt lower", Term(Operator::kLt, "2.0"), "1.30.0", true},
      {"lt equal", Term(Operator::kLt, "2.0"), "2.0.0", false},
      {"kernel gte pass", Term(Operator::kGte, "6.8"), "6.8.0-1028-aws", true},
      {"kernel gte fail", Term(Operator::kGte, "6.8"), "5.15.0-1050-aws", false},
      {"eq string pass", Term(Operator::kEq, "ubuntu"), "ubuntu", true},
      {"eq string fail", Term(Operator::kEq, "ubuntu"), "rhel", false},
      {"ne string pass", Term(Operator::kNe, "rhel"), "ubuntu", true},
      {"ne string fail", Term(Operator::kNe, "rhel"), "rhel", false},
      {"exact pass", Term(Operator::kExact, "24.04"), "24.04", true},
      {"exact fail", Term(Operator::kExact, "24.04"), "22.04", false},
      {"exact is case-sensitive", Term(Operator::kExact, "Ubuntu"), "ubuntu", false},
      {"exact is not a version compare", Term(Operator::kExact, "24.04", true), "24.4", false},
      {"eq version equal", Term(Operator::kEq, "1.2.3", true), "v1.2.3", true},
      {"eq version differs", Term(Operator::kEq, "1.2.3", true), "v1.2.4", false},
      {"eq version ignores extras", Term(Operator::kEq, "1.2.3", true), "1.2.3-eks-1", true},
      {"eq precision 2 vs patch", Term(Operator::kEq, "1.33", true), "1.33.4", false},
      {"ne version differs", Term(Operator::kNe, "1.2.3", true), "v1.2.4", true},
      {"ne version equal", Term(Operator::kNe, "1.2.3", true), "v1.2.3", false},
      {"eq falls back to string", Term(Operator::kEq, "not-a-version", true), "not-a-version",
       true},
      {"ne falls back to string", Term(Operator::kNe, "not-a-version", true), "different", true},
      {"eq string when actual is no version", Term(Operator::kEq, "1.2", true), "1.2x", false},
      {"eq without version flag is a string compare", Term(Operator::kEq, "1.2.3"), "v1.2.3",
       false},
      {"actual is trimmed", Term(Operator::kExact, "ubuntu"), "  ubuntu  ", true},
      {"gke actual passes bare floor", Term(Operator::kGte, "1.34.3"), "1.34.3-gke.1318000", true},
      {"gke actual fails bare lte", Term(Operator::kLte, "1.35.0"), "1.35.0-gke.100", false},
      {"gke actual passes bare gt", Term(Operator::kGt, "1.35.0"), "1.35.0-gke.100", true},
  };
  for (const EvalCase& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT(c.constraint.Evaluate(c.actual), IsOkAndHolds(c.want));
  }
}

TEST(ParsedConstraintTest, EvaluateErrors) {
  EXPECT_THAT(Term(Operator::kGte, "not-a-version").Evaluate("1.0.0"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "cannot parse expected version: invalid version \"not-a-version\": "
                       "non-numeric component \"not-a-version\""));
  EXPECT_THAT(Term(Operator::kGte, "1.0.0").Evaluate("not-a-version"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "cannot parse actual version: invalid version \"not-a-version\": "
                       "non-numeric component \"not-a-version\""));
  EXPECT_THAT(Term(Operator::kLt, "invalid").Evaluate("1.0.0"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "cannot parse expected version: invalid version \"invalid\": "
                       "non-numeric component \"invalid\""));
  EXPECT_THAT(
      Term(Operator::kGte, "1.2.3").Evaluate(""),
      StatusIs(ErrorCode::kInvalidRequest, "cannot parse actual version: empty version string"));
}

TEST(ParsedConstraintTest, String) {
  EXPECT_EQ(Term(Operator::kExact, "ubuntu").String(), "ubuntu");
  EXPECT_EQ(Term(Operator::kExact, "24.04").String(), "24.04");
  EXPECT_EQ(Term(Operator::kGte, "1.32.4").String(), ">= 1.32.4");
  EXPECT_EQ(Term(Operator::kLte, "1.33").String(), "<= 1.33");
  EXPECT_EQ(Term(Operator::kGt, "1.30").String(), "> 1.30");
  EXPECT_EQ(Term(Operator::kLt, "2.0").String(), "< 2.0");
  EXPECT_EQ(Term(Operator::kEq, "ubuntu").String(), "== ubuntu");
  EXPECT_EQ(Term(Operator::kNe, "rhel").String(), "!= rhel");
}

TEST(ParseCompoundTest, Shapes) {
  struct Case {
    std::string expression;
    std::vector<std::vector<ParsedConstraint>> alternatives;
  };
  const std::vector<Case> cases = {
      {">= 1.32.4", {{Term(Operator::kGte, "1.32.4", true)}}},
      {">= 1.34.3-gke.1318000 < 1.35.0",
       {{Term(Operator::kGte, "1.34.3-gke.1318000", true), Term(Operator::kLt, "1.35.0", true)}}},
      {">= 1.32.4 || >= 1.35.0",
       {{Term(Operator::kGte, "1.32.4", true)}, {Term(Operator::kGte, "1.35.0", true)}}},
      {" >= 1.34.3-gke.1318000 < 1.35.0 || >= 1.35.0-gke.2745000 ",
       {{Term(Operator::kGte, "1.34.3-gke.1318000", true), Term(Operator::kLt, "1.35.0", true)},
        {Term(Operator::kGte, "1.35.0-gke.2745000", true)}}},
      {"ubuntu", {{Term(Operator::kExact, "ubuntu")}}},
      // Exact values may contain spaces as long as no operator character follows one.
      {"Ubuntu 24.04.2 LTS", {{Term(Operator::kExact, "Ubuntu 24.04.2 LTS", true)}}},
      {">=1.2\t<2", {{Term(Operator::kGte, "1.2", true), Term(Operator::kLt, "2", true)}}},
      {"ubuntu || rhel", {{Term(Operator::kExact, "ubuntu")}, {Term(Operator::kExact, "rhel")}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.expression);
    Result<CompoundConstraint> cc = ParseCompound(c.expression);
    ASSERT_THAT(cc, IsOk());
    EXPECT_EQ(cc->alternatives, c.alternatives);
  }
  Result<CompoundConstraint> cc = ParseCompound("  >= 1.32.4 || >= 1.35.0 ");
  ASSERT_THAT(cc, IsOk());
  EXPECT_EQ(cc->String(), ">= 1.32.4 || >= 1.35.0");
}

TEST(ParseCompoundTest, Errors) {
  const std::vector<ErrorCase> cases = {
      {"", "empty constraint expression"},
      {"   ", "empty constraint expression"},
      {"|| >= 1.34.3",
       "constraint expression \"|| >= 1.34.3\": empty \"||\" clause (leading, trailing or "
       "doubled \"||\")"},
      {">= 1.34.3 ||",
       "constraint expression \">= 1.34.3 ||\": empty \"||\" clause (leading, trailing or "
       "doubled \"||\")"},
      {">= 1.34.3 || || >= 1.35.0",
       "constraint expression \">= 1.34.3 || || >= 1.35.0\": empty \"||\" clause (leading, "
       "trailing or doubled \"||\")"},
      {">= 1.34.3-gke.-1 < 1.35.0 || >= 1.35.0-gke.2745000",
       "constraint expression \">= 1.34.3-gke.-1\": malformed GKE build suffix \"-gke.-1\" "
       "(want -gke.N with N >= 0)"},
      {"ubuntu !rhel",
       "constraint expression \"!rhel\": a bare \"!\" prefix is not an operator; use \"!=\""},
      {">= 1.2 >=", "constraint expression \">=\": no value after \">=\""},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.expression);
    EXPECT_THAT(ParseCompound(c.expression), StatusIs(ErrorCode::kInvalidRequest, c.message));
  }
}

TEST(EvaluateTest, CompoundPerTrackGkeFloors) {
  const std::string per_track = ">= 1.34.3-gke.1318000 < 1.35.0 || >= 1.35.0-gke.2745000";
  struct Case {
    std::string expression;
    std::string actual;
    bool want;
  };
  const std::vector<Case> cases = {
      {per_track, "1.34.3-gke.1000000", false},
      {per_track, "1.34.3-gke.1318000", true},
      {per_track, "1.35.0-gke.0001", false},
      {per_track, "1.35.0-gke.2745000", true},
      {per_track, "1.35.0-gke.3000000", true},
      {per_track, "1.34.5-gke.1318000", true},
      {per_track, "1.34.3", false},
      {per_track, "1.34.5", true},
      {per_track, "v1.36.1-gke.1", true},
      {per_track, "1.33.9-gke.9999999", false},
      {">= 1.34.3", "1.34.3-gke.1318000", true},
      {"<= 1.35.0", "1.35.0-gke.1", false},
      {"> 1.35.0", "1.35.0-gke.1", true},
      {">= 1.33.5-gke.1318000", "v1.33.5", false},
      {">= 1.33", "v1.33.5", true},
      {">= 1.32.4", "1.33.0", true},
      {">= 1.32.4", "1.31.0", false},
      {"ubuntu", "ubuntu", true},
      {"ubuntu", "rhel", false},
      {"ubuntu || rhel", "rhel", true},
      {"== 1.33", "1.33.4", false},
      {">= 6.8", "6.8.0-1028-aws", true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.expression + " vs " + c.actual);
    EXPECT_THAT(Evaluate(c.expression, c.actual), IsOkAndHolds(c.want));
  }
}

TEST(EvaluateTest, ErrorsFailClosed) {
  EXPECT_THAT(Evaluate("", "1.2.3"),
              StatusIs(ErrorCode::kInvalidRequest, "empty constraint expression"));
  EXPECT_THAT(Evaluate(">= 1.2.3", "ubuntu"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "cannot parse actual version: invalid version \"ubuntu\": non-numeric "
                       "component \"ubuntu\""));
  // An error in a later OR clause surfaces when the earlier clause fails.
  EXPECT_THAT(Evaluate("< 1.0 || >= abc", "1.5"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("cannot parse expected version")));
  // A passing earlier clause short-circuits.
  EXPECT_THAT(Evaluate(">= 1.0 || >= abc", "1.5"), IsOkAndHolds(true));
}

TEST(CompoundConstraintTest, EmptyGroupNeverPasses) {
  CompoundConstraint cc;
  cc.alternatives.push_back({});
  EXPECT_THAT(cc.Evaluate("anything"), IsOkAndHolds(false));
}

}  // namespace
}  // namespace aicr::constraints
