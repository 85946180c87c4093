// Fuzzes ParseSigstoreBundle: whatever parses must marshal (unless it carries a number
// JSON cannot encode), the marshalled text must parse back and marshal to identical
// bytes, and key-mode verification against a fixed public key must never succeed
// (nobody holds its private key) and never crash.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "attest/keys.h"
#include "attest/sigstore_bundle.h"
#include "attest/verify.h"

namespace {

void Check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

// A P-256 public key whose private half was discarded.
constexpr std::string_view kPublicKeyPem =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEMmoaVnFexavyozLkglgqY9N0IKVp\n"
    "S3RQ0h0aeHRolwe+VXNFVOFXWbnT9iDMRTzRtgRJ3oLAg1DIGG8eNJgZ2w==\n"
    "-----END PUBLIC KEY-----\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const aicr::attest::PublicKey key =
      aicr::attest::PublicKey::FromPem(kPublicKeyPem, "fuzz key").value();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto bundle = aicr::attest::ParseSigstoreBundle(text);
  if (!bundle.ok()) {
    Check(bundle.status().code() == aicr::ErrorCode::kInvalidRequest);
    return 0;
  }
  aicr::attest::Artifact artifact;
  artifact.bytes = std::string(text.substr(0, 64));
  Check(!aicr::attest::VerifyWithKey(*bundle, key, artifact).verified);

  auto marshalled = aicr::attest::MarshalSigstoreBundle(*bundle);
  if (!marshalled.ok()) {
    Check(marshalled.status().message().find("cannot encode") != std::string::npos);
    return 0;
  }
  auto back = aicr::attest::ParseSigstoreBundle(*marshalled);
  Check(back.ok());
  Check(back->dsse == bundle->dsse);
  Check(back->message_signature == bundle->message_signature);
  Check(back->material.public_key_hint == bundle->material.public_key_hint);
  Check(back->material.certificate_chain_der == bundle->material.certificate_chain_der);
  auto again = aicr::attest::MarshalSigstoreBundle(*back);
  Check(again.ok() && *again == *marshalled);
  return 0;
}
