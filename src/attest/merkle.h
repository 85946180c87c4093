#pragma once

/// \file
/// RFC 6962 / RFC 9162 Merkle tree hashing and inclusion-proof verification, as used by
/// transparency logs (Rekor v1 and v2). All hashes are raw 32-byte SHA-256 values.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/status.h"

namespace aicr::attest {

/// Raw SHA-256 of `data` (32 bytes).
std::string Sha256Raw(std::string_view data);

/// The leaf hash SHA-256(0x00 || leaf).
std::string MerkleLeafHash(std::string_view leaf);

/// The interior node hash SHA-256(0x01 || left || right).
std::string MerkleNodeHash(std::string_view left, std::string_view right);

/// Recomputes the root from a leaf hash and its audit path (RFC 9162 §2.1.3.2).
/// INVALID_REQUEST `merkle: <reason>` when the index is outside the tree, a proof hash is not
/// 32 bytes, or the path is too long or too short for the tree.
Result<std::string> MerkleRootFromInclusionProof(uint64_t index, uint64_t tree_size,
                                                 std::string_view leaf_hash,
                                                 const std::vector<std::string>& proof);

/// Verifies that `leaf_hash` is at `index` of the tree of `tree_size` leaves whose root is
/// `root_hash`. INVALID_REQUEST `merkle: ...` as above, or `merkle: computed root hash <hex>
/// does not match the expected root hash <hex>`.
Status VerifyMerkleInclusion(uint64_t index, uint64_t tree_size, std::string_view leaf_hash,
                             const std::vector<std::string>& proof, std::string_view root_hash);

}  // namespace aicr::attest
