#include "serialize/output.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "tests/testing/status_matchers.h"

namespace aicr::serialize {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

class RecordingStore : public ConfigMapStore {
 public:
  Result<ConfigMapData> Get(const ConfigMapRef&, const CancelToken&) override {
    return InternalError("not used");
  }
  Status Apply(const ConfigMapRef& ref, const ConfigMapData& data, const CancelToken&) override {
    applied.emplace_back(ref, data);
    return error;
  }
  std::vector<std::pair<ConfigMapRef, ConfigMapData>> applied;
  Status error;
};

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string templ =
        std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/aicr-output-XXXXXX";
    if (::mkdtemp(templ.data()) != nullptr) {
      path_ = templ;
    }
  }
  ~TempDir() {
    const std::string cmd = "rm -rf '" + path_ + "'";
    (void)std::system(cmd.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const auto kFixedTime = std::chrono::system_clock::time_point(std::chrono::seconds(1736937000));

class WriteOutputTest : public ::testing::Test {
 protected:
  WriteOutputTest() : clock_(kFixedTime) {
    options_.kind = "Snapshot";
    options_.format = "yaml";
    options_.version = "v0.11.1";
    options_.clock = &clock_;
    options_.configmaps = &store_;
  }
  FakeClock clock_;
  RecordingStore store_;
  OutputOptions options_;
};

// ---- stdout ----

TEST_F(WriteOutputTest, DashAndEmptyWriteToStdoutStream) {
  std::ostringstream out;
  options_.stdout_stream = &out;
  ASSERT_THAT(WriteOutput("-", "one\n", options_), IsOk());
  ASSERT_THAT(WriteOutput("", "two\n", options_), IsOk());
  EXPECT_EQ(out.str(), "one\ntwo\n");
}

TEST_F(WriteOutputTest, FailedStreamIsAnError) {
  std::ostringstream out;
  out.setstate(std::ios::badbit);
  options_.stdout_stream = &out;
  EXPECT_THAT(WriteOutput("-", "x", options_),
              StatusIs(ErrorCode::kUnavailable, "write stdout: stream error"));
}

/// Points file descriptor 1 at a pipe for the life of the object.
class PipedStdout {
 public:
  PipedStdout() {
    std::cout.flush();
    std::fflush(stdout);
    int fds[2];
    if (::pipe(fds) == 0) {
      read_ = fds[0];
      write_ = fds[1];
      saved_ = ::dup(STDOUT_FILENO);
      ::dup2(write_, STDOUT_FILENO);
      ::close(write_);
    }
  }
  ~PipedStdout() {
    ::dup2(saved_, STDOUT_FILENO);
    ::close(saved_);
    CloseReader();
  }
  bool ok() const { return read_ >= 0 && saved_ >= 0; }
  void CloseReader() {
    if (read_ >= 0) {
      ::close(read_);
      read_ = -1;
    }
  }
  std::string ReadSome() const {
    char buf[256];
    const ssize_t n = ::read(read_, buf, sizeof(buf));
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
  }

 private:
  int read_ = -1;
  int write_ = -1;
  int saved_ = -1;
};

TEST_F(WriteOutputTest, WritesFileDescriptorOne) {
  PipedStdout piped;
  ASSERT_TRUE(piped.ok());
  const Status s = WriteOutput("-", "to the real stdout\n", options_);
  const std::string got = piped.ReadSome();
  EXPECT_THAT(s, IsOk());
  EXPECT_EQ(got, "to the real stdout\n");
}

TEST_F(WriteOutputTest, ClosedPipeIsAnErrorNotACrash) {
  // Make sure SIGPIPE would kill us if it were delivered.
  struct sigaction old_action {};
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  ASSERT_EQ(sigaction(SIGPIPE, &dfl, &old_action), 0);

  Status s;
  {
    PipedStdout piped;
    ASSERT_TRUE(piped.ok());
    piped.CloseReader();
    s = WriteOutput("-", "nobody is listening\n", options_);
  }
  sigset_t pending;
  sigemptyset(&pending);
  sigpending(&pending);
  EXPECT_EQ(sigismember(&pending, SIGPIPE), 0) << "a SIGPIPE was left pending";
  sigaction(SIGPIPE, &old_action, nullptr);
  EXPECT_THAT(s, StatusIs(ErrorCode::kUnavailable, "write stdout: broken pipe"));
}

// ---- files ----

TEST_F(WriteOutputTest, WritesFileAtomically) {
  TempDir dir;
  const std::string p = dir.path() + "/out.yaml";
  ASSERT_THAT(WriteOutput(p, "first\n", options_), IsOk());
  EXPECT_EQ(Slurp(p), "first\n");
  ASSERT_THAT(WriteOutput(p, "second\n", options_), IsOk());
  EXPECT_EQ(Slurp(p), "second\n");
  EXPECT_TRUE(store_.applied.empty());
}

TEST_F(WriteOutputTest, DirectoryTargetIsRejected) {
  TempDir dir;
  EXPECT_THAT(WriteOutput(dir.path(), "x", options_),
              StatusIs(ErrorCode::kInvalidRequest, "write \"" + dir.path() + "\": is a directory"));
}

TEST_F(WriteOutputTest, MissingParentIsNotFound) {
  TempDir dir;
  const std::string p = dir.path() + "/no/out.yaml";
  EXPECT_THAT(WriteOutput(p, "x", options_),
              StatusIs(ErrorCode::kNotFound,
                       "write \"" + p + "\": directory \"" + dir.path() + "/no\" does not exist"));
}

TEST_F(WriteOutputTest, CanceledBeforeWritingFile) {
  TempDir dir;
  const std::string p = dir.path() + "/out.yaml";
  options_.cancel.Cancel();
  EXPECT_THAT(WriteOutput(p, "x", options_),
              StatusIs(ErrorCode::kCanceled, "write \"" + p + "\": operation canceled"));
  struct stat st {};
  EXPECT_NE(::stat(p.c_str(), &st), 0);
}

// ---- cm:// ----

TEST_F(WriteOutputTest, ConfigMapGetsDocumentFormatTimestampAndLabels) {
  ASSERT_THAT(WriteOutput("cm://gpu-operator/aicr-snapshot", "kind: Snapshot\n", options_), IsOk());
  ASSERT_EQ(store_.applied.size(), 1u);
  EXPECT_EQ(store_.applied[0].first, (ConfigMapRef{"gpu-operator", "aicr-snapshot"}));
  const ConfigMapData& cm = store_.applied[0].second;
  EXPECT_THAT(cm.data,
              ElementsAre(Pair("format", "yaml"), Pair("snapshot.yaml", "kind: Snapshot\n"),
                          Pair("timestamp", "2025-01-15T10:30:00Z")));
  EXPECT_THAT(cm.labels, ElementsAre(Pair("app.kubernetes.io/component", "Snapshot"),
                                     Pair("app.kubernetes.io/name", "aicr"),
                                     Pair("app.kubernetes.io/version", "v0.11.1")));
}

TEST_F(WriteOutputTest, ConfigMapJsonKeyAndKindLowerCased) {
  options_.kind = "RecipeResult";
  options_.format = "json";
  options_.version = "";
  ASSERT_THAT(WriteOutput("cm://ns/recipe", "{}", options_), IsOk());
  ASSERT_EQ(store_.applied.size(), 1u);
  const ConfigMapData& cm = store_.applied[0].second;
  EXPECT_THAT(cm.data, ElementsAre(Pair("format", "json"), Pair("reciperesult.json", "{}"),
                                   Pair("timestamp", "2025-01-15T10:30:00Z")));
  EXPECT_EQ(cm.labels.at("app.kubernetes.io/version"), "unknown");
  EXPECT_EQ(cm.labels.at("app.kubernetes.io/component"), "RecipeResult");
}

TEST_F(WriteOutputTest, ConfigMapEmptyFormatMeansYaml) {
  options_.format = "";
  ASSERT_THAT(WriteOutput("cm://ns/snap", "a: 1\n", options_), IsOk());
  ASSERT_EQ(store_.applied.size(), 1u);
  EXPECT_EQ(store_.applied[0].second.data.at("snapshot.yaml"), "a: 1\n");
  EXPECT_EQ(store_.applied[0].second.data.at("format"), "yaml");
}

TEST_F(WriteOutputTest, TableToConfigMapIsRejected) {
  options_.format = "table";
  EXPECT_THAT(WriteOutput("cm://ns/snap", "TABLE", options_),
              StatusIs(ErrorCode::kInvalidRequest,
                       "cm://ns/snap: table format cannot be written to a ConfigMap (use yaml or "
                       "json)"));
  EXPECT_TRUE(store_.applied.empty());
}

TEST_F(WriteOutputTest, UnknownFormatOrKindToConfigMapIsRejected) {
  options_.format = "xml";
  EXPECT_THAT(WriteOutput("cm://ns/snap", "x", options_),
              StatusIs(ErrorCode::kInvalidRequest,
                       "cm://ns/snap: output format \"xml\": expected yaml, json or table"));
  options_.format = "yaml";
  options_.kind = "";
  EXPECT_THAT(WriteOutput("cm://ns/snap", "x", options_),
              StatusIs(ErrorCode::kInvalidRequest,
                       "cm://ns/snap: output kind is required for a ConfigMap"));
  EXPECT_TRUE(store_.applied.empty());
}

TEST_F(WriteOutputTest, NoStoreIsUnavailable) {
  options_.configmaps = nullptr;
  EXPECT_THAT(WriteOutput("cm://ns/snap", "x", options_),
              StatusIs(ErrorCode::kUnavailable,
                       "cm://ns/snap: Kubernetes ConfigMap access is not available in this build"));
}

TEST_F(WriteOutputTest, InvalidConfigMapUriIsRejected) {
  EXPECT_THAT(WriteOutput("cm://ns/", "x", options_),
              StatusIs(ErrorCode::kInvalidRequest,
                       "invalid ConfigMap URI \"cm://ns/\": empty name; expected format "
                       "cm://namespace/name"));
  EXPECT_THAT(WriteOutput("cm://NS/x", "x", options_),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("not a valid Kubernetes namespace")));
  EXPECT_TRUE(store_.applied.empty());
}

TEST_F(WriteOutputTest, StoreErrorsPassThrough) {
  store_.error = UnauthorizedError("configmaps is forbidden");
  EXPECT_THAT(WriteOutput("cm://ns/snap", "x", options_),
              StatusIs(ErrorCode::kUnauthorized, "configmaps is forbidden"));
}

TEST_F(WriteOutputTest, CanceledBeforeApply) {
  options_.cancel.Cancel();
  EXPECT_THAT(WriteOutput("cm://ns/snap", "x", options_),
              StatusIs(ErrorCode::kCanceled, "cm://ns/snap: operation canceled"));
  EXPECT_TRUE(store_.applied.empty());
}

TEST(BuildOutputConfigMapTest, TableUsesTxtKey) {
  const FakeClock clock(kFixedTime);
  OutputOptions options;
  options.kind = "Snapshot";
  options.format = "table";
  options.clock = &clock;
  const Result<ConfigMapData> cm = BuildOutputConfigMap("T", options);
  ASSERT_THAT(cm, IsOk());
  EXPECT_EQ(cm->data.at("snapshot.txt"), "T");
  EXPECT_EQ(cm->data.at("format"), "table");
}

}  // namespace
}  // namespace aicr::serialize
