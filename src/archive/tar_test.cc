#include "archive/tar.h"

#include <archive.h>
#include <archive_entry.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <memory>
#include <string>
#include <vector>

namespace aicr::archive {
namespace {

using ::testing::HasSubstr;

// ---- helpers: a raw tar writer (no validation) and gzip, for hostile archives ----

struct RawEntry {
  std::string name;
  mode_t type = AE_IFREG;
  std::string bytes;
  std::string link;  // symlink target or hardlink source
  bool hardlink = false;
  bool sparse = false;
  long long declared_size = -1;  // -1: bytes.size()
};

RawEntry File(std::string name, std::string bytes) {
  RawEntry e;
  e.name = std::move(name);
  e.bytes = std::move(bytes);
  return e;
}

RawEntry Node(std::string name, mode_t type) {
  RawEntry e;
  e.name = std::move(name);
  e.type = type;
  return e;
}

la_ssize_t Append(struct archive*, void* user, const void* buf, size_t n) {
  static_cast<std::string*>(user)->append(static_cast<const char*>(buf), n);
  return static_cast<la_ssize_t>(n);
}

std::string RawTar(const std::vector<RawEntry>& entries) {
  struct archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_add_filter_none(a);
  std::string out;
  EXPECT_EQ(archive_write_open2(a, &out, nullptr, Append, nullptr, nullptr), ARCHIVE_OK);
  for (const RawEntry& r : entries) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, r.name.c_str());
    archive_entry_set_filetype(e, r.type);
    archive_entry_set_perm(e, 0644);
    if (r.hardlink) {
      archive_entry_set_hardlink(e, r.link.c_str());
    } else if (r.type == AE_IFLNK) {
      archive_entry_set_symlink(e, r.link.c_str());
    }
    const long long size =
        r.declared_size >= 0 ? r.declared_size : static_cast<long long>(r.bytes.size());
    if (r.type == AE_IFREG && !r.hardlink) {
      archive_entry_set_size(e, size);
    }
    if (r.sparse) {
      archive_entry_sparse_add_entry(e, 0, static_cast<la_int64_t>(r.bytes.size()));
      archive_entry_sparse_add_entry(e, 100000, 0);
      archive_entry_set_size(e, 100000);
    }
    EXPECT_EQ(archive_write_header(a, e), ARCHIVE_OK) << archive_error_string(a);
    if (!r.bytes.empty()) {
      archive_write_data(a, r.bytes.data(), r.bytes.size());
    }
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

std::string GzipBytes(const std::string& raw) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, raw.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
  zs.avail_in = static_cast<uInt>(raw.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(out.size() - zs.avail_out);
  deflateEnd(&zs);
  return out;
}

std::string Tgz(const std::vector<RawEntry>& entries) { return GzipBytes(RawTar(entries)); }

struct HeaderInfo {
  std::string name;
  mode_t type;
  int perm;
  long long mtime;
  long long uid;
  long long gid;
  std::string uname;
  std::string gname;
};

/// Reads the headers back with libarchive itself (independent of ReadTarGz).
std::vector<HeaderInfo> Headers(const std::string& tgz) {
  struct archive* a = archive_read_new();
  archive_read_support_filter_gzip(a);
  archive_read_support_format_tar(a);
  EXPECT_EQ(archive_read_open_memory(a, tgz.data(), tgz.size()), ARCHIVE_OK);
  std::vector<HeaderInfo> out;
  archive_entry* e = nullptr;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    out.push_back({archive_entry_pathname(e), archive_entry_filetype(e),
                   static_cast<int>(archive_entry_perm(e)), archive_entry_mtime(e),
                   archive_entry_uid(e), archive_entry_gid(e),
                   archive_entry_uname(e) ? archive_entry_uname(e) : "",
                   archive_entry_gname(e) ? archive_entry_gname(e) : ""});
  }
  archive_read_free(a);
  return out;
}

std::vector<TarFile> Sample() {
  return {{"values.yaml", "a: 1\n", false},
          {"templates/job.yaml", "kind: Job\n", false},
          {"scripts/run.sh", "#!/bin/sh\necho hi\n", true},
          {"README.md", "# x\n", false}};
}

// ---- writer ----

TEST(WriteTarGzTest, SameInputSameBytesRegardlessOfOrder) {
  auto a = WriteTarGz(Sample());
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto files = Sample();
  std::reverse(files.begin(), files.end());
  auto b = WriteTarGz(files);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*a, *b);
  auto c = WriteTarGz(Sample());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*a, *c);
  files[0].bytes += "x";
  auto d = WriteTarGz(files);
  ASSERT_TRUE(d.ok());
  EXPECT_NE(*a, *d);
}

TEST(WriteTarGzTest, GzipHeaderHasZeroMtimeAndUnixOs) {
  auto tgz = WriteTarGz(Sample());
  ASSERT_TRUE(tgz.ok());
  ASSERT_GT(tgz->size(), 10u);
  EXPECT_EQ(static_cast<unsigned char>((*tgz)[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>((*tgz)[1]), 0x8b);
  EXPECT_EQ((*tgz)[3], 0) << "no FNAME/FEXTRA/FCOMMENT flags";
  for (int i = 4; i < 8; ++i) {
    EXPECT_EQ((*tgz)[i], 0) << "mtime byte " << i;
  }
  EXPECT_EQ(static_cast<unsigned char>((*tgz)[9]), 3);
}

TEST(WriteTarGzTest, MetadataIsZeroedAndFoldersPrecedeChildren) {
  auto tgz = WriteTarGz(Sample(), "chart/");
  ASSERT_TRUE(tgz.ok());
  const auto headers = Headers(*tgz);
  std::vector<std::string> names;
  for (const auto& h : headers) {
    names.push_back(h.name);
    EXPECT_EQ(h.mtime, 0) << h.name;
    EXPECT_EQ(h.uid, 0) << h.name;
    EXPECT_EQ(h.gid, 0) << h.name;
    EXPECT_EQ(h.uname, "") << h.name;
    EXPECT_EQ(h.gname, "") << h.name;
    if (h.type == AE_IFDIR) {
      EXPECT_EQ(h.perm, 0755) << h.name;
    } else {
      EXPECT_EQ(h.perm, h.name == "chart/scripts/run.sh" ? 0755 : 0644) << h.name;
    }
  }
  EXPECT_THAT(names, ::testing::ElementsAre("chart/", "chart/README.md", "chart/scripts/",
                                            "chart/scripts/run.sh", "chart/templates/",
                                            "chart/templates/job.yaml", "chart/values.yaml"));
}

TEST(WriteTarGzTest, RoundTripsThroughReadTarGz) {
  auto tgz = WriteTarGz(Sample());
  ASSERT_TRUE(tgz.ok());
  auto files = ReadTarGz(*tgz);
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  auto want = Sample();
  std::sort(want.begin(), want.end(),
            [](const TarFile& a, const TarFile& b) { return a.path < b.path; });
  EXPECT_EQ(*files, want);
}

TEST(WriteTarGzTest, LongNamesRoundTrip) {
  const std::string long_name = std::string(120, 'a') + "/" + std::string(150, 'b') + ".yaml";
  auto tgz = WriteTarGz({{long_name, "x", false}});
  ASSERT_TRUE(tgz.ok()) << tgz.status().ToString();
  auto files = ReadTarGz(*tgz);
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ((*files)[0].path, long_name);
}

TEST(WriteTarGzTest, RejectsUnsafeAndConflictingPaths) {
  for (const std::string& bad :
       std::vector<std::string>{"", "/etc/passwd", "../x", "a/../b", "./a", "a//b", "a/", "a\\b",
                                std::string("a\0b", 3), "a\nb"}) {
    auto r = WriteTarGz({{bad, "x", false}});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidRequest) << bad;
  }
  auto dup = WriteTarGz({{"a", "1", false}, {"a", "2", false}});
  ASSERT_FALSE(dup.ok());
  EXPECT_THAT(dup.status().message(), HasSubstr("given twice"));
  auto both = WriteTarGz({{"a", "1", false}, {"a/b", "2", false}});
  ASSERT_FALSE(both.ok());
  EXPECT_THAT(both.status().message(), HasSubstr("both a file and a folder"));
  auto prefix = WriteTarGz({{"a", "1", false}}, "../up");
  ASSERT_FALSE(prefix.ok());
  EXPECT_EQ(prefix.status().code(), ErrorCode::kInvalidRequest);
}

// ---- reader ----

void ExpectRejected(const std::string& tgz, const std::string& fragment,
                    const TarLimits& limits = {}) {
  auto r = ReadTarGz(tgz, limits);
  ASSERT_FALSE(r.ok()) << "accepted; want error containing " << fragment;
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidRequest) << r.status().ToString();
  EXPECT_THAT(r.status().message(), HasSubstr(fragment));
}

TEST(ReadTarGzTest, AcceptsPlainArchiveWithDirectories) {
  auto r = ReadTarGz(Tgz({Node("d/", AE_IFDIR), File("d/f", "hello")}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].path, "d/f");
  EXPECT_EQ((*r)[0].bytes, "hello");
  EXPECT_FALSE((*r)[0].executable);
}

TEST(ReadTarGzTest, RejectsParentTraversal) {
  ExpectRejected(Tgz({File("../x", "x")}), "\"../x\"");
  ExpectRejected(Tgz({File("a/../../x", "x")}), "\"..\" path segment");
}

TEST(ReadTarGzTest, RejectsAbsolutePath) {
  ExpectRejected(Tgz({File("/etc/passwd", "x")}), "absolute path");
}

TEST(ReadTarGzTest, RejectsNonCanonicalPaths) {
  ExpectRejected(Tgz({File("./a", "x")}), "\".\" path segment");
  ExpectRejected(Tgz({File("a//b", "x")}), "empty path segment");
  ExpectRejected(Tgz({File("a\\b", "x")}), "backslash");
}

TEST(ReadTarGzTest, RejectsSymlink) {
  RawEntry link = Node("evil", AE_IFLNK);
  link.link = "/etc/passwd";
  ExpectRejected(Tgz({link}), "\"evil\": symbolic links are not allowed");
}

TEST(ReadTarGzTest, RejectsHardlink) {
  RawEntry hl = Node("b", AE_IFREG);
  hl.hardlink = true;
  hl.link = "a";
  ExpectRejected(Tgz({File("a", "x"), hl}), "\"b\": hard links are not allowed");
}

TEST(ReadTarGzTest, RejectsDevicesAndFifos) {
  ExpectRejected(Tgz({Node("fifo", AE_IFIFO)}), "\"fifo\": only regular files and directories");
  ExpectRejected(Tgz({Node("dev", AE_IFCHR)}), "\"dev\": only regular files and directories");
  ExpectRejected(Tgz({Node("blk", AE_IFBLK)}), "\"blk\": only regular files and directories");
}

TEST(ReadTarGzTest, RejectsSparseFile) {
  RawEntry sp = File("holes", "data");
  sp.sparse = true;
  ExpectRejected(Tgz({sp}), "\"holes\": sparse files are not allowed");
}

TEST(ReadTarGzTest, RejectsDuplicates) {
  ExpectRejected(Tgz({File("a", "1"), File("a", "2")}), "\"a\" appears twice");
  ExpectRejected(Tgz({File("a", "1"), File("a/b", "2")}), "below the file");
  ExpectRejected(Tgz({Node("a/", AE_IFDIR), File("a", "2")}), "both a file and a folder");
}

TEST(ReadTarGzTest, EnforcesLimits) {
  TarLimits small;
  small.max_files = 2;
  ExpectRejected(Tgz({File("a", "1"), File("b", "2"), File("c", "3")}), "more than 2 files", small);
  TarLimits per_file;
  per_file.max_file_bytes = 10;
  ExpectRejected(Tgz({File("big", std::string(11, 'x'))}), "\"big\" is larger than 10", per_file);
  TarLimits total;
  total.max_total_bytes = 15;
  ExpectRejected(Tgz({File("a", std::string(10, 'x')), File("b", std::string(10, 'y'))}),
                 "exceed 15 bytes in total", total);
  // Exactly at the limits is fine.
  TarLimits exact;
  exact.max_files = 2;
  exact.max_file_bytes = 10;
  exact.max_total_bytes = 20;
  EXPECT_TRUE(
      ReadTarGz(Tgz({File("a", std::string(10, 'x')), File("b", std::string(10, 'y'))}), exact)
          .ok());
}

TEST(ReadTarGzTest, RejectsDecompressionBomb) {
  // 64 MiB of zeros after a valid tiny archive: far beyond what 1 file of 1 byte needs.
  std::string raw = RawTar({File("a", "x")});
  raw.append(std::size_t{64} << 20, '\0');
  TarLimits tiny;
  tiny.max_files = 1;
  tiny.max_file_bytes = 1;
  tiny.max_total_bytes = 1;
  ExpectRejected(GzipBytes(raw), "decompressed size exceeds", tiny);
}

TEST(ReadTarGzTest, RejectsTrailingGarbageAfterGzip) {
  ExpectRejected(Tgz({File("a", "x")}) + "garbage", "trailing data after the gzip stream");
}

TEST(ReadTarGzTest, RejectsSecondGzipMember) {
  const std::string one = Tgz({File("a", "x")});
  ExpectRejected(one + Tgz({File("b", "y")}), "concatenated gzip member");
}

TEST(ReadTarGzTest, RejectsDataAfterTarEnd) {
  std::string raw = RawTar({File("a", "x")});
  raw += "not padding";
  ExpectRejected(GzipBytes(raw), "data after the end of the tar archive");
}

TEST(ReadTarGzTest, RejectsNotGzipAndTruncated) {
  ExpectRejected("plain text", "not a gzip stream");
  const std::string good = Tgz({File("a", std::string(5000, 'q'))});
  ExpectRejected(good.substr(0, good.size() / 2), "truncated");
}

}  // namespace
}  // namespace aicr::archive
