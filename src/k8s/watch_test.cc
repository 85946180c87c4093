#include "k8s/watch.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/testing/status_matchers.h"

namespace aicr::k8s {
namespace {

using ::testing::HasSubstr;

std::string Event(const std::string& type, const std::string& name, const std::string& rv) {
  return R"({"type":")" + type + R"(","object":{"kind":"ConfigMap","metadata":{"name":")" + name +
         R"(","resourceVersion":")" + rv + R"("},"data":{"k":"vé\u00e9 日本"}}})" + "\n";
}

std::vector<WatchEvent> DecodeAll(const std::vector<std::string>& chunks, Status* finish) {
  WatchDecoder d;
  std::vector<WatchEvent> out;
  for (const std::string& c : chunks) {
    EXPECT_THAT(d.Feed(c, &out), IsOk());
  }
  *finish = d.Finish(&out);
  return out;
}

TEST(WatchDecoderTest, SplitAtEveryByte) {
  const std::string stream = Event("ADDED", "a", "1") + Event("MODIFIED", "a", "2") + "\n" +
                             Event("BOOKMARK", "", "3") + Event("DELETED", "a", "4");
  for (std::size_t i = 0; i <= stream.size(); ++i) {
    for (const std::size_t j : {i, i + (stream.size() - i) / 2, stream.size()}) {
      Status finish;
      auto events =
          DecodeAll({stream.substr(0, i), stream.substr(i, j - i), stream.substr(j)}, &finish);
      ASSERT_THAT(finish, IsOk());
      ASSERT_EQ(events.size(), 4U) << i << " " << j;
      EXPECT_EQ(events[0].type, "ADDED");
      EXPECT_EQ(events[1].type, "MODIFIED");
      EXPECT_EQ(events[2].type, "BOOKMARK");
      EXPECT_EQ(events[3].type, "DELETED");
      EXPECT_EQ(events[3].object.FindPath("metadata.resourceVersion")->AsString().value(), "4");
      EXPECT_EQ(events[0].object.FindPath("data.k")->AsString().value(),
                "v\xc3\xa9\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac");
    }
  }
}

TEST(WatchDecoderTest, ByteByByte) {
  const std::string stream = Event("ADDED", "a", "1") + Event("ADDED", "b", "2");
  WatchDecoder d;
  std::vector<WatchEvent> out;
  for (char c : stream) {
    ASSERT_THAT(d.Feed(std::string_view(&c, 1), &out), IsOk());
  }
  ASSERT_THAT(d.Finish(&out), IsOk());
  ASSERT_EQ(out.size(), 2U);
  EXPECT_EQ(out[1].object.FindPath("metadata.name")->AsString().value(), "b");
}

TEST(WatchDecoderTest, MalformedLineIsAnErrorEvent) {
  Status finish;
  auto events = DecodeAll({Event("ADDED", "a", "1"), "{not json\n", "[1,2]\n",
                           "{\"type\":\"ADDED\"}\n", Event("ADDED", "b", "2")},
                          &finish);
  ASSERT_THAT(finish, IsOk());
  ASSERT_EQ(events.size(), 5U);
  EXPECT_THAT(events[0].status, IsOk());
  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ(events[i].status.code(), ErrorCode::kUnavailable);
    EXPECT_THAT(events[i].status.message(), HasSubstr("watch: malformed event"));
    EXPECT_TRUE(events[i].type.empty());
  }
  EXPECT_EQ(events[4].type, "ADDED");
}

TEST(WatchDecoderTest, TruncatedFinalChunkIsAnError) {
  const std::string e = Event("ADDED", "a", "1");
  Status finish;
  auto events = DecodeAll({e, e.substr(0, e.size() / 2)}, &finish);
  EXPECT_EQ(events.size(), 1U);
  EXPECT_EQ(finish, UnavailableError("watch: stream ended inside an event"));
}

TEST(WatchDecoderTest, CompleteLastLineWithoutNewlineIsAccepted) {
  std::string e = Event("ADDED", "a", "1");
  e.pop_back();
  Status finish;
  auto events = DecodeAll({e}, &finish);
  EXPECT_THAT(finish, IsOk());
  EXPECT_EQ(events.size(), 1U);
}

TEST(WatchDecoderTest, OversizedLine) {
  WatchDecoder d(64);
  std::vector<WatchEvent> out;
  EXPECT_THAT(d.Feed(std::string(40, ' ') + "\n", &out), IsOk());
  EXPECT_THAT(d.Feed(std::string(40, 'x'), &out), IsOk());
  Status s = d.Feed(std::string(40, 'x'), &out);
  EXPECT_EQ(s, InvalidRequestError("watch: event line exceeds 64 bytes"));
  EXPECT_EQ(d.Feed("\n", &out).code(), ErrorCode::kInvalidRequest);
  EXPECT_TRUE(out.empty());
}

TEST(WatchDecoderTest, CarriageReturnsAndBlankLines) {
  Status finish;
  std::string e = Event("ADDED", "a", "1");
  e.insert(e.size() - 1, "\r");
  auto events = DecodeAll({"\n\r\n", e, "  \n"}, &finish);
  EXPECT_THAT(finish, IsOk());
  ASSERT_EQ(events.size(), 1U);
  EXPECT_THAT(events[0].status, IsOk());
}

}  // namespace
}  // namespace aicr::k8s
