#include "archive/zip.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/e2e/subprocess.h"
#include "tests/testing/status_matchers.h"

namespace aicr::archive {
namespace {

namespace fs = std::filesystem;
using ::aicr::testing::ProcessResult;
using ::aicr::testing::RunProcess;
using ::aicr::testing::TestTempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::uint32_t U16(const std::string& s, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(s.at(at))) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s.at(at + 1))) << 8;
}
std::uint32_t U32(const std::string& s, std::size_t at) {
  return U16(s, at) | U16(s, at + 2) << 16;
}

/// One central-directory record, read back independently of the writer.
struct Record {
  std::string name;
  std::uint32_t made_by, flags, method, time, date, crc, csize, usize, extra, external, offset;
};

std::vector<Record> ReadCentral(const std::string& zip) {
  const std::size_t end = zip.size() - 22;
  EXPECT_EQ(U32(zip, end), 0x06054b50u);
  const std::uint32_t count = U16(zip, end + 10);
  std::size_t at = U32(zip, end + 16);
  std::vector<Record> out;
  for (std::uint32_t i = 0; i < count; ++i) {
    EXPECT_EQ(U32(zip, at), 0x02014b50u);
    Record r{};
    r.made_by = U16(zip, at + 4);
    r.flags = U16(zip, at + 8);
    r.method = U16(zip, at + 10);
    r.time = U16(zip, at + 12);
    r.date = U16(zip, at + 14);
    r.crc = U32(zip, at + 16);
    r.csize = U32(zip, at + 20);
    r.usize = U32(zip, at + 24);
    const std::uint32_t name_len = U16(zip, at + 28);
    r.extra = U16(zip, at + 30) + U16(zip, at + 32);
    r.external = U32(zip, at + 38);
    r.offset = U32(zip, at + 42);
    r.name = zip.substr(at + 46, name_len);
    at += 46 + name_len + r.extra;
    out.push_back(r);
  }
  return out;
}

/// Deterministic incompressible bytes (xorshift).
std::string Noise(std::size_t n) {
  std::string out(n, '\0');
  std::uint64_t x = 0x9e3779b97f4a7c15u;
  for (char& c : out) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x & 0xff);
  }
  return out;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Writes `zip` to a fresh file under the test temp dir and returns its path.
fs::path Save(const std::string& name, const std::string& zip) {
  const fs::path dir = fs::path(TestTempDir()) / name;
  fs::create_directories(dir);
  fs::path file = dir / "out.zip";
  std::ofstream(file, std::ios::binary | std::ios::trunc) << zip;
  return file;
}

/// Extracts with the real unzip and checks every entry's bytes and mode.
void ExpectUnzipRoundTrip(const std::string& name, const std::vector<ZipEntry>& entries) {
  Result<std::string> zip = WriteZip(entries);
  ASSERT_THAT(zip, IsOk());
  const fs::path file = Save(name, *zip);
  const ProcessResult test = RunProcess({"unzip", "-t", "-q", file.string()});
  ASSERT_EQ(test.exit_code, 0) << test.out << test.err;
  const fs::path dest = file.parent_path() / "x";
  const ProcessResult x = RunProcess({"unzip", "-q", file.string(), "-d", dest.string()});
  ASSERT_EQ(x.exit_code, 0) << x.out << x.err;
  std::size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(dest)) {
    files += e.is_regular_file() ? 1 : 0;
    if (e.is_directory()) {
      struct stat st {};
      ASSERT_EQ(stat(e.path().c_str(), &st), 0);
      EXPECT_EQ(st.st_mode & 07777, 0755u) << e.path();
    }
  }
  EXPECT_EQ(files, entries.size());
  for (const ZipEntry& e : entries) {
    const fs::path p = dest / e.path;
    EXPECT_EQ(ReadFile(p), e.bytes) << e.path;
    struct stat st {};
    ASSERT_EQ(stat(p.c_str(), &st), 0) << e.path;
    EXPECT_EQ(st.st_mode & 07777, e.mode) << e.path;
  }
}

TEST(WriteZipTest, RoundTripWithUnzipKeepsBytesAndModes) {
  REQUIRE_PROGRAM("unzip");
  ExpectUnzipRoundTrip("basic", {
                                    {"README.md", std::string(200, 'r') + "\n", 0644},
                                    {"bin/run.sh", "#!/bin/sh\necho hi\n", 0755},
                                    {"charts/a/values.yaml", "replicas: 1\n", 0600},
                                    {"empty.txt", "", 0644},
                                    {"noise.bin", Noise(4096), 0640},
                                });
}

TEST(WriteZipTest, ParentFoldersComeFirstWithMode0755) {
  REQUIRE_PROGRAM("unzip");
  Result<std::string> zip = WriteZip({{"a/b/c.txt", "c"},
                                      {"a/b/d.txt", "d"},
                                      {"a/e.txt", "e"},
                                      {"f.txt", "f"},
                                      {"g/h.txt", "h", 0755}});
  ASSERT_THAT(zip, IsOk());
  const ProcessResult list = RunProcess({"unzip", "-Z1", Save("order", *zip).string()});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(list.out, "a/\na/b/\na/b/c.txt\na/b/d.txt\na/e.txt\nf.txt\ng/\ng/h.txt\n");
  const std::vector<Record> central = ReadCentral(*zip);
  ASSERT_EQ(central.size(), 8u);
  EXPECT_EQ(central[0].external, (0040755u << 16) | 0x10u);
  EXPECT_EQ(central[2].external, 0100644u << 16);
  EXPECT_EQ(central[7].external, 0100755u << 16);
}

TEST(WriteZipTest, FixedHeaderFields) {
  Result<std::string> zip = WriteZip({{"d/x.txt", std::string(1000, 'x')}, {"ü.txt", "u"}});
  ASSERT_THAT(zip, IsOk());
  const std::vector<Record> central = ReadCentral(*zip);
  ASSERT_EQ(central.size(), 3u);
  for (const Record& r : central) {
    EXPECT_EQ(r.made_by >> 8, 3u) << r.name;  // Unix
    EXPECT_EQ(r.time, 0u) << r.name;
    EXPECT_EQ(r.date, (1u << 5) | 1u) << r.name;  // 1980-01-01
    EXPECT_EQ(r.extra, 0u) << r.name;
    // The local header repeats the name and carries no extra field either.
    EXPECT_EQ(U32(*zip, r.offset), 0x04034b50u);
    EXPECT_EQ(U16(*zip, r.offset + 28), 0u);
    EXPECT_EQ(zip->substr(r.offset + 30, r.name.size()), r.name);
  }
  EXPECT_EQ(central[0].flags, 0u);
  EXPECT_EQ(central[2].flags, 0x0800u);  // UTF-8 name
}

TEST(WriteZipTest, DeflatesOnlyWhenItShrinks) {
  Result<std::string> zip = WriteZip(
      {{"a.txt", std::string(10000, 'a')}, {"b.bin", Noise(10000)}, {"c.txt", ""}, {"d.txt", "x"}});
  ASSERT_THAT(zip, IsOk());
  const std::vector<Record> central = ReadCentral(*zip);
  ASSERT_EQ(central.size(), 4u);
  EXPECT_EQ(central[0].method, 8u);
  EXPECT_LT(central[0].csize, 100u);
  EXPECT_EQ(central[0].usize, 10000u);
  EXPECT_EQ(central[1].method, 0u);
  EXPECT_EQ(central[1].csize, 10000u);
  EXPECT_EQ(central[2].method, 0u);
  EXPECT_EQ(central[2].csize, 0u);
  EXPECT_EQ(central[2].crc, 0u);
  EXPECT_EQ(central[3].method, 0u);
  EXPECT_EQ(central[3].crc, 0x8cdc1683u);  // CRC-32 of "x"
}

TEST(WriteZipTest, EmptyFileAndEmptyArchive) {
  REQUIRE_PROGRAM("unzip");
  ExpectUnzipRoundTrip("empty", {{"only/empty", "", 0644}});
  Result<std::string> none = WriteZip({});
  ASSERT_THAT(none, IsOk());
  EXPECT_EQ(*none, std::string("PK\x05\x06", 4) + std::string(18, '\0'));
}

TEST(WriteZipTest, Deterministic) {
  const std::vector<ZipEntry> entries = {
      {"a/x.yaml", "k: v\n"}, {"a/y.bin", Noise(3000), 0755}, {"b.txt", std::string(5000, 'b')}};
  Result<std::string> first = WriteZip(entries);
  Result<std::string> second = WriteZip(entries);
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(*first, *second);
}

TEST(WriteZipTest, RejectsUnsafePaths) {
  const std::string bad[] = {"",
                             "/etc/passwd",
                             "../x",
                             "a/../x",
                             "a/..",
                             "./a",
                             "a/./b",
                             "a\\b",
                             "a//b",
                             "a/",
                             "a\nb",
                             "\x7f",
                             std::string("a\0b", 3)};
  for (const std::string& path : bad) {
    EXPECT_THAT(WriteZip({{"ok.txt", "1"}, {path, "x"}}),
                StatusIs(ErrorCode::kInvalidRequest, HasSubstr("zip entry")))
        << path;
  }
}

TEST(WriteZipTest, RejectsDuplicatesConflictsAndBadModes) {
  EXPECT_THAT(WriteZip({{"a", "1"}, {"a", "2"}}),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("given twice")));
  EXPECT_THAT(WriteZip({{"a", "1"}, {"a/b", "2"}}),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("is a file")));
  EXPECT_THAT(WriteZip({{"a/b", "1"}, {"a", "2"}}),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("also a folder")));
  EXPECT_THAT(WriteZip({{"a", "1", 0100644}}),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("mode")));
  EXPECT_THAT(WriteZip({{"a", "1", 04755}}),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("mode")));
}

TEST(WriteZipTest, RejectsTooManyEntriesInsteadOfZip64) {
  std::vector<ZipEntry> entries;
  for (std::size_t i = 0; i <= kMaxZipEntries; ++i) {
    entries.push_back({"f" + std::to_string(i), ""});
  }
  EXPECT_THAT(WriteZip(entries), StatusIs(ErrorCode::kInvalidRequest, HasSubstr("ZIP64")));
  entries.pop_back();
  Result<std::string> full = WriteZip(entries);
  ASSERT_THAT(full, IsOk());
  EXPECT_EQ(ReadCentral(*full).size(), kMaxZipEntries);
  // Generated folders count too.
  entries.back().path = "dir/last";
  EXPECT_THAT(WriteZip(entries), StatusIs(ErrorCode::kInvalidRequest, HasSubstr("ZIP64")));
}

TEST(WriteZipTest, ManySmallFiles) {
  REQUIRE_PROGRAM("unzip");
  std::vector<ZipEntry> entries;
  for (int d = 0; d < 20; ++d) {
    for (int f = 0; f < 100; ++f) {
      const std::string dir = "d" + std::to_string(100 + d);
      entries.push_back({dir + "/f" + std::to_string(100 + f) + ".txt",
                         "file " + std::to_string(d * 100 + f) + "\n", f % 7 == 0 ? 0755u : 0644u});
    }
  }
  ExpectUnzipRoundTrip("many", entries);
}

TEST(WriteZipTest, FiveMebibyteCompressibleFile) {
  REQUIRE_PROGRAM("unzip");
  std::string big;
  for (int i = 0; big.size() < std::size_t{5} * 1024 * 1024; ++i) {
    big += "line " + std::to_string(i % 1000) + ": the quick brown fox\n";
  }
  big.resize(std::size_t{5} * 1024 * 1024);
  const std::vector<ZipEntry> entries = {{"big/log.txt", big}};
  Result<std::string> zip = WriteZip(entries);
  ASSERT_THAT(zip, IsOk());
  EXPECT_LT(zip->size(), big.size() / 10);
  ExpectUnzipRoundTrip("big", entries);
}

TEST(WriteZipTest, PythonZipfileReadsIt) {
  REQUIRE_PROGRAM("python3");
  const std::vector<ZipEntry> entries = {
      {"a.txt", std::string(3000, 'a')}, {"b/c.bin", Noise(500), 0755}, {"b/e", ""}};
  Result<std::string> zip = WriteZip(entries);
  ASSERT_THAT(zip, IsOk());
  const fs::path file = Save("python", *zip);
  const char* script = R"(
import hashlib, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
for i in z.infolist():
    print(i.filename, oct(i.external_attr >> 16), i.compress_type, i.date_time,
          hashlib.sha256(z.read(i)).hexdigest()[:8])
)";
  const ProcessResult r = RunProcess({"python3", "-c", script, file.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  std::vector<std::string> got;
  for (std::string line; std::getline(lines, line);) {
    got.push_back(line.substr(0, line.rfind(' ')));
  }
  EXPECT_THAT(got, ElementsAre("a.txt 0o100644 8 (1980, 1, 1, 0, 0, 0)",
                               "b/ 0o40755 0 (1980, 1, 1, 0, 0, 0)",
                               "b/c.bin 0o100755 0 (1980, 1, 1, 0, 0, 0)",
                               "b/e 0o100644 0 (1980, 1, 1, 0, 0, 0)"));
}

}  // namespace
}  // namespace aicr::archive
