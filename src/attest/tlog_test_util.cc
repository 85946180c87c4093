#include "attest/tlog_test_util.h"

#include <openssl/sha.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "attest/keys.h"

namespace aicr::attest::testing {
namespace {

namespace fs = std::filesystem;

Result<std::string> Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    return NotFoundError("cannot read " + p.string());
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Sha256(std::string_view data) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), d);
  return std::string(reinterpret_cast<const char*>(d), sizeof(d));
}

}  // namespace

fs::path ConformanceCasesDir() {
  const char* env = std::getenv("AICR_SOURCE_DIR");
  const std::string src = env != nullptr && *env != '\0' ? env : AICR_SOURCE_DIR;
  return fs::path(src).parent_path() / "shared" / "conformance" / "sigstore-bundle-verify";
}

Result<std::unique_ptr<ConformanceCase>> LoadConformanceCase(const std::string& name) {
  const fs::path dir = ConformanceCasesDir() / name;
  auto c = std::make_unique<ConformanceCase>();
  Result<std::string> json = Slurp(dir / "bundle.sigstore.json");
  if (!json.ok()) {
    return json.status();
  }
  Result<SigstoreBundle> bundle = ParseSigstoreBundle(*json);
  if (!bundle.ok()) {
    return bundle.status();
  }
  c->bundle = std::move(*bundle);
  const fs::path root_path = fs::exists(dir / "trusted_root.json")
                                 ? dir / "trusted_root.json"
                                 : ConformanceCasesDir() / "trusted_root.public_good.json";
  Result<std::string> root_json = Slurp(root_path);
  if (!root_json.ok()) {
    return root_json.status();
  }
  Result<TrustedRoot> root = ParseTrustedRoot(*root_json);
  if (!root.ok()) {
    return root.status();
  }
  c->root = std::move(*root);
  Result<std::string> artifact =
      Slurp(fs::exists(dir / "artifact") ? dir / "artifact" : ConformanceCasesDir() / "a.txt");
  if (!artifact.ok()) {
    return artifact.status();
  }
  TlogContext& ctx = c->ctx;
  ctx.bundle_minor_version = c->bundle.minor_version;
  if (c->bundle.dsse.has_value()) {
    ctx.dsse = &*c->bundle.dsse;
    if (!c->bundle.dsse->signatures.empty()) {
      ctx.signature = c->bundle.dsse->signatures[0].sig;
    }
  } else if (c->bundle.message_signature.has_value()) {
    ctx.signature = c->bundle.message_signature->signature;
    ctx.artifact_digest = Sha256(*artifact);
  }
  if (!c->bundle.material.certificate_chain_der.empty()) {
    ctx.leaf_cert_der = c->bundle.material.certificate_chain_der[0];
  } else if (fs::exists(dir / "key.pub")) {
    Result<std::string> pem = Slurp(dir / "key.pub");
    if (!pem.ok()) {
      return pem.status();
    }
    Result<PublicKey> key = PublicKey::FromPem(*pem, "key.pub");
    if (!key.ok()) {
      return key.status();
    }
    ctx.public_key_spki_der = key->SpkiDer();
  }
  return c;
}

}  // namespace aicr::attest::testing
