// Table-driven constraint evaluation: each row puts one reading into a snapshot,
// evaluates an expression against it through the public entry point and checks
// the outcome (pass, fail, or an INVALID_REQUEST error).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "constraints/snapshot_eval.h"
#include "measurement/snapshot.h"
#include "tests/testing/status_matchers.h"

namespace aicr::constraints {
namespace {

enum class Outcome { kPass, kFail, kError };

struct Row {
  const char* reading;
  const char* expression;
  Outcome want;
};

constexpr Outcome kPass = Outcome::kPass;
constexpr Outcome kFail = Outcome::kFail;
constexpr Outcome kError = Outcome::kError;

// clang-format off
const Row kRows[] = {
    // >= with and without spaces
    {"1.32.4", ">= 1.32.4", kPass},
    {"1.32.4", ">=1.32.4", kPass},
    {"1.32.3", ">= 1.32.4", kFail},
    {"1.32.3", ">=1.32.4", kFail},
    {"v1.33.5-eks-3025e55", ">= 1.32.4", kPass},
    {"v1.33.5-eks-3025e55", ">=1.32.4", kPass},
    {"v1.30.0", ">= v1.32", kFail},
    {"1.32.0", ">=  1.32", kPass},
    {"  v1.33.4  ", ">= 1.33", kPass},
    {"1.33.4", "  >= 1.33.4  ", kPass},
    // <=
    {"1.33.9", "<= 1.33", kPass},
    {"1.33.9", "<=1.33", kPass},
    {"1.34.0", "<= 1.33", kFail},
    {"1.32.0", "<=1.33.0", kPass},
    {"1.33.1", "<= 1.33.0", kFail},
    // >
    {"1.30.0", "> 1.30", kFail},
    {"1.30.0", ">1.30", kFail},
    {"1.31.0", "> 1.30", kPass},
    {"1.30.1", "> 1.30.0", kPass},
    {"1.30.1", "> 1.30", kFail},
    // <
    {"1.29.9", "< 1.30", kPass},
    {"1.29.9", "<1.30", kPass},
    {"2.0.0", "< 2.0", kFail},
    {"2.0.0", "<2", kFail},
    {"1.99.99", "< 2", kPass},
    // ==
    {"ubuntu", "== ubuntu", kPass},
    {"ubuntu", "==ubuntu", kPass},
    {"Ubuntu", "== ubuntu", kFail},
    {"v1.2.3", "== 1.2.3", kPass},
    {"v1.2.4", "== v1.2.3", kFail},
    {"1.33.4", "== 1.33", kFail},
    {"1.33.0", "== 1.33", kPass},
    {"1.33.4-eks-abc", "==1.33.4", kPass},
    {"not-a-version", "== not-a-version", kPass},
    {"1.2x", "== 1.2", kFail},
    // lone = is ==
    {"ubuntu", "= ubuntu", kPass},
    {"ubuntu", "=ubuntu", kPass},
    {"rhel", "= ubuntu", kFail},
    {"v1.33.0", "= 1.33", kPass},
    {"24.04", "=24.04", kPass},
    // !=
    {"ubuntu", "!= rhel", kPass},
    {"rhel", "!=rhel", kFail},
    {"v1.2.4", "!= 1.2.3", kPass},
    {"v1.2.3", "!=1.2.3", kFail},
    {"1.33.4", "!= 1.33", kPass},
    {"1.33.0-gke.5", "!= 1.33.0", kFail},
    {"ubuntu", "!=ubuntu", kFail},
    {"rhel", "!= ubuntu", kPass},
    // bare exact: case-sensitive string equality, never a version compare
    {"ubuntu", "ubuntu", kPass},
    {"Ubuntu", "ubuntu", kFail},
    {"24.04", "24.04", kPass},
    {"24.4", "24.04", kFail},
    {"v1.33.5", "1.33.5", kFail},
    {"Ubuntu 24.04.2 LTS", "Ubuntu 24.04.2 LTS", kPass},
    {"true", "true", kPass},
    {"active", "active", kPass},
    {" active ", "active", kPass},
    {"active", "inactive", kFail},
    // v prefix, 1-, 2- and 3-part versions (precision rule)
    {"v1.33", ">= v1.33", kPass},
    {"v1", ">= 1", kPass},
    {"v2", "> 1", kPass},
    {"1", "< v2", kPass},
    {"1.33", ">= 1.33.7", kPass},
    {"1.33", "> 1.33.7", kFail},
    {"1.33", "< 1.33.7", kFail},
    {"1.32", "< 1.33.7", kPass},
    {"1.33.7", "== 1.33", kFail},
    {"1.33", "== 1.33.0", kPass},
    // kernel release strings
    {"6.8.0-1028-aws", ">= 6.8", kPass},
    {"6.8.0-1028-aws", ">=6.8", kPass},
    {"5.15.0-1050-aws", ">= 6.8", kFail},
    {"6.8.0-1028-aws", "< 6.9", kPass},
    {"6.8.0-1028-aws", "> 6.8.0", kFail},
    {"6.8.0-1028-aws", ">= 6.8.0-1030-aws", kPass},
    {"6.8.0-1028-aws", "== 6.8.0", kPass},
    {"6.8.0-1028-aws", "6.8.0-1028-aws", kPass},
    {"6.5.0-1024-azure", "<= 6.8", kPass},
    {"6.11.0", ">= 6.8", kPass},
    {"6.10", "> 6.9", kPass},
    // EKS-style extras are ignored by ordering
    {"v1.33.5-eks-3025e55", "< 1.34", kPass},
    {"v1.33.5-eks-3025e55", "== 1.33.5", kPass},
    {"v1.33.5-eks-3025e55", "> 1.33.5", kFail},
    {"v1.33.5-eks-3025e55", ">= 1.33.5-eks-0000000", kPass},
    // +build metadata and pre-release-like extras
    {"1.2.3+build.5", ">= 1.2.3", kPass},
    {"1.2.3+build.5", "> 1.2.3", kFail},
    {"1.2.3+build.5", "== 1.2.3", kPass},
    {"1.2.2+build.99", "< 1.2.3", kPass},
    {"6.8-rc1", ">= 6.8", kPass},
    {"1.29.2-hotfix.20240322", ">= 1.29.2", kPass},
    {"1.29.2-hotfix.20240322", "> 1.29.2", kFail},
    // GKE build numbers break ties on equal cores
    {"1.34.3-gke.1318000", ">= 1.34.3-gke.1318000", kPass},
    {"1.34.3-gke.1317999", ">= 1.34.3-gke.1318000", kFail},
    {"1.34.3-gke.1318001", "> 1.34.3-gke.1318000", kPass},
    {"1.34.3-gke.1318000", "> 1.34.3-gke.1318000", kFail},
    {"1.34.3", ">= 1.34.3-gke.1318000", kFail},
    {"1.34.3-gke.1318000", ">= 1.34.3", kPass},
    {"1.35.0-gke.100", "<= 1.35.0", kFail},
    {"1.35.0-gke.100", "> 1.35.0", kPass},
    {"1.35.0-gke.100", "< 1.35.0", kFail},
    {"1.34.4-gke.1", ">= 1.34.3-gke.1318000", kPass},
    {"v1.34.3-gke.1318000", "<= 1.34.3-gke.2000000", kPass},
    {"1.34.3-eks-1", ">= 1.34.3-gke.1", kFail},
    {"1.34.3-gke.5", "== 1.34.3-gke.9", kPass},
    {"1.34-gke.5", ">= 1.34.3-gke.1318000", kPass},
    {"1.34.3-gke.1318000", "1.34.3-gke.1318000", kPass},
    {"1.34.3-gke.abc", ">= 1.34.3", kPass},
    {"1.34.3-gke.abc", "> 1.34.3", kFail},
    // compound: || of AND groups (a new term starts at whitespace + operator)
    {"1.34.5-gke.1400000", ">= 1.34.3-gke.1318000 < 1.35.0 || >= 1.35.0-gke.2745000", kPass},
    {"1.34.3-gke.1000", ">= 1.34.3-gke.1318000 < 1.35.0 || >= 1.35.0-gke.2745000", kFail},
    {"1.35.0-gke.2745000", ">= 1.34.3-gke.1318000 < 1.35.0 || >= 1.35.0-gke.2745000", kPass},
    {"1.35.0-gke.500", ">= 1.34.3-gke.1318000 < 1.35.0 || >= 1.35.0-gke.2745000", kFail},
    {"1.35.1", ">= 1.34.3-gke.1318000 < 1.35.0 || >= 1.35.0-gke.2745000", kPass},
    {"1.36.0", ">= 1.32 < 1.35", kFail},
    {"1.33.2", ">= 1.32 < 1.35", kPass},
    {"1.33.2", ">=1.32 <1.35", kPass},
    {"1.33.2", ">=1.32\t<1.35", kPass},
    {"ubuntu", "ubuntu || rhel", kPass},
    {"rhel", "ubuntu || rhel", kPass},
    {"debian", "ubuntu || rhel", kFail},
    {"rhel", "!= ubuntu != debian", kPass},
    {"debian", "!= ubuntu != debian", kFail},
    {"1.31.0", "== 1.30 || == 1.31", kPass},
    {"1.32.0", "< 1.30 || > 1.31", kPass},
    {"1.30.5", "< 1.30 || > 1.31", kFail},
    {"1.30.5", "<1.30||>1.31", kFail},
    {"1.32.0", "<1.30||>1.31", kPass},
    {"ubuntu", "ubuntu || >= 1.30", kPass},
    {"1.33.0", ">= 1.30 || ubuntu", kPass},
    {"ubuntu", "== 1.2.3 >= 1.0", kFail},
    // plain numbers and other scalars
    {"8", ">= 8", kPass},
    {"4", ">= 8", kFail},
    {"8", "== 8", kPass},
    {"08", "== 8", kFail},
    {"08", ">= 8", kPass},
    {"0.5", "< 1", kPass},
    {"true", "== true", kPass},
    {"false", "!= true", kPass},
    // version-looking strings (a digit and a dot) fall back to strings when unparsable
    {"ubuntu22.04", "== ubuntu22.04", kPass},
    {"ubuntu22.04", "!= ubuntu24.04", kPass},
    {"24.04", "== 24.4", kPass},
    {"24.04", "!= 24.4", kFail},
    {"22.04", ">= 24.04", kFail},
    {"24.10", ">= 24.04", kPass},
    // invalid expressions
    {"1.33.0", "", kError},
    {"1.33.0", "   ", kError},
    {"1.33.0", ">=", kError},
    {"1.33.0", ">= ", kError},
    {"1.33.0", "==", kError},
    {"1.33.0", "!=", kError},
    {"1.33.0", "<", kError},
    {"1.33.0", "=", kError},
    {"ubuntu", "!ubuntu", kError},
    {"1.33.0", "|| >= 1.30", kError},
    {"1.33.0", ">= 1.30 ||", kError},
    {"1.33.0", ">= 1.30 |||| < 2", kError},
    {"1.33.0", ">= 1.30 || || < 2", kError},
    {"1.33.0", "> = 1.30", kError},
    {"1.33.0", ">= 1.32 !x", kError},
    {"1.34.3", ">= 1.34.3-gke.-1", kError},
    {"1.34.3", ">= 1.34.3-gke.abc", kError},
    {"1.34.3", "< 1.34.3-gke.", kError},
    {"1.34.3", ">= 1.34.3 || < 1.34.3-gke.x", kError},
    // ordering needs versions on both sides
    {"1.34.3", ">= not-a-version", kError},
    {"ubuntu", ">= 1.30", kError},
    {"1.2.3.4", ">= 1.2", kError},
    {"1.33.0", ">= 1.2.3.4", kError},
    {"1.33.0", ">= a.b", kError},
    {"", ">= 1.30", kError},
    {"v", ">= 1", kError},
    {"1..3", "< 2", kError},
    {"-1.2.3", ">= 1", kError},
    {"1e+21", ">= 1", kError},
    {"Ubuntu 24.04", "< 25", kError},
    {"not-a-version", "ubuntu || >= 1.30", kError},
    {"ubuntu", ">= 1.30 || ubuntu", kError},
};
// clang-format on

measurement::Snapshot WithReading(const std::string& reading) {
  measurement::Snapshot snapshot;
  measurement::Subtype server;
  server.name = "server";
  server.data["version"] = measurement::Reading::Str(reading);
  snapshot.measurements.push_back(measurement::Measurement{"K8s", {server}});
  return snapshot;
}

const char* Name(Outcome o) {
  switch (o) {
    case Outcome::kPass:
      return "pass";
    case Outcome::kFail:
      return "fail";
    case Outcome::kError:
      return "error";
  }
  return "?";
}

TEST(ConstraintTableTest, HasAtLeast150Rows) { EXPECT_GE(std::size(kRows), 150u); }

TEST(ConstraintTableTest, EveryRow) {
  for (const Row& row : kRows) {
    SCOPED_TRACE(std::string("reading \"") + row.reading + "\" expression \"" + row.expression +
                 "\" want " + Name(row.want));
    const measurement::Snapshot snapshot = WithReading(row.reading);
    const EvalResult r = EvaluateConstraint(snapshot, "K8s.server.version", row.expression);
    // The reading was found, so actual is reported whatever the outcome.
    EXPECT_EQ(r.actual, row.reading);
    switch (row.want) {
      case Outcome::kPass:
        EXPECT_THAT(r.error, IsOk());
        EXPECT_TRUE(r.passed);
        break;
      case Outcome::kFail:
        EXPECT_THAT(r.error, IsOk());
        EXPECT_FALSE(r.passed);
        break;
      case Outcome::kError:
        EXPECT_EQ(r.error.code(), ErrorCode::kInvalidRequest) << r.error.message();
        EXPECT_FALSE(r.passed);
        break;
    }
    // The status-returning form agrees with the struct form.
    auto wrapped = EvaluateAgainstSnapshot(snapshot, "K8s.server.version", row.expression);
    if (row.want == Outcome::kError) {
      EXPECT_EQ(wrapped.status().code(), ErrorCode::kInvalidRequest);
    } else {
      ASSERT_THAT(wrapped, IsOk());
      EXPECT_EQ(wrapped->passed, row.want == Outcome::kPass);
    }
  }
}

// The same expressions against readings the snapshot lacks: NOT_FOUND, a distinct
// outcome (never pass, fail or INVALID_REQUEST), and no actual value.
TEST(ConstraintTableTest, AbsentReadingIsNotFoundForEveryValidExpression) {
  const measurement::Snapshot snapshot = WithReading("1.33.0");
  for (const char* path : {"K8s.server.platform", "K8s.node.kernel-version", "OS.release.ID",
                           "SystemD.containerd.service.ActiveState", "NetworkTopology.pfs[0].rail",
                           "NetworkTopology.pfs[rail=1].pciAddress"}) {
    for (const Row& row : kRows) {
      if (row.want == Outcome::kError) {
        continue;
      }
      SCOPED_TRACE(std::string(path) + " " + row.expression);
      const EvalResult r = EvaluateConstraint(snapshot, path, row.expression);
      EXPECT_EQ(r.error.code(), ErrorCode::kNotFound);
      EXPECT_FALSE(r.passed);
      EXPECT_EQ(r.actual, "");
    }
  }
}

// A malformed path is INVALID_REQUEST before anything is looked up.
TEST(ConstraintTableTest, MalformedPathIsInvalidRequest) {
  const measurement::Snapshot snapshot = WithReading("1.33.0");
  for (const char* path : {"", "K8s", "K8s.server", "k8s.server.version", "Deployment.x.version",
                           "K8s.server[].version", "NetworkTopology.pfs[-1].rail"}) {
    SCOPED_TRACE(path);
    const EvalResult r = EvaluateConstraint(snapshot, path, ">= 1.30");
    EXPECT_EQ(r.error.code(), ErrorCode::kInvalidRequest) << r.error.message();
  }
}

}  // namespace
}  // namespace aicr::constraints
