// RFC 6962 / 9162 Merkle inclusion proofs over self-built trees of every size up to 33.

#include "attest/merkle.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace aicr::attest {
namespace {

using ::testing::HasSubstr;

// Reference tree hash (RFC 6962 §2.1): split at the largest power of two below n.
std::string TreeHash(const std::vector<std::string>& leaves, std::size_t lo, std::size_t hi) {
  if (hi - lo == 1) {
    return MerkleLeafHash(leaves[lo]);
  }
  std::size_t k = 1;
  while (k * 2 < hi - lo) {
    k *= 2;
  }
  return MerkleNodeHash(TreeHash(leaves, lo, lo + k), TreeHash(leaves, lo + k, hi));
}

// Reference audit path (RFC 6962 §2.1.1), leaf first.
void AuditPath(const std::vector<std::string>& leaves, std::size_t m, std::size_t lo,
               std::size_t hi, std::vector<std::string>* out) {
  if (hi - lo == 1) {
    return;
  }
  std::size_t k = 1;
  while (k * 2 < hi - lo) {
    k *= 2;
  }
  if (m < k) {
    AuditPath(leaves, m, lo, lo + k, out);
    out->push_back(TreeHash(leaves, lo + k, hi));
  } else {
    AuditPath(leaves, m - k, lo + k, hi, out);
    out->push_back(TreeHash(leaves, lo, lo + k));
  }
}

std::vector<std::string> Leaves(std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back("leaf-" + std::to_string(i));
  }
  return out;
}

TEST(MerkleTest, HashesUseDomainSeparation) {
  EXPECT_EQ(MerkleLeafHash("").size(), 32u);
  EXPECT_NE(MerkleLeafHash("ab"), Sha256Raw("ab"));
  EXPECT_EQ(MerkleLeafHash("ab"), Sha256Raw(std::string("\x00", 1) + "ab"));
  EXPECT_EQ(MerkleNodeHash("a", "b"), Sha256Raw("\x01"
                                                "ab"));
}

TEST(MerkleTest, EveryLeafOfEveryTreeUpTo33Verifies) {
  for (std::size_t n = 1; n <= 33; ++n) {
    const std::vector<std::string> leaves = Leaves(n);
    const std::string root = TreeHash(leaves, 0, n);
    for (std::size_t i = 0; i < n; ++i) {
      std::vector<std::string> proof;
      AuditPath(leaves, i, 0, n, &proof);
      EXPECT_TRUE(VerifyMerkleInclusion(i, n, MerkleLeafHash(leaves[i]), proof, root).ok())
          << "n=" << n << " i=" << i;
      if (n > 1) {
        // The same proof never verifies another leaf.
        const std::size_t other = (i + 1) % n;
        EXPECT_FALSE(VerifyMerkleInclusion(other, n, MerkleLeafHash(leaves[i]), proof, root).ok())
            << "n=" << n << " i=" << i;
      }
    }
  }
}

TEST(MerkleTest, SizeOneTreeHasEmptyProofAndRootIsTheLeafHash) {
  const std::string leaf = MerkleLeafHash("only");
  EXPECT_TRUE(VerifyMerkleInclusion(0, 1, leaf, {}, leaf).ok());
  Status extra = VerifyMerkleInclusion(0, 1, leaf, {leaf}, leaf);
  EXPECT_THAT(extra.message(), HasSubstr("more than the tree needs"));
}

TEST(MerkleTest, LastLeafOfUnbalancedTree) {
  const std::vector<std::string> leaves = Leaves(7);
  std::vector<std::string> proof;
  AuditPath(leaves, 6, 0, 7, &proof);
  EXPECT_EQ(proof.size(), 2u);
  EXPECT_TRUE(
      VerifyMerkleInclusion(6, 7, MerkleLeafHash(leaves[6]), proof, TreeHash(leaves, 0, 7)).ok());
}

TEST(MerkleTest, RejectsIndexOutsideTree) {
  const std::string leaf = MerkleLeafHash("x");
  Status s = VerifyMerkleInclusion(5, 5, leaf, {}, leaf);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidRequest);
  EXPECT_THAT(s.message(), HasSubstr("leaf index 5 is outside a tree of size 5"));
  EXPECT_THAT(VerifyMerkleInclusion(0, 0, leaf, {}, leaf).message(), HasSubstr("empty tree"));
}

TEST(MerkleTest, RejectsShortProofCorruptedHashAndBadLengths) {
  const std::vector<std::string> leaves = Leaves(10);
  const std::string root = TreeHash(leaves, 0, 10);
  std::vector<std::string> proof;
  AuditPath(leaves, 3, 0, 10, &proof);
  std::vector<std::string> shorter(proof.begin(), proof.end() - 1);
  EXPECT_THAT(VerifyMerkleInclusion(3, 10, MerkleLeafHash(leaves[3]), shorter, root).message(),
              HasSubstr("fewer than the tree needs"));
  std::vector<std::string> flipped = proof;
  flipped[1][0] = static_cast<char>(flipped[1][0] ^ 1);
  EXPECT_THAT(VerifyMerkleInclusion(3, 10, MerkleLeafHash(leaves[3]), flipped, root).message(),
              HasSubstr("does not match the expected root hash"));
  std::vector<std::string> bad_len = proof;
  bad_len[0].pop_back();
  EXPECT_THAT(VerifyMerkleInclusion(3, 10, MerkleLeafHash(leaves[3]), bad_len, root).message(),
              HasSubstr("proof hash 0 is not 32 bytes"));
  // A tree size needing a longer path is rejected.
  EXPECT_FALSE(VerifyMerkleInclusion(3, 17, MerkleLeafHash(leaves[3]), proof, root).ok());
}

}  // namespace
}  // namespace aicr::attest
