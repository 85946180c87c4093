#include "base/atomic_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/testing/status_matchers.h"

namespace aicr {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// ---- a FileOps that forwards to the real calls and fails the step a test picks ----

enum class Step { kNone, kOpen, kWrite, kFsync, kClose, kRename, kFchmod };

struct Plan {
  Step fail = Step::kNone;
  int err = EIO;
  long write_budget = -1;  // with Step::kWrite: bytes accepted before failing
  long max_chunk = -1;     // cap per write call (partial writes)
  int eintr_writes = 0;    // leading write calls that fail with EINTR
  int temp_fd = -1;
  std::string temp_path;
};
Plan g_plan;

int FakeOpen(const char* path, int flags, unsigned mode) {
  const bool is_temp = (flags & O_CREAT) != 0;
  if (is_temp && g_plan.fail == Step::kOpen) {
    errno = g_plan.err;
    return -1;
  }
  const int fd = FileOps::Real().open(path, flags, mode);
  if (is_temp) {
    g_plan.temp_fd = fd;
    g_plan.temp_path = path;
  }
  return fd;
}

long FakeWrite(int fd, const void* buf, unsigned long n) {
  if (g_plan.eintr_writes > 0) {
    --g_plan.eintr_writes;
    errno = EINTR;
    return -1;
  }
  if (g_plan.max_chunk > 0 && n > static_cast<unsigned long>(g_plan.max_chunk)) {
    n = static_cast<unsigned long>(g_plan.max_chunk);
  }
  if (g_plan.fail == Step::kWrite) {
    if (g_plan.write_budget <= 0) {
      errno = g_plan.err;
      return -1;
    }
    if (n > static_cast<unsigned long>(g_plan.write_budget)) {
      n = static_cast<unsigned long>(g_plan.write_budget);
    }
    const long w = FileOps::Real().write(fd, buf, n);
    g_plan.write_budget -= w;
    return w;
  }
  return FileOps::Real().write(fd, buf, n);
}

int FakeFsync(int fd) {
  if (fd == g_plan.temp_fd && g_plan.fail == Step::kFsync) {
    errno = g_plan.err;
    return -1;
  }
  return FileOps::Real().fsync(fd);
}

int FakeClose(int fd) {
  const int rc = FileOps::Real().close(fd);
  if (fd == g_plan.temp_fd && g_plan.fail == Step::kClose) {
    errno = g_plan.err;
    return -1;
  }
  return rc;
}

int FakeRename(const char* from, const char* to) {
  if (g_plan.fail == Step::kRename) {
    errno = g_plan.err;
    return -1;
  }
  return FileOps::Real().rename(from, to);
}

int FakeFchmod(int fd, unsigned mode) {
  if (g_plan.fail == Step::kFchmod) {
    errno = g_plan.err;
    return -1;
  }
  return FileOps::Real().fchmod(fd, mode);
}

FileOps FakeOps() {
  FileOps ops = FileOps::Real();
  ops.open = FakeOpen;
  ops.write = FakeWrite;
  ops.fsync = FakeFsync;
  ops.close = FakeClose;
  ops.rename = FakeRename;
  ops.fchmod = FakeFchmod;
  return ops;
}

// ---- helpers ----

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    g_plan = Plan{};
    const char* base = std::getenv("TMPDIR");
    std::string templ =
        std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/aicr-atomic-XXXXXX";
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    dir_ = templ;
  }
  void TearDown() override {
    for (const std::string& name : List()) {
      ::unlink((dir_ + "/" + name).c_str());
    }
    ::rmdir((dir_ + "/sub").c_str());
    ::rmdir(dir_.c_str());
  }

  std::vector<std::string> List() const {
    std::vector<std::string> out;
    DIR* d = ::opendir(dir_.c_str());
    if (d == nullptr) {
      return out;
    }
    while (const dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name != "." && name != "..") {
        out.push_back(name);
      }
    }
    ::closedir(d);
    std::sort(out.begin(), out.end());
    return out;
  }

  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  static void Put(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
  }

  static unsigned ModeOf(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0);
    return st.st_mode & 07777U;
  }

  std::string dir_;
};

TEST_F(AtomicFileTest, CreatesNewFileWithDefaultMode) {
  const std::string path = dir_ + "/out.yaml";
  ASSERT_THAT(WriteFileAtomic(path, "kind: Snapshot\n"), IsOk());
  EXPECT_EQ(Read(path), "kind: Snapshot\n");
  const mode_t mask = ::umask(0);
  ::umask(mask);
  EXPECT_EQ(ModeOf(path), 0644U & ~static_cast<unsigned>(mask));
  EXPECT_THAT(List(), ElementsAre("out.yaml"));
}

TEST_F(AtomicFileTest, WritesEmptyData) {
  const std::string path = dir_ + "/empty";
  ASSERT_THAT(WriteFileAtomic(path, ""), IsOk());
  EXPECT_EQ(Read(path), "");
}

TEST_F(AtomicFileTest, ReplacesExistingFileAndKeepsItsMode) {
  const std::string path = dir_ + "/out.yaml";
  Put(path, "old contents that are longer than the new ones\n");
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  ASSERT_THAT(WriteFileAtomic(path, "new\n"), IsOk());
  EXPECT_EQ(Read(path), "new\n");
  EXPECT_EQ(ModeOf(path), 0600U);
  EXPECT_THAT(List(), ElementsAre("out.yaml"));
}

TEST_F(AtomicFileTest, FollowsSymlinkToRegularFile) {
  const std::string target = dir_ + "/target";
  const std::string link = dir_ + "/link";
  Put(target, "old");
  ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
  ASSERT_THAT(WriteFileAtomic(link, "new"), IsOk());
  EXPECT_EQ(Read(target), "new");
  struct stat st {};
  ASSERT_EQ(::lstat(link.c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  EXPECT_THAT(List(), ElementsAre("link", "target"));
}

TEST_F(AtomicFileTest, RelativePathWithoutDirectory) {
  char cwd[4096];
  ASSERT_NE(::getcwd(cwd, sizeof(cwd)), nullptr);
  ASSERT_EQ(::chdir(dir_.c_str()), 0);
  const Status s = WriteFileAtomic("plain.txt", "x");
  ASSERT_EQ(::chdir(cwd), 0);
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(Read(dir_ + "/plain.txt"), "x");
}

TEST_F(AtomicFileTest, HandlesPartialWritesAndEintr) {
  const std::string path = dir_ + "/out";
  const std::string data(10000, 'z');
  g_plan.max_chunk = 7;
  g_plan.eintr_writes = 3;
  ASSERT_THAT(WriteFileAtomic(path, data, FakeOps()), IsOk());
  EXPECT_EQ(Read(path), data);
  EXPECT_THAT(List(), ElementsAre("out"));
}

struct FailCase {
  const char* name;
  Step step;
  int err;
  const char* step_text;
};

class AtomicFileFailureTest : public AtomicFileTest,
                              public ::testing::WithParamInterface<FailCase> {};

TEST_P(AtomicFileFailureTest, LeavesOldBytesAndNoTempFile) {
  const FailCase& c = GetParam();
  const std::string path = dir_ + "/out.yaml";
  Put(path, "previous bytes\n");
  g_plan.fail = c.step;
  g_plan.err = c.err;
  g_plan.write_budget = 5;  // only used by kWrite: fail after 5 bytes
  g_plan.max_chunk = 3;

  const Status s = WriteFileAtomic(path, "replacement contents\n", FakeOps());
  EXPECT_THAT(s, StatusIs(ErrorCode::kUnavailable, "write \"" + path + "\": " + c.step_text + ": " +
                                                       (c.err == ENOSPC ? "no space left on device"
                                                        : c.err == EACCES ? "permission denied"
                                                                          : "input/output error")));
  EXPECT_EQ(Read(path), "previous bytes\n");
  EXPECT_THAT(List(), ElementsAre("out.yaml"));
}

INSTANTIATE_TEST_SUITE_P(
    Steps, AtomicFileFailureTest,
    ::testing::Values(FailCase{"Open", Step::kOpen, EACCES, "create temporary file"},
                      FailCase{"Chmod", Step::kFchmod, EIO, "chmod temporary file"},
                      FailCase{"WriteAfterFiveBytes", Step::kWrite, ENOSPC, "write"},
                      FailCase{"Fsync", Step::kFsync, EIO, "fsync"},
                      FailCase{"Close", Step::kClose, EIO, "close"},
                      FailCase{"Rename", Step::kRename, EACCES, "rename"}),
    [](const ::testing::TestParamInfo<FailCase>& p) { return std::string(p.param.name); });

TEST_F(AtomicFileTest, FailureWithoutPreviousFileLeavesNothing) {
  const std::string path = dir_ + "/new.yaml";
  g_plan.fail = Step::kFsync;
  EXPECT_THAT(WriteFileAtomic(path, "data", FakeOps()),
              StatusIs(ErrorCode::kUnavailable, HasSubstr(": fsync: input/output error")));
  EXPECT_TRUE(List().empty());
}

TEST_F(AtomicFileTest, RejectsDirectoryTarget) {
  EXPECT_THAT(WriteFileAtomic(dir_, "x"),
              StatusIs(ErrorCode::kInvalidRequest, "write \"" + dir_ + "\": is a directory"));
}

TEST_F(AtomicFileTest, RejectsMissingParentDirectory) {
  const std::string path = dir_ + "/missing/out.yaml";
  EXPECT_THAT(WriteFileAtomic(path, "x"),
              StatusIs(ErrorCode::kNotFound, "write \"" + path + "\": directory \"" + dir_ +
                                                 "/missing\" does not exist"));
}

TEST_F(AtomicFileTest, RejectsParentThatIsAFile) {
  Put(dir_ + "/file", "x");
  const std::string path = dir_ + "/file/out.yaml";
  EXPECT_THAT(
      WriteFileAtomic(path, "x"),
      StatusIs(ErrorCode::kInvalidRequest, "write \"" + path + "\": a parent is not a directory"));
}

TEST_F(AtomicFileTest, WritesFifoInPlace) {
  const std::string fifo = dir_ + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string received;
  std::thread reader([&] {
    std::ifstream in(fifo, std::ios::binary);
    received.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  });
  EXPECT_THAT(WriteFileAtomic(fifo, "through the pipe\n"), IsOk());
  reader.join();
  EXPECT_EQ(received, "through the pipe\n");
  struct stat st {};
  ASSERT_EQ(::stat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode)) << "the FIFO must not be replaced by a regular file";
}

TEST_F(AtomicFileTest, WritesCharacterDevice) {
  EXPECT_THAT(WriteFileAtomic("/dev/null", "x"), IsOk());
}

TEST_F(AtomicFileTest, RejectsSocketTarget) {
  const std::string sock = dir_ + "/sock";
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(sock.size(), sizeof(addr.sun_path));
  std::memcpy(addr.sun_path, sock.c_str(), sock.size() + 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)), 0);
  EXPECT_THAT(WriteFileAtomic(sock, "x"),
              StatusIs(ErrorCode::kInvalidRequest, "write \"" + sock + "\": not a regular file"));
  ::close(fd);
}

TEST_F(AtomicFileTest, RejectsEmptyPath) {
  EXPECT_THAT(WriteFileAtomic("", "x"),
              StatusIs(ErrorCode::kInvalidRequest, "write: empty output path"));
}

}  // namespace
}  // namespace aicr
