#include "attest/verify.h"

#include <string>
#include <utility>

#include "attest/statement.h"
#include "checksum/sha256.h"

namespace aicr::attest {
namespace {

VerifyOutcome Fail(VerifyStep step, std::string reason, std::string signer = "") {
  VerifyOutcome out;
  out.verified = false;
  out.failed_step = step;
  out.reason = std::move(reason);
  out.signer = std::move(signer);
  return out;
}

std::string ToLowerHex(std::string_view hex) {
  std::string out(hex);
  for (char& c : out) {
    if (c >= 'A' && c <= 'F') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

// Raw 32 bytes from 64 lowercase hex characters (already validated).
std::string HexToBytes(std::string_view hex) {
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>((nibble(hex[i]) << 4) | nibble(hex[i + 1])));
  }
  return out;
}

}  // namespace

std::string_view StepName(VerifyStep step) {
  switch (step) {
    case VerifyStep::kBundle:
      return "bundle";
    case VerifyStep::kKey:
      return "key";
    case VerifyStep::kCertificate:
      return "certificate";
    case VerifyStep::kSct:
      return "sct";
    case VerifyStep::kTlog:
      return "tlog";
    case VerifyStep::kTimestamp:
      return "timestamp";
    case VerifyStep::kSignature:
      return "signature";
    case VerifyStep::kIdentity:
      return "identity";
    case VerifyStep::kArtifact:
      return "artifact";
  }
  return "unknown";
}

std::string DescribeFailure(const VerifyOutcome& outcome) {
  const std::string prefix = std::string(StepName(outcome.failed_step)) + ": ";
  return outcome.reason.rfind(prefix, 0) == 0 ? outcome.reason : prefix + outcome.reason;
}

VerifyOutcome VerifyWithKey(const SigstoreBundle& bundle, const PublicKey& key,
                            const Artifact& artifact) {
  const VerificationMaterial& material = bundle.material;
  if (!material.public_key_hint.has_value()) {
    if (!material.certificate_chain_der.empty()) {
      return Fail(
          VerifyStep::kCertificate,
          "bundle is signed with a certificate (keyless), not a key; verify it without --key");
    }
    return Fail(VerifyStep::kBundle, "bundle has no verification material");
  }
  return VerifySignatureAndArtifact(bundle, key, artifact, "the given key");
}

VerifyOutcome VerifySignatureAndArtifact(const SigstoreBundle& bundle, const PublicKey& key,
                                         const Artifact& artifact, std::string_view key_name) {
  const std::string signer = key.Hint();
  if (signer.empty()) {
    return Fail(VerifyStep::kKey, "the verification key cannot be encoded");
  }

  // The artifact's digest, as lowercase hex.
  std::string artifact_hex;
  if (artifact.bytes.has_value()) {
    artifact_hex = checksum::Sha256Hex(*artifact.bytes);
    if (artifact.sha256_hex.has_value() && ToLowerHex(*artifact.sha256_hex) != artifact_hex) {
      return Fail(VerifyStep::kArtifact, "artifact bytes do not match the given sha256 digest",
                  signer);
    }
  } else if (artifact.sha256_hex.has_value()) {
    artifact_hex = ToLowerHex(*artifact.sha256_hex);
    if (!checksum::IsSha256Hex(artifact_hex)) {
      return Fail(
          VerifyStep::kArtifact,
          "artifact sha256 digest must be 64 hex characters, got \"" + *artifact.sha256_hex + "\"",
          signer);
    }
  }

  if (bundle.message_signature.has_value()) {
    const MessageSignature& ms = *bundle.message_signature;
    if (artifact_hex.empty()) {
      return Fail(VerifyStep::kArtifact, "no artifact given to check the message signature against",
                  signer);
    }
    if (!ms.digest_algorithm.empty() && ms.digest_algorithm != "SHA2_256") {
      return Fail(VerifyStep::kSignature,
                  "unsupported message digest algorithm \"" + ms.digest_algorithm + "\"", signer);
    }
    const std::string artifact_digest = HexToBytes(artifact_hex);
    if (!ms.digest.empty() && ms.digest != artifact_digest) {
      return Fail(VerifyStep::kArtifact,
                  "message digest does not match the artifact sha256 " + artifact_hex, signer);
    }
    bool ok = false;
    if (artifact.bytes.has_value()) {
      ok = key.Verify(*artifact.bytes, ms.signature);
    } else if (key.algorithm() == KeyAlgorithm::kEcdsaP256Sha256) {
      ok = key.VerifyDigest(artifact_digest, ms.signature);
    } else {
      return Fail(VerifyStep::kSignature,
                  "ed25519 message signatures can only be verified against the artifact bytes",
                  signer);
    }
    if (!ok) {
      return Fail(VerifyStep::kSignature,
                  "message signature does not verify with " + std::string(key_name), signer);
    }
    VerifyOutcome out;
    out.verified = true;
    out.signer = signer;
    return out;
  }

  if (!bundle.dsse.has_value()) {
    return Fail(VerifyStep::kBundle, "bundle holds neither a dsse envelope nor a message signature",
                signer);
  }
  const DsseEnvelope& envelope = *bundle.dsse;
  if (envelope.signatures.empty()) {
    return Fail(VerifyStep::kSignature, "dsse envelope has no signatures", signer);
  }
  if (!VerifyEnvelope(envelope, key)) {
    return Fail(VerifyStep::kSignature,
                "dsse signature does not verify with " + std::string(key_name), signer);
  }
  if (envelope.payload_type == kInTotoPayloadType) {
    Result<Statement> statement = ParseStatement(envelope.payload);
    if (!statement.ok()) {
      return Fail(VerifyStep::kArtifact, "in-toto payload: " + statement.status().message(),
                  signer);
    }
    if (artifact_hex.empty()) {
      return Fail(VerifyStep::kArtifact, "no artifact given to match the statement subjects",
                  signer);
    }
    bool matched = false;
    for (const Subject& s : statement->subjects) {
      if (s.sha256 == artifact_hex) {
        matched = true;
        break;
      }
    }
    if (!matched) {
      return Fail(VerifyStep::kArtifact,
                  "no statement subject has the artifact sha256 " + artifact_hex, signer);
    }
  } else if (!artifact_hex.empty() && checksum::Sha256Hex(envelope.payload) != artifact_hex) {
    return Fail(VerifyStep::kArtifact,
                "dsse payload does not match the artifact sha256 " + artifact_hex, signer);
  }
  VerifyOutcome out;
  out.verified = true;
  out.signer = signer;
  out.envelope = envelope;
  return out;
}

}  // namespace aicr::attest
