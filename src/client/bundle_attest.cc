#include "client/bundle_attest.h"

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <utility>

#include "attest/dsse.h"
#include "attest/sigstore_bundle.h"
#include "attest/statement.h"
#include "base/log.h"
#include "base/status_macros.h"
#include "checksum/sha256.h"
#include "client/verify.h"

namespace aicr::client {
namespace {

constexpr char kChecksumsPath[] = "checksums.txt";

// An endpoint URL must be absolute https with a host and no user information.
Status CheckEndpointUrl(const char* flag, const std::string& url) {
  if (url.empty()) {
    return OkStatus();
  }
  const std::string prefix = "https://";
  auto fail = [&](const std::string& reason) {
    return InvalidRequestError(std::string("--") + flag + " \"" + url + "\": " + reason);
  };
  if (url.rfind(prefix, 0) != 0) {
    return fail("must be an absolute https:// URL");
  }
  for (const char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return fail("must not contain whitespace or control characters");
    }
  }
  const std::string rest = url.substr(prefix.size());
  const std::string authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string::npos) {
    return fail("must not carry credentials");
  }
  if (authority.empty() || authority.front() == ':') {
    return fail("has no host");
  }
  return OkStatus();
}

// The override of the binary-attestation identity must still pin the AICR
// repository; the same rule as `aicr verify` applies.
Status CheckIdentityRegexp(const std::string& pattern) {
  if (pattern.empty()) {
    return OkStatus();
  }
  const Status status = ValidateIdentityPattern(pattern);
  if (!status.ok()) {
    return InvalidRequestError("--certificate-identity-regexp: " + status.message());
  }
  return OkStatus();
}

Status RequireAttest(const BundleAttestRequest& r) {
  const std::vector<std::pair<const char*, bool>> settings = {
      {"signing-key", !r.signing_key.empty()},
      {"tlog-upload", r.tlog_upload.has_value()},
      {"identity-token", !r.identity_token.empty()},
      {"oidc-device-flow", r.oidc_device_flow},
      {"fulcio-url", !r.fulcio_url.empty()},
      {"rekor-url", !r.rekor_url.empty()},
      {"signing-config", !r.signing_config.empty()},
      {"certificate-identity-regexp", !r.certificate_identity_regexp.empty()},
  };
  for (const auto& [flag, given] : settings) {
    if (given) {
      return InvalidRequestError(std::string("--") + flag + " requires --attest");
    }
  }
  return OkStatus();
}

Status CheckCombinations(const BundleAttestRequest& r) {
  if (!r.signing_key.empty()) {
    const std::vector<std::pair<const char*, bool>> keyless = {
        {"identity-token", !r.identity_token.empty()},
        {"oidc-device-flow", r.oidc_device_flow},
        {"fulcio-url", !r.fulcio_url.empty()},
    };
    for (const auto& [flag, given] : keyless) {
      if (given) {
        return InvalidRequestError(std::string("--signing-key cannot be combined with --") + flag +
                                   " (a key signs without an identity certificate)");
      }
    }
  }
  if (!r.rekor_url.empty() && !r.signing_config.empty()) {
    return InvalidRequestError("--rekor-url cannot be combined with --signing-config");
  }
  if (r.tlog_upload.has_value() && !*r.tlog_upload && r.signing_key.empty()) {
    return InvalidRequestError("--tlog-upload=false requires --signing-key");
  }
  AICR_RETURN_IF_ERROR(CheckEndpointUrl("fulcio-url", r.fulcio_url));
  AICR_RETURN_IF_ERROR(CheckEndpointUrl("rekor-url", r.rekor_url));
  return CheckIdentityRegexp(r.certificate_identity_regexp);
}

// Reads at most `cap` bytes of a regular file.
Result<std::string> ReadCapped(const std::string& path, std::size_t cap, const std::string& what) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    return UnavailableError(what + " \"" + path + "\": " + ec.message());
  }
  if (size > cap) {
    return InvalidRequestError(what + " \"" + path + "\": larger than " + std::to_string(cap) +
                               " bytes");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return UnavailableError(what + " \"" + path + "\": cannot be opened");
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<std::string> ExecutablePath(const std::string& given) {
  if (!given.empty()) {
    std::error_code ec;
    std::filesystem::path abs = std::filesystem::absolute(given, ec);
    if (ec) {
      return UnavailableError("executable \"" + given + "\": " + ec.message());
    }
    return abs.lexically_normal().string();
  }
  std::array<char, 4096> buf{};
  const ssize_t n = readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  if (n <= 0) {
    return UnavailableError("cannot locate the running aicr binary (/proc/self/exe)");
  }
  return std::string(buf.data(), static_cast<std::size_t>(n));
}

std::string NewUuidV4() {
  std::random_device rd;
  std::array<unsigned char, 16> b{};
  for (std::size_t i = 0; i < b.size(); i += 4) {
    const unsigned v = rd();
    for (std::size_t j = 0; j < 4; ++j) {
      b[i + j] = static_cast<unsigned char>(v >> (8 * j));
    }
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  std::string out;
  char hex[3];
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      out += '-';
    }
    std::snprintf(hex, sizeof(hex), "%02x", b[i]);
    out += hex;
  }
  return out;
}

}  // namespace

Result<std::optional<BundleSigner>> PrepareBundleSigner(const BundleAttestRequest& request) {
  if (!request.attest) {
    AICR_RETURN_IF_ERROR(RequireAttest(request));
    return std::optional<BundleSigner>();
  }
  AICR_RETURN_IF_ERROR(CheckCombinations(request));
  if (request.signing_key.empty()) {
    return UnavailableError(
        "keyless signing (Fulcio certificate and Rekor transparency log) is not supported in "
        "this build; sign with a local key: --signing-key file://<key.pem> --tlog-upload=false");
  }
  AICR_ASSIGN_OR_RETURN(attest::PrivateKey key, attest::LoadSigningKey(request.signing_key));
  if (request.tlog_upload.value_or(true)) {
    return InvalidRequestError("--signing-key \"" + request.signing_key +
                               "\": uploading to a transparency log is not supported in this "
                               "build; pass --tlog-upload=false to sign offline");
  }
  BundleSigner signer{.key = key};
  signer.builder_id = "key:" + key.public_key().Hint();
  AICR_ASSIGN_OR_RETURN(signer.executable_path, ExecutablePath(request.executable));
  Result<std::string> digest = checksum::Sha256HexOfFile(
      request.executable.empty() ? std::string("/proc/self/exe") : signer.executable_path);
  if (!digest.ok()) {
    return UnavailableError("cannot hash the running aicr binary \"" + signer.executable_path +
                            "\": " + digest.status().message());
  }
  signer.executable_sha256 = *digest;

  const std::string sidecar = signer.executable_path + kBinaryAttestationSuffix;
  std::error_code ec;
  if (std::filesystem::exists(sidecar, ec)) {
    if (!std::filesystem::is_regular_file(sidecar, ec)) {
      return InvalidRequestError("binary attestation \"" + sidecar + "\": not a regular file");
    }
    AICR_ASSIGN_OR_RETURN(std::string bytes, ReadCapped(sidecar, attest::kMaxSigstoreBundleBytes,
                                                        "binary attestation"));
    Result<attest::SigstoreBundle> parsed = attest::ParseSigstoreBundle(bytes);
    if (!parsed.ok()) {
      return InvalidRequestError("binary attestation \"" + sidecar +
                                 "\": " + parsed.status().message());
    }
    signer.binary_attestation = std::move(bytes);
  } else {
    log::Debug("no binary attestation next to the executable", {{"path", sidecar}});
  }

  if (request.source_date_epoch.has_value()) {
    signer.started_on = FormatRfc3339(
        std::chrono::system_clock::time_point(std::chrono::seconds(*request.source_date_epoch)));
  } else {
    const Clock& clock = request.clock != nullptr ? *request.clock : Clock::Real();
    signer.started_on = FormatRfc3339(clock.Now());
    signer.invocation_id = NewUuidV4();
  }
  return std::optional<BundleSigner>(std::move(signer));
}

Result<std::string> AttestBundleTree(const BundleSigner& signer,
                                     const BundleProvenanceInputs& inputs, layout::FileTree* tree) {
  const layout::File* checksums = tree->Find(kChecksumsPath);
  if (checksums == nullptr) {
    return InvalidRequestError("bundle has no checksums.txt to attest");
  }
  if (tree->Find(kBundleAttestationPath) != nullptr ||
      tree->Find(kBinaryAttestationPath) != nullptr) {
    return InvalidRequestError("bundle already holds an attestation");
  }
  attest::Subject subject{.name = kChecksumsPath, .sha256 = checksum::Sha256Hex(checksums->bytes)};
  attest::BundleProvenance provenance;
  provenance.recipe = inputs.recipe;
  provenance.recipe_source = inputs.external_data ? "external" : "embedded";
  provenance.components = inputs.components;
  provenance.output_dir = inputs.output_dir;
  provenance.tool_version = inputs.tool_version;
  provenance.dependencies.push_back(
      {.uri = "file://" + signer.executable_path, .sha256 = signer.executable_sha256});
  for (const auto& [path, file] : tree->files()) {
    if (path.rfind("data/", 0) == 0) {
      provenance.dependencies.push_back(
          {.uri = "file://" + path, .sha256 = checksum::Sha256Hex(file.bytes)});
    }
  }
  provenance.builder_id = signer.builder_id;
  provenance.invocation_id = signer.invocation_id;
  provenance.started_on = signer.started_on;

  AICR_ASSIGN_OR_RETURN(std::string statement, attest::MarshalBundleStatement(subject, provenance));
  AICR_ASSIGN_OR_RETURN(attest::SigstoreBundle bundle,
                        attest::SignDsseBundle(signer.key, attest::kInTotoPayloadType, statement));
  AICR_ASSIGN_OR_RETURN(std::string json, attest::MarshalSigstoreBundle(bundle));
  AICR_RETURN_IF_ERROR(tree->Add(kBundleAttestationPath, json, layout::kModePrivate));
  if (signer.binary_attestation.has_value()) {
    AICR_RETURN_IF_ERROR(
        tree->Add(kBinaryAttestationPath, *signer.binary_attestation, layout::kModePrivate));
  }
  return json;
}

}  // namespace aicr::client
