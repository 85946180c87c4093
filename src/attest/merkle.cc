#include "attest/merkle.h"

#include <openssl/sha.h>

#include "base/result.h"
#include "base/strings.h"

namespace aicr::attest {
namespace {}  // namespace

std::string Sha256Raw(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

std::string MerkleLeafHash(std::string_view leaf) {
  std::string buf;
  buf.reserve(leaf.size() + 1);
  buf.push_back('\x00');
  buf.append(leaf);
  return Sha256Raw(buf);
}

std::string MerkleNodeHash(std::string_view left, std::string_view right) {
  std::string buf;
  buf.reserve(left.size() + right.size() + 1);
  buf.push_back('\x01');
  buf.append(left);
  buf.append(right);
  return Sha256Raw(buf);
}

Result<std::string> MerkleRootFromInclusionProof(uint64_t index, uint64_t tree_size,
                                                 std::string_view leaf_hash,
                                                 const std::vector<std::string>& proof) {
  if (tree_size == 0) {
    return InvalidRequestError("merkle: empty tree has no inclusion proofs");
  }
  if (index >= tree_size) {
    return InvalidRequestError("merkle: leaf index " + std::to_string(index) +
                               " is outside a tree of size " + std::to_string(tree_size));
  }
  if (leaf_hash.size() != SHA256_DIGEST_LENGTH) {
    return InvalidRequestError("merkle: leaf hash is not 32 bytes");
  }
  uint64_t fn = index;
  uint64_t sn = tree_size - 1;
  std::string r(leaf_hash);
  for (std::size_t i = 0; i < proof.size(); ++i) {
    const std::string& p = proof[i];
    if (p.size() != SHA256_DIGEST_LENGTH) {
      return InvalidRequestError("merkle: proof hash " + std::to_string(i) + " is not 32 bytes");
    }
    if (sn == 0) {
      return InvalidRequestError("merkle: inclusion proof has " + std::to_string(proof.size()) +
                                 " hashes, more than the tree needs");
    }
    if ((fn & 1) == 1 || fn == sn) {
      r = MerkleNodeHash(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = MerkleNodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return InvalidRequestError("merkle: inclusion proof has " + std::to_string(proof.size()) +
                               " hashes, fewer than the tree needs");
  }
  return r;
}

Status VerifyMerkleInclusion(uint64_t index, uint64_t tree_size, std::string_view leaf_hash,
                             const std::vector<std::string>& proof, std::string_view root_hash) {
  Result<std::string> root = MerkleRootFromInclusionProof(index, tree_size, leaf_hash, proof);
  if (!root.ok()) {
    return root.status();
  }
  if (*root != root_hash) {
    return InvalidRequestError("merkle: computed root hash " + HexEncode(*root) +
                               " does not match the expected root hash " + HexEncode(root_hash));
  }
  return OkStatus();
}

}  // namespace aicr::attest
