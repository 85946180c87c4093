#include "base/base64.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/testing/status_matchers.h"

namespace aicr {
namespace {

TEST(Base64Test, RoundTripsAndRejectsGarbage) {
  const std::vector<std::string> samples = {
      "", "f", "fo", "foo", "foob", "fooba", "foobar", std::string("\xff\x00\x10", 3)};
  for (const std::string& s : samples) {
    EXPECT_THAT(DecodeBase64(EncodeBase64(s)), IsOkAndHolds(s)) << s;
  }
  EXPECT_EQ(EncodeBase64("user:pass"), "dXNlcjpwYXNz");
  EXPECT_THAT(DecodeBase64("Zm9v\r\nYmFy"), IsOkAndHolds(std::string("foobar")));
  EXPECT_THAT(DecodeBase64("Zm9"), StatusIs(ErrorCode::kInvalidRequest, "invalid base64"));
  EXPECT_THAT(DecodeBase64("Zm=v"), StatusIs(ErrorCode::kInvalidRequest, "invalid base64"));
  EXPECT_THAT(DecodeBase64("Zm9v YmFy"), StatusIs(ErrorCode::kInvalidRequest, "invalid base64"));
  EXPECT_THAT(DecodeBase64("Z==="), StatusIs(ErrorCode::kInvalidRequest, "invalid base64"));
}

}  // namespace
}  // namespace aicr
