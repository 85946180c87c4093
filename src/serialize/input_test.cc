#include "serialize/input.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include "tests/testing/status_matchers.h"

namespace aicr::serialize {
namespace {

using ::testing::HasSubstr;

/// A ConfigMapStore holding at most one ConfigMap.
class FakeStore : public ConfigMapStore {
 public:
  Result<ConfigMapData> Get(const ConfigMapRef& ref, const CancelToken&) override {
    ++gets;
    last_ref = ref;
    if (!error.ok()) {
      return error;
    }
    if (!stored) {
      return NotFoundError("configmap \"" + ref.ns + "/" + ref.name + "\" not found");
    }
    return *stored;
  }
  Status Apply(const ConfigMapRef&, const ConfigMapData&, const CancelToken&) override {
    return InternalError("not used");
  }

  std::optional<ConfigMapData> stored;
  Status error;
  int gets = 0;
  ConfigMapRef last_ref;
};

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string templ =
        std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/aicr-input-XXXXXX";
    if (::mkdtemp(templ.data()) != nullptr) {
      path_ = templ;
    }
  }
  ~TempDir() {
    const std::string cmd = "rm -rf '" + path_ + "'";
    (void)std::system(cmd.c_str());
  }
  std::string Put(const std::string& name, const std::string& bytes) const {
    const std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// ---- local files ----

TEST(ReadLocalFileTest, ReadsRegularFile) {
  TempDir dir;
  const std::string p = dir.Put("snap.yaml", "kind: Snapshot\n");
  EXPECT_THAT(ReadLocalFile(p), IsOkAndHolds("kind: Snapshot\n"));
  EXPECT_THAT(ReadInput(p), IsOkAndHolds("kind: Snapshot\n"));
}

TEST(ReadLocalFileTest, ReadsEmptyFile) {
  TempDir dir;
  EXPECT_THAT(ReadLocalFile(dir.Put("empty", "")), IsOkAndHolds(""));
}

TEST(ReadLocalFileTest, ReadsFileLargerThanOneChunk) {
  TempDir dir;
  const std::string bytes(300 * 1024 + 7, 'q');
  EXPECT_THAT(ReadLocalFile(dir.Put("big", bytes)), IsOkAndHolds(bytes));
}

TEST(ReadLocalFileTest, MissingFileIsNotFound) {
  TempDir dir;
  const std::string p = dir.path() + "/nope.yaml";
  EXPECT_THAT(ReadInput(p), StatusIs(ErrorCode::kNotFound, "read \"" + p + "\": no such file"));
  EXPECT_THAT(ReadInput(p + "/x"),
              StatusIs(ErrorCode::kNotFound, "read \"" + p + "/x\": no such file"));
}

TEST(ReadLocalFileTest, DirectoryIsRejected) {
  TempDir dir;
  EXPECT_THAT(ReadInput(dir.path()),
              StatusIs(ErrorCode::kInvalidRequest, "read \"" + dir.path() + "\": is a directory"));
}

TEST(ReadLocalFileTest, FifoIsRejectedWithoutBlocking) {
  TempDir dir;
  const std::string p = dir.path() + "/fifo";
  ASSERT_EQ(::mkfifo(p.c_str(), 0600), 0);
  EXPECT_THAT(ReadInput(p),
              StatusIs(ErrorCode::kInvalidRequest, "read \"" + p + "\": not a regular file"));
}

TEST(ReadLocalFileTest, DeviceIsRejected) {
  EXPECT_THAT(ReadInput("/dev/null"),
              StatusIs(ErrorCode::kInvalidRequest, "read \"/dev/null\": not a regular file"));
}

TEST(ReadLocalFileTest, SymlinkToRegularFileIsFollowed) {
  TempDir dir;
  const std::string target = dir.Put("target.yaml", "a: 1\n");
  const std::string link = dir.path() + "/link.yaml";
  ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
  EXPECT_THAT(ReadInput(link), IsOkAndHolds("a: 1\n"));
}

TEST(ReadLocalFileTest, SymlinkToDirectoryIsRejected) {
  TempDir dir;
  const std::string link = dir.path() + "/dirlink";
  ASSERT_EQ(::symlink(dir.path().c_str(), link.c_str()), 0);
  EXPECT_THAT(ReadInput(link),
              StatusIs(ErrorCode::kInvalidRequest, "read \"" + link + "\": is a directory"));
}

TEST(ReadLocalFileTest, DanglingSymlinkIsNotFound) {
  TempDir dir;
  const std::string link = dir.path() + "/dangling";
  ASSERT_EQ(::symlink((dir.path() + "/gone").c_str(), link.c_str()), 0);
  EXPECT_THAT(ReadInput(link),
              StatusIs(ErrorCode::kNotFound, "read \"" + link + "\": no such file"));
}

TEST(ReadLocalFileTest, OverCapIsRejected) {
  TempDir dir;
  const std::string p = dir.Put("big.yaml", std::string(11, 'x'));
  EXPECT_THAT(ReadLocalFile(p, 10),
              StatusIs(ErrorCode::kInvalidRequest, "read \"" + p + "\": file exceeds 10 bytes"));
  InputOptions options;
  options.max_bytes = 10;
  EXPECT_THAT(ReadInput(p, options),
              StatusIs(ErrorCode::kInvalidRequest, "read \"" + p + "\": file exceeds 10 bytes"));
  EXPECT_THAT(ReadLocalFile(dir.Put("exact", std::string(10, 'x')), 10),
              IsOkAndHolds(std::string(10, 'x')));
}

TEST(ReadLocalFileTest, DefaultCapIsTenMebibytes) {
  TempDir dir;
  const std::string p = dir.path() + "/huge";
  {
    std::ofstream out(p, std::ios::binary);
    out.seekp(static_cast<std::streamoff>(limits::kMaxInputBytes));
    out.put('x');  // sparse: 10 MiB + 1 byte
  }
  EXPECT_THAT(ReadInput(p), StatusIs(ErrorCode::kInvalidRequest,
                                     "read \"" + p + "\": file exceeds 10485760 bytes"));
}

TEST(ReadInputTest, EmptySourceIsRejected) {
  EXPECT_THAT(ReadInput(""), StatusIs(ErrorCode::kInvalidRequest, "read: empty input source"));
}

TEST(ReadInputTest, UnknownSchemesAreRejected) {
  EXPECT_THAT(ReadInput("ftp://host/x"),
              StatusIs(ErrorCode::kInvalidRequest,
                       "read \"ftp://host/x\": unsupported scheme \"ftp\" (use a file path, -, "
                       "http://, https:// or cm://)"));
  EXPECT_THAT(ReadInput("file:///etc/passwd"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("unsupported scheme \"file\"")));
  EXPECT_THAT(ReadInput("oci://registry/repo:tag"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("unsupported scheme \"oci\"")));
}

// ---- stdin ----

TEST(ReadStdinTest, ReadsInjectedStream) {
  std::istringstream in("from stdin\n");
  InputOptions options;
  options.stdin_stream = &in;
  EXPECT_THAT(ReadInput("-", options), IsOkAndHolds("from stdin\n"));
}

TEST(ReadStdinTest, InjectedStreamOverCap) {
  std::istringstream in("0123456789");
  InputOptions options;
  options.stdin_stream = &in;
  options.max_bytes = 5;
  EXPECT_THAT(ReadInput("-", options),
              StatusIs(ErrorCode::kInvalidRequest, "read stdin: input exceeds 5 bytes"));
}

TEST(ReadStdinTest, InjectedStreamLargerThanOneChunk) {
  const std::string bytes(200 * 1024, 's');
  std::istringstream in(bytes);
  InputOptions options;
  options.stdin_stream = &in;
  EXPECT_THAT(ReadInput("-", options), IsOkAndHolds(bytes));
}

TEST(ReadStdinTest, CanceledBeforeReading) {
  std::istringstream in("x");
  InputOptions options;
  options.stdin_stream = &in;
  options.cancel.Cancel();
  EXPECT_THAT(ReadInput("-", options),
              StatusIs(ErrorCode::kCanceled, "read stdin: operation canceled"));
}

/// Points file descriptor 0 at a pipe for the life of the object.
class PipedStdin {
 public:
  PipedStdin() {
    int fds[2];
    if (::pipe(fds) == 0) {
      read_ = fds[0];
      write_ = fds[1];
      saved_ = ::dup(STDIN_FILENO);
      ::dup2(read_, STDIN_FILENO);
    }
  }
  ~PipedStdin() {
    CloseWriter();
    ::dup2(saved_, STDIN_FILENO);
    ::close(saved_);
    ::close(read_);
  }
  bool ok() const { return write_ >= 0 && saved_ >= 0; }
  void Write(const std::string& s) const {
    ASSERT_EQ(::write(write_, s.data(), s.size()), static_cast<ssize_t>(s.size()));
  }
  void CloseWriter() {
    if (write_ >= 0) {
      ::close(write_);
      write_ = -1;
    }
  }

 private:
  int read_ = -1;
  int write_ = -1;
  int saved_ = -1;
};

TEST(ReadStdinTest, ReadsFileDescriptorZero) {
  PipedStdin stdin_pipe;
  ASSERT_TRUE(stdin_pipe.ok());
  stdin_pipe.Write("piped document\n");
  stdin_pipe.CloseWriter();
  EXPECT_THAT(ReadInput("-"), IsOkAndHolds("piped document\n"));
}

TEST(ReadStdinTest, FileDescriptorZeroOverCap) {
  PipedStdin stdin_pipe;
  ASSERT_TRUE(stdin_pipe.ok());
  stdin_pipe.Write(std::string(100, 'x'));
  InputOptions options;
  options.max_bytes = 99;
  EXPECT_THAT(ReadInput("-", options),
              StatusIs(ErrorCode::kInvalidRequest, "read stdin: input exceeds 99 bytes"));
}

TEST(ReadStdinTest, CancelWhileWaitingOnFileDescriptorZero) {
  PipedStdin stdin_pipe;  // the writer stays open: a plain read would block forever
  ASSERT_TRUE(stdin_pipe.ok());
  stdin_pipe.Write("partial");
  InputOptions options;
  const CancelToken token = options.cancel;
  std::thread canceller([token] {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    token.Cancel();
  });
  const auto start = std::chrono::steady_clock::now();
  const Result<std::string> r = ReadInput("-", options);
  canceller.join();
  EXPECT_THAT(r, StatusIs(ErrorCode::kCanceled, "read stdin: operation canceled"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

// ---- http(s) ----

TEST(ReadInputHttpTest, FetchesUrlsWithCap) {
  httplib::Server server;
  server.Get("/recipe.yaml", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("kind: RecipeResult\n", "application/yaml");
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  std::thread t([&server] { server.listen_after_bind(); });
  while (!server.is_running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/recipe.yaml";
  EXPECT_THAT(ReadInput(url), IsOkAndHolds("kind: RecipeResult\n"));
  InputOptions small;
  small.max_bytes = 4;
  EXPECT_THAT(
      ReadInput(url, small),
      StatusIs(ErrorCode::kInvalidRequest, "fetch \"" + url + "\": response body exceeds 4 bytes"));
  const std::string missing = "http://127.0.0.1:" + std::to_string(port) + "/missing";
  EXPECT_THAT(ReadInput(missing), StatusIs(ErrorCode::kNotFound,
                                           "fetch \"" + missing + "\": server returned HTTP 404"));
  server.stop();
  t.join();
}

// ---- cm:// ----

ConfigMapData Cm(std::map<std::string, std::string> data) {
  ConfigMapData cm;
  cm.data = std::move(data);
  return cm;
}

TEST(ReadConfigMapTest, NoStoreIsUnavailable) {
  EXPECT_THAT(ReadInput("cm://gpu-operator/aicr-snapshot"),
              StatusIs(ErrorCode::kUnavailable,
                       "cm://gpu-operator/aicr-snapshot: Kubernetes ConfigMap access is not "
                       "available in this build"));
}

TEST(ReadConfigMapTest, InvalidUriIsRejectedBeforeTheStore) {
  FakeStore store;
  InputOptions options;
  options.configmaps = &store;
  EXPECT_THAT(ReadInput("cm://ns", options),
              StatusIs(ErrorCode::kInvalidRequest,
                       "invalid ConfigMap URI \"cm://ns\": missing name; expected format "
                       "cm://namespace/name"));
  EXPECT_EQ(store.gets, 0);
}

TEST(ReadConfigMapTest, ReadsKeyNamedByFormat) {
  FakeStore store;
  store.stored = Cm({{"snapshot.yaml", "y"}, {"snapshot.json", "j"}, {"format", "json"}});
  InputOptions options;
  options.configmaps = &store;
  EXPECT_THAT(ReadInput("cm://ns/snap", options), IsOkAndHolds("j"));
  EXPECT_EQ(store.last_ref, (ConfigMapRef{"ns", "snap"}));
}

TEST(ReadConfigMapTest, FallsBackToOtherExtensions) {
  FakeStore store;
  store.stored = Cm({{"snapshot.json", "j"}, {"format", "yaml"}, {"timestamp", "t"}});
  InputOptions options;
  options.configmaps = &store;
  EXPECT_THAT(ReadInput("cm://ns/snap", options), IsOkAndHolds("j"));
}

TEST(ReadConfigMapTest, MissingDocumentKeyNamesKeysPresent) {
  FakeStore store;
  store.stored = Cm({{"format", "yaml"}, {"timestamp", "2025-01-15T10:30:00Z"}});
  InputOptions options;
  options.configmaps = &store;
  EXPECT_THAT(ReadInput("cm://ns/snap", options),
              StatusIs(ErrorCode::kNotFound,
                       "cm://ns/snap: no document key (*.yaml, *.json or *.txt); keys present: "
                       "\"format\", \"timestamp\""));
  store.stored = Cm({});
  EXPECT_THAT(ReadInput("cm://ns/snap", options),
              StatusIs(ErrorCode::kNotFound, HasSubstr("keys present: none")));
}

TEST(ReadConfigMapTest, StoreErrorsPassThrough) {
  FakeStore store;
  InputOptions options;
  options.configmaps = &store;
  EXPECT_THAT(ReadInput("cm://ns/snap", options),
              StatusIs(ErrorCode::kNotFound, "configmap \"ns/snap\" not found"));
  store.error = UnauthorizedError("configmaps \"snap\" is forbidden");
  EXPECT_THAT(ReadInput("cm://ns/snap", options),
              StatusIs(ErrorCode::kUnauthorized, "configmaps \"snap\" is forbidden"));
}

TEST(ReadConfigMapTest, ValueOverCap) {
  FakeStore store;
  store.stored = Cm({{"snapshot.yaml", std::string(20, 'x')}});
  InputOptions options;
  options.configmaps = &store;
  options.max_bytes = 10;
  EXPECT_THAT(
      ReadInput("cm://ns/snap", options),
      StatusIs(ErrorCode::kInvalidRequest, "cm://ns/snap: key \"snapshot.yaml\" exceeds 10 bytes"));
}

TEST(ReadConfigMapTest, CanceledBeforeGet) {
  FakeStore store;
  store.stored = Cm({{"snapshot.yaml", "y"}});
  InputOptions options;
  options.configmaps = &store;
  options.cancel.Cancel();
  EXPECT_THAT(ReadInput("cm://ns/snap", options),
              StatusIs(ErrorCode::kCanceled, "cm://ns/snap: operation canceled"));
  EXPECT_EQ(store.gets, 0);
}

TEST(ChooseConfigMapDocumentTest, Rules) {
  const ConfigMapRef ref{"ns", "cm"};
  // Default order yaml, json, txt.
  EXPECT_THAT(ChooseConfigMapDocument(ref, Cm({{"a.txt", ""}, {"a.json", ""}})),
              IsOkAndHolds("a.json"));
  // table -> txt.
  EXPECT_THAT(
      ChooseConfigMapDocument(ref, Cm({{"a.txt", ""}, {"a.yaml", ""}, {"format", "table"}})),
      IsOkAndHolds("a.txt"));
  // Unknown format values fall back to the default order.
  EXPECT_THAT(ChooseConfigMapDocument(ref, Cm({{"a.json", ""}, {"a.yaml", ""}, {"format", "xml"}})),
              IsOkAndHolds("a.yaml"));
  // The kind's key wins over others.
  EXPECT_THAT(
      ChooseConfigMapDocument(
          ref, Cm({{"recipe.yaml", ""}, {"snapshot.yaml", ""}, {"format", "yaml"}}), "Snapshot"),
      IsOkAndHolds("snapshot.yaml"));
  EXPECT_THAT(
      ChooseConfigMapDocument(ref, Cm({{"recipe.yaml", ""}, {"snapshot.json", ""}}), "snapshot"),
      IsOkAndHolds("snapshot.json"));
  // Without a kind, two documents of one extension are ambiguous.
  EXPECT_THAT(ChooseConfigMapDocument(ref, Cm({{"recipe.yaml", ""}, {"snapshot.yaml", ""}})),
              StatusIs(ErrorCode::kInvalidRequest,
                       "cm://ns/cm: ambiguous document keys \"recipe.yaml\", \"snapshot.yaml\""));
}

TEST(ReadConfigMapTest, KindOptionSelectsKey) {
  FakeStore store;
  store.stored = Cm({{"recipe.yaml", "r"}, {"snapshot.yaml", "s"}});
  InputOptions options;
  options.configmaps = &store;
  options.kind = "snapshot";
  EXPECT_THAT(ReadInput("cm://ns/both", options), IsOkAndHolds("s"));
}

}  // namespace
}  // namespace aicr::serialize
