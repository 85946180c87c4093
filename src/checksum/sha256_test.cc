#include "checksum/sha256.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "checksum/temp_tree_for_test.h"
#include "tests/testing/status_matchers.h"

namespace aicr::checksum {
namespace {

using ::testing::HasSubstr;

TEST(Sha256Test, KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Test, IsSha256Hex) {
  EXPECT_TRUE(IsSha256Hex(Sha256Hex("x")));
  EXPECT_FALSE(IsSha256Hex(std::string(64, 'A')));
  EXPECT_FALSE(IsSha256Hex(std::string(63, 'a')));
  EXPECT_FALSE(IsSha256Hex(std::string(63, 'a') + "g"));
  EXPECT_FALSE(IsSha256Hex(""));
}

TEST(Sha256Test, FileIsStreamedAndMatchesInMemoryDigest) {
  testing::TempTree tree;
  std::string big;
  for (int i = 0; i < 300000; ++i) {  // spans several read chunks
    big += static_cast<char>('a' + i % 26);
  }
  tree.Write("big.bin", big);
  tree.Write("empty", "");
  EXPECT_THAT(Sha256HexOfFile(tree.Path("big.bin")), IsOkAndHolds(Sha256Hex(big)));
  EXPECT_THAT(Sha256HexOfFile(tree.Path("empty")), IsOkAndHolds(Sha256Hex("")));

  const int fd = ::open(tree.Path("big.bin").c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::lseek(fd, 100, SEEK_SET), 100);
  EXPECT_THAT(Sha256HexOfFd(fd, "big.bin"), IsOkAndHolds(Sha256Hex(big.substr(100))));
  ::close(fd);
}

TEST(Sha256Test, FileErrors) {
  testing::TempTree tree;
  EXPECT_THAT(Sha256HexOfFile(tree.Path("nope")),
              StatusIs(ErrorCode::kNotFound, HasSubstr("not found")));
  tree.Mkdir("dir");
  EXPECT_THAT(Sha256HexOfFile(tree.Path("dir")),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("is not a regular file")));
  tree.Fifo("fifo");  // must not block waiting for a writer
  EXPECT_THAT(Sha256HexOfFile(tree.Path("fifo")),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("is not a regular file")));
  EXPECT_THAT(Sha256HexOfFd(-1, "bad fd"),
              StatusIs(ErrorCode::kUnavailable, HasSubstr("read bad fd")));
}

}  // namespace
}  // namespace aicr::checksum
