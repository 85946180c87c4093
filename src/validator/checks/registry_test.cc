#include "validator/checks/registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/status_matchers.h"
#include "validator/checks/builtin.h"

namespace aicr::validator::checks {
namespace {

using ::testing::ElementsAre;

CheckResult Pass(const CheckContext& /*ctx*/) { return CheckResult::Passed(); }

TEST(CheckRegistry, NamesAreSortedAndUnique) {
  CheckRegistry r;
  ASSERT_THAT(r.Add("zeta", Pass), IsOk());
  ASSERT_THAT(r.Add("alpha", Pass), IsOk());
  EXPECT_THAT(r.Names(), ElementsAre("alpha", "zeta"));
  EXPECT_THAT(r.Add("alpha", Pass),
              StatusIs(ErrorCode::kInvalidRequest, "duplicate check \"alpha\""));
  EXPECT_THAT(r.Add("", Pass), StatusIs(ErrorCode::kInvalidRequest, "check name is empty"));
  EXPECT_THAT(r.Add("none", CheckFunc()),
              StatusIs(ErrorCode::kInvalidRequest, "check \"none\" has no function"));
}

TEST(CheckRegistry, UnknownNameSuggestsAndLists) {
  Result<CheckRegistry> r = DeploymentChecks();
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(r->Names(),
              ElementsAre("expected-resources", "gpu-operator-version", "operator-health"));
  EXPECT_THAT(r->Find("operator-health"), IsOk());
  EXPECT_THAT(r->Find("operator-helth"),
              StatusIs(ErrorCode::kNotFound,
                       "unknown check: operator-helth, did you mean \"operator-health\"? "
                       "(available: expected-resources, gpu-operator-version, operator-health)"));
  EXPECT_THAT(r->Find("nccl-all-reduce-bw"),
              StatusIs(ErrorCode::kNotFound,
                       "unknown check: nccl-all-reduce-bw (available: expected-resources, "
                       "gpu-operator-version, operator-health)"));
}

}  // namespace
}  // namespace aicr::validator::checks
