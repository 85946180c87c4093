// Fuzzes the parsers of keyless Sigstore verification with one input routed by its
// first byte: 0 signed-note checkpoints, 1 trusted roots, 2 DER certificates (the
// Fulcio extensions included), 3 inclusion proofs (index, size, leaf and path taken
// from the bytes). Each either fails with a specific error code or yields a value
// that holds its invariants (a checkpoint's signed text ends with a newline and
// starts with its origin; a recomputed root is 32 bytes and verifies against itself).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "attest/certificate.h"
#include "attest/checkpoint.h"
#include "attest/merkle.h"
#include "attest/trusted_root.h"

namespace {

void Check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

bool IsInput(const aicr::Status& s) {
  return s.code() == aicr::ErrorCode::kInvalidRequest || s.code() == aicr::ErrorCode::kUnauthorized;
}

std::uint64_t TakeU64(std::string_view* in) {
  std::uint64_t v = 0;
  const std::size_t n = std::min<std::size_t>(8, in->size());
  std::memcpy(&v, in->data(), n);
  in->remove_prefix(n);
  return v;
}

void FuzzProof(std::string_view in) {
  const std::uint64_t index = TakeU64(&in) % 4096;
  const std::uint64_t size = TakeU64(&in) % 4096;
  const std::string leaf =
      aicr::attest::MerkleLeafHash(in.substr(0, std::min<std::size_t>(16, in.size())));
  in.remove_prefix(std::min<std::size_t>(16, in.size()));
  std::vector<std::string> proof;
  while (!in.empty() && proof.size() < 16) {
    const std::size_t n = std::min<std::size_t>(in.size(), in.front() % 2 == 0 ? 32 : 31);
    proof.emplace_back(in.substr(0, n));
    in.remove_prefix(n);
  }
  auto root = aicr::attest::MerkleRootFromInclusionProof(index, size, leaf, proof);
  if (!root.ok()) {
    Check(IsInput(root.status()));
    return;
  }
  Check(root->size() == 32);
  Check(aicr::attest::VerifyMerkleInclusion(index, size, leaf, proof, *root).ok());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0: {
      auto cp = aicr::attest::ParseCheckpoint(in);
      if (!cp.ok()) {
        Check(IsInput(cp.status()));
      } else {
        Check(!cp->text.empty() && cp->text.back() == '\n');
        Check(cp->text.rfind(cp->origin, 0) == 0);
      }
      break;
    }
    case 1: {
      auto root = aicr::attest::ParseTrustedRoot(in);
      Check(root.ok() || IsInput(root.status()));
      break;
    }
    case 2: {
      auto cert = aicr::attest::ParseCertificate(in);
      Check(cert.ok() || IsInput(cert.status()));
      break;
    }
    default:
      FuzzProof(in);
  }
  return 0;
}
