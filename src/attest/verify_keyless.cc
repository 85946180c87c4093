#include "attest/verify_keyless.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "attest/keys.h"
#include "attest/sct.h"
#include "attest/timestamp.h"
#include "attest/tlog.h"
#include "base/strings.h"
#include "checksum/sha256.h"

namespace aicr::attest {
namespace {

VerifyOutcome Fail(VerifyStep step, std::string reason, std::string signer = "") {
  VerifyOutcome out;
  out.failed_step = step;
  out.reason = std::move(reason);
  out.signer = std::move(signer);
  return out;
}

std::string HexToBytes(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    const int hi = HexDigitValue(hex[i]);
    const int lo = HexDigitValue(hex[i + 1]);
    if (hi < 0 || lo < 0) {
      return {};
    }
    out.push_back(static_cast<char>((hi << 4) | lo));
  }
  return out;
}

}  // namespace

VerifyOutcome VerifyKeyless(const SigstoreBundle& bundle, const TrustedRoot& root,
                            const IdentityPolicy& policy, const Artifact& artifact,
                            int64_t now_unix) {
  const VerificationMaterial& material = bundle.material;
  if (material.certificate_chain_der.empty()) {
    if (material.public_key_hint.has_value()) {
      return Fail(VerifyStep::kCertificate,
                  "bundle is signed with a key, not a certificate; verify it with --key");
    }
    return Fail(VerifyStep::kCertificate, "bundle has no signing certificate");
  }
  Result<CertificateInfo> leaf = ParseCertificate(material.certificate_chain_der.front());
  if (!leaf.ok()) {
    return Fail(VerifyStep::kCertificate, leaf.status().message());
  }
  const std::string signer = leaf->FirstSan();
  if (Status s = RejectBundledRoots(material.certificate_chain_der); !s.ok()) {
    return Fail(VerifyStep::kCertificate, s.message(), signer);
  }

  // What the log entries and timestamps are bound to.
  TlogContext ctx;
  ctx.bundle_minor_version = bundle.minor_version;
  ctx.leaf_cert_der = leaf->der;
  ctx.dsse = bundle.dsse.has_value() ? &*bundle.dsse : nullptr;
  if (bundle.message_signature.has_value()) {
    ctx.signature = bundle.message_signature->signature;
    if (artifact.bytes.has_value()) {
      ctx.artifact_digest = HexToBytes(checksum::Sha256Hex(*artifact.bytes));
    } else if (artifact.sha256_hex.has_value()) {
      ctx.artifact_digest = HexToBytes(*artifact.sha256_hex);
    } else {
      ctx.artifact_digest = bundle.message_signature->digest;
    }
  } else if (bundle.dsse.has_value() && !bundle.dsse->signatures.empty()) {
    ctx.signature = bundle.dsse->signatures.front().sig;
  } else {
    return Fail(VerifyStep::kSignature, "bundle holds no signature", signer);
  }

  // The signature and the artifact, with the certificate's key, before anything is asked of the
  // log: a bundle whose own signature is wrong is rejected for that.
  Result<PublicKey> leaf_key = PublicKey::FromDer(leaf->spki_der, "certificate public key");
  if (!leaf_key.ok()) {
    return Fail(VerifyStep::kCertificate, leaf_key.status().message(), signer);
  }
  VerifyOutcome out =
      VerifySignatureAndArtifact(bundle, *leaf_key, artifact, "the signing certificate's key");
  out.signer = signer;
  if (!out.verified) {
    return out;
  }

  // Signing times: verified integrated times and RFC 3161 timestamps, each inside the
  // certificate's validity (the tlog or timestamp step reports one that is not).
  const serialize::Value& entries = material.tlog_entries;
  if (!entries.is_sequence() || entries.size() == 0) {
    return Fail(VerifyStep::kTlog, "bundle has no transparency log entry", signer);
  }
  Result<SigningTimes> signing = VerifyTlogAndTimestamps(bundle, root, ctx, now_unix);
  if (!signing.ok()) {
    const std::string& reason = signing.status().message();
    return Fail(reason.rfind("timestamp: ", 0) == 0 ? VerifyStep::kTimestamp : VerifyStep::kTlog,
                reason, signer);
  }
  std::vector<int64_t> times = signing->integrated_times;
  times.insert(times.end(), signing->timestamps.begin(), signing->timestamps.end());

  // The certificate chain at every signing time, and its SCT.
  std::string issuer_der;
  for (int64_t t : times) {
    Result<ValidatedChain> chain = VerifyCertificateChain(material.certificate_chain_der, root, t);
    if (!chain.ok()) {
      return Fail(VerifyStep::kCertificate, chain.status().message(), signer);
    }
    issuer_der = chain->issuer_der;
  }
  if (Status s = VerifyEmbeddedScts(leaf->der, issuer_der, root); !s.ok()) {
    return Fail(VerifyStep::kSct, s.message(), signer);
  }
  if (Status s = CheckIdentity(*leaf, policy); !s.ok()) {
    return Fail(VerifyStep::kIdentity, s.message(), signer);
  }
  return out;
}

}  // namespace aicr::attest
