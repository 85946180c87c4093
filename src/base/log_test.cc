#include "base/log.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <sstream>

namespace aicr::log {
namespace {

const FakeClock& TestClock() {
  static const FakeClock kClock(
      std::chrono::system_clock::time_point(std::chrono::seconds(1736937000)));
  return kClock;
}

TEST(LogTest, CliFormatIsBareMessage) {
  std::ostringstream out;
  Logger logger(out, Options{Format::kCli, Level::kInfo, false}, TestClock());
  logger.Log(Level::kInfo, "resolved recipe");
  logger.Log(Level::kError, "command failed", {{"error", "bad input"}, {"exitCode", "2"}});
  EXPECT_EQ(out.str(), "resolved recipe\ncommand failed error=\"bad input\" exitCode=2\n");
}

TEST(LogTest, CliFormatDropsDebugUnlessEnabled) {
  std::ostringstream out;
  Logger logger(out, Options{Format::kCli, Level::kInfo, false}, TestClock());
  logger.Log(Level::kDebug, "hidden");
  EXPECT_EQ(out.str(), "");
}

TEST(LogTest, CliColourOnlyWhenEnabled) {
  std::ostringstream out;
  Logger logger(out, Options{Format::kCli, Level::kInfo, true}, TestClock());
  logger.Log(Level::kError, "boom");
  logger.Log(Level::kInfo, "plain");
  EXPECT_EQ(out.str(), "\x1b[31mboom\x1b[0m\nplain\n");
}

TEST(LogTest, TextFormatCarriesMetadata) {
  std::ostringstream out;
  Logger logger(out, Options{Format::kText, Level::kDebug, false}, TestClock());
  logger.Log(Level::kDebug, "loading", {{"file", "a b.yaml"}});
  const std::string line = out.str();
  EXPECT_EQ(line.rfind("time=2025-01-15T10:30:00Z level=DEBUG source=src/base/log_test.cc:", 0), 0u)
      << line;
  EXPECT_NE(line.find(" msg=loading file=\"a b.yaml\"\n"), std::string::npos) << line;
}

TEST(LogTest, JsonFormatIsOneObjectPerLine) {
  std::ostringstream out;
  Logger logger(out, Options{Format::kJson, Level::kInfo, false}, TestClock());
  logger.Log(Level::kWarn, "quote \" and\nnewline", {{"k", "v\t1"}});
  const std::string line = out.str();
  EXPECT_EQ(line.rfind("{\"time\":\"2025-01-15T10:30:00Z\",\"level\":\"WARN\",\"source\":\"src/"
                       "base/log_test.cc:",
                       0),
            0u)
      << line;
  EXPECT_NE(line.find(",\"msg\":\"quote \\\" and\\nnewline\",\"k\":\"v\\t1\"}\n"),
            std::string::npos)
      << line;
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1);
}

TEST(LogTest, EnvTruthy) {
  for (const char* v : {"1", "true", "TRUE", "yes", "On"}) {
    EXPECT_TRUE(EnvTruthy(v)) << v;
  }
  for (const char* v : {"", "0", "false", "no", "off", "2"}) {
    EXPECT_FALSE(EnvTruthy(v)) << v;
  }
}

class EnvGuard {
 public:
  EnvGuard() {
    unsetenv("AICR_DEBUG");
    unsetenv("AICR_LOG_JSON");
    unsetenv("NO_COLOR");
  }
  ~EnvGuard() {
    unsetenv("AICR_DEBUG");
    unsetenv("AICR_LOG_JSON");
    unsetenv("NO_COLOR");
  }
};

TEST(LogTest, OptionsFromFlagsAndEnv) {
  EnvGuard guard;
  Options o = OptionsFromEnv(false, false, true);
  EXPECT_EQ(o.format, Format::kCli);
  EXPECT_EQ(o.min_level, Level::kInfo);
  EXPECT_TRUE(o.color);

  o = OptionsFromEnv(true, false, false);
  EXPECT_EQ(o.format, Format::kText);
  EXPECT_EQ(o.min_level, Level::kDebug);
  EXPECT_FALSE(o.color);

  o = OptionsFromEnv(true, true, true);
  EXPECT_EQ(o.format, Format::kJson);  // JSON wins the format, debug keeps the level
  EXPECT_EQ(o.min_level, Level::kDebug);
  EXPECT_FALSE(o.color);

  setenv("AICR_LOG_JSON", "yes", 1);
  EXPECT_EQ(OptionsFromEnv(false, false, false).format, Format::kJson);
  unsetenv("AICR_LOG_JSON");
  setenv("AICR_DEBUG", "1", 1);
  EXPECT_EQ(OptionsFromEnv(false, false, false).min_level, Level::kDebug);
  setenv("NO_COLOR", "", 1);
  EXPECT_FALSE(OptionsFromEnv(false, false, true).color);
}

TEST(LogTest, DefaultLoggerCanBeRedirectedForTests) {
  std::ostringstream out;
  Logger logger(out, Options{}, TestClock());
  SetDefaultForTest(&logger);
  Info("hello", {{"n", "1"}});
  Debug("not shown");
  SetDefaultForTest(nullptr);
  EXPECT_EQ(out.str(), "hello n=1\n");
}

}  // namespace
}  // namespace aicr::log
