#include "attest/tlog.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string_view>
#include <vector>

#include "attest/checkpoint.h"
#include "attest/merkle.h"
#include "attest/timestamp.h"
#include "base/base64.h"
#include "base/strings.h"
#include "checksum/sha256.h"
#include "serialize/json_reader.h"

namespace aicr::attest {
namespace {

using serialize::Value;

// "(<start> to <end>)" for error messages.
std::string DescribeWindow(const ValidityWindow& w) {
  return "(" + (w.start_unix ? FormatUnixTime(*w.start_unix) : std::string("unbounded")) + " to " +
         (w.end_unix ? FormatUnixTime(*w.end_unix) : std::string("unbounded")) + ")";
}

Status Bad(std::string reason) { return InvalidRequestError("tlog: " + std::move(reason)); }

std::string Lower(std::string s) {
  for (char& c : s) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return s;
}

const std::string* StringAt(const Value& v, std::string_view path) {
  const Value* f = v.FindPath(path);
  return f != nullptr ? f->if_string() : nullptr;
}

Result<std::string> RequireString(const Value& v, std::string_view path) {
  const std::string* s = StringAt(v, path);
  if (s == nullptr || s->empty()) {
    return Bad("missing " + std::string(path));
  }
  return *s;
}

Result<std::string> RequireBase64(const Value& v, std::string_view path) {
  Result<std::string> s = RequireString(v, path);
  if (!s.ok()) {
    return s.status();
  }
  Result<std::string> raw = DecodeBase64(*s);
  if (!raw.ok()) {
    return Bad(std::string(path) + " is not valid base64");
  }
  return raw;
}

// An int64 in protobuf JSON: a decimal string or a number. Absent → `fallback` when allowed.
Result<int64_t> Int64At(const Value& v, std::string_view path, bool required) {
  const Value* f = v.FindPath(path);
  if (f == nullptr || f->is_null()) {
    if (required) {
      return Bad("missing " + std::string(path));
    }
    return int64_t{0};
  }
  if (const int64_t* i = f->if_int()) {
    if (*i < 0) {
      return Bad(std::string(path) + " is negative");
    }
    return *i;
  }
  const std::string* s = f->if_string();
  if (s == nullptr || s->empty() || s->size() > 19) {
    return Bad(std::string(path) + " is not an integer");
  }
  int64_t out = 0;
  for (char c : *s) {
    if (c == '-') {
      return Bad(std::string(path) + " is negative");
    }
    if (c < '0' || c > '9') {
      return Bad(std::string(path) + " is not an integer");
    }
    if (out > (INT64_MAX - (c - '0')) / 10) {
      return Bad(std::string(path) + " is out of range");
    }
    out = out * 10 + (c - '0');
  }
  return out;
}

// The DER inside a PEM block (CERTIFICATE or PUBLIC KEY); `type` receives the label.
Result<std::string> PemToDer(std::string_view pem, std::string* type) {
  constexpr std::string_view kBegin = "-----BEGIN ";
  const std::size_t b = pem.find(kBegin);
  if (b == std::string_view::npos) {
    return Bad("verifier is not PEM");
  }
  const std::size_t label_end = pem.find("-----", b + kBegin.size());
  if (label_end == std::string_view::npos) {
    return Bad("verifier is not PEM");
  }
  *type = std::string(pem.substr(b + kBegin.size(), label_end - b - kBegin.size()));
  const std::size_t body = label_end + 5;
  const std::size_t end = pem.find("-----END ", body);
  if (end == std::string_view::npos) {
    return Bad("verifier PEM has no end line");
  }
  Result<std::string> der = DecodeBase64(pem.substr(body, end - body));
  if (!der.ok()) {
    return Bad("verifier PEM is not valid base64");
  }
  return der;
}

// Checks that a verifier (certificate or public key DER) is the bundle's signer.
Status MatchVerifier(std::string_view kind, std::string_view der, bool is_cert,
                     const TlogContext& ctx) {
  if (is_cert) {
    if (ctx.leaf_cert_der.empty()) {
      return Bad(std::string(kind) + " entry names a certificate but the bundle is key-signed");
    }
    if (der != ctx.leaf_cert_der) {
      return Bad(std::string(kind) + " entry certificate does not match the bundle certificate");
    }
    return OkStatus();
  }
  if (ctx.public_key_spki_der.empty()) {
    return Bad(std::string(kind) + " entry names a public key but the bundle has a certificate");
  }
  if (der != ctx.public_key_spki_der) {
    return Bad(std::string(kind) + " entry public key does not match the bundle key");
  }
  return OkStatus();
}

Status MatchPemVerifier(std::string_view kind, std::string_view pem, const TlogContext& ctx) {
  std::string type;
  Result<std::string> der = PemToDer(pem, &type);
  if (!der.ok()) {
    return der.status();
  }
  if (type != "CERTIFICATE" && type != "PUBLIC KEY") {
    return Bad(std::string(kind) + " entry verifier has unsupported PEM type \"" + type + "\"");
  }
  return MatchVerifier(kind, *der, type == "CERTIFICATE", ctx);
}

Status CheckSha256Hex(const Value& spec, std::string_view path, std::string_view data,
                      std::string_view what) {
  const std::string alg_path = std::string(path) + ".algorithm";
  const std::string value_path = std::string(path) + ".value";
  const std::string* alg = StringAt(spec, alg_path);
  if (alg == nullptr || *alg != "sha256") {
    return Bad(std::string(what) + " hash algorithm must be sha256");
  }
  const std::string* value = StringAt(spec, value_path);
  if (value == nullptr) {
    return Bad("missing " + std::string(what) + " hash");
  }
  if (Lower(*value) != checksum::Sha256Hex(data)) {
    return Bad(std::string(what) + " hash in the entry does not match the bundle");
  }
  return OkStatus();
}

Status CheckHashedRekordV001(const Value& spec, const TlogContext& ctx) {
  if (ctx.dsse != nullptr || ctx.artifact_digest.empty()) {
    return Bad("hashedrekord 0.0.1 entry needs a message signature bundle");
  }
  const std::string* alg = StringAt(spec, "data.hash.algorithm");
  const std::string* value = StringAt(spec, "data.hash.value");
  if (alg == nullptr || *alg != "sha256" || value == nullptr) {
    return Bad("hashedrekord entry has no sha256 data hash");
  }
  if (Lower(*value) != HexEncode(ctx.artifact_digest)) {
    return Bad("hashedrekord entry digest does not match the artifact digest");
  }
  Result<std::string> sig = RequireBase64(spec, "signature.content");
  if (!sig.ok()) {
    return sig.status();
  }
  if (*sig != ctx.signature) {
    return Bad("hashedrekord entry signature does not match the bundle signature");
  }
  Result<std::string> pem = RequireBase64(spec, "signature.publicKey.content");
  if (!pem.ok()) {
    return pem.status();
  }
  return MatchPemVerifier("hashedrekord", *pem, ctx);
}

Status CheckHashedRekordV002(const Value& spec_outer, const TlogContext& ctx) {
  const Value* spec = spec_outer.Find("hashedRekordV002");
  if (spec == nullptr || !spec->is_mapping()) {
    return Bad("hashedrekord 0.0.2 entry has no hashedRekordV002");
  }
  const std::string* alg = StringAt(*spec, "data.algorithm");
  if (alg == nullptr || *alg != "SHA2_256") {
    return Bad("hashedrekord entry digest algorithm must be SHA2_256");
  }
  Result<std::string> digest = RequireBase64(*spec, "data.digest");
  if (!digest.ok()) {
    return digest.status();
  }
  std::string want;
  if (ctx.dsse != nullptr) {
    want = Sha256Raw(Pae(ctx.dsse->payload_type, ctx.dsse->payload));
  } else {
    want = ctx.artifact_digest;
  }
  if (*digest != want) {
    return Bad(ctx.dsse != nullptr
                   ? "hashedrekord entry digest does not match the DSSE envelope"
                   : "hashedrekord entry digest does not match the artifact digest");
  }
  Result<std::string> sig = RequireBase64(*spec, "signature.content");
  if (!sig.ok()) {
    return sig.status();
  }
  if (*sig != ctx.signature) {
    return Bad("hashedrekord entry signature does not match the bundle signature");
  }
  if (StringAt(*spec, "signature.verifier.x509Certificate.rawBytes") != nullptr) {
    Result<std::string> der = RequireBase64(*spec, "signature.verifier.x509Certificate.rawBytes");
    if (!der.ok()) {
      return der.status();
    }
    return MatchVerifier("hashedrekord", *der, true, ctx);
  }
  Result<std::string> der = RequireBase64(*spec, "signature.verifier.publicKey.rawBytes");
  if (!der.ok()) {
    return der.status();
  }
  return MatchVerifier("hashedrekord", *der, false, ctx);
}

Status CheckDsseV001(const Value& spec, const TlogContext& ctx) {
  if (ctx.dsse == nullptr) {
    return Bad("dsse entry needs a DSSE envelope bundle");
  }
  if (Status s = CheckSha256Hex(spec, "payloadHash", ctx.dsse->payload, "dsse payload"); !s.ok()) {
    return s;
  }
  const Value* sigs = spec.Find("signatures");
  const serialize::Sequence* seq = sigs != nullptr ? sigs->if_sequence() : nullptr;
  if (seq == nullptr || seq->empty()) {
    return Bad("dsse entry has no signatures");
  }
  for (const Value& s : *seq) {
    const std::string* b64 = StringAt(s, "signature");
    if (b64 == nullptr) {
      continue;
    }
    Result<std::string> raw = DecodeBase64(*b64);
    if (!raw.ok() || *raw != ctx.signature) {
      continue;
    }
    Result<std::string> pem = RequireBase64(s, "verifier");
    if (!pem.ok()) {
      return pem.status();
    }
    return MatchPemVerifier("dsse", *pem, ctx);
  }
  return Bad("dsse entry signatures do not include the envelope signature");
}

Status CheckIntotoV002(const Value& spec, const TlogContext& ctx) {
  if (ctx.dsse == nullptr) {
    return Bad("intoto entry needs a DSSE envelope bundle");
  }
  const Value* content = spec.Find("content");
  if (content == nullptr || !content->is_mapping()) {
    return Bad("intoto entry has no content");
  }
  if (Status s = CheckSha256Hex(*content, "payloadHash", ctx.dsse->payload, "intoto payload");
      !s.ok()) {
    return s;
  }
  const std::string* type = StringAt(*content, "envelope.payloadType");
  if (type == nullptr || *type != ctx.dsse->payload_type) {
    return Bad("intoto entry payload type does not match the envelope");
  }
  const Value* sigs = content->FindPath("envelope.signatures");
  const serialize::Sequence* seq = sigs != nullptr ? sigs->if_sequence() : nullptr;
  if (seq == nullptr || seq->empty()) {
    return Bad("intoto entry has no signatures");
  }
  for (const Value& s : *seq) {
    const std::string* b64 = StringAt(s, "sig");
    if (b64 == nullptr) {
      continue;
    }
    // The entry stores the envelope's base64 signature base64-encoded once more.
    Result<std::string> once = DecodeBase64(*b64);
    if (!once.ok()) {
      continue;
    }
    Result<std::string> raw = DecodeBase64(*once);
    if (!raw.ok() || *raw != ctx.signature) {
      continue;
    }
    Result<std::string> pem = RequireBase64(s, "publicKey");
    if (!pem.ok()) {
      return pem.status();
    }
    return MatchPemVerifier("intoto", *pem, ctx);
  }
  return Bad("intoto entry signatures do not include the envelope signature");
}

std::string HostOf(std::string_view url) {
  const std::size_t scheme = url.find("://");
  if (scheme != std::string_view::npos) {
    url.remove_prefix(scheme + 3);
  }
  const std::size_t slash = url.find('/');
  return std::string(url.substr(0, slash));
}

Status VerifyInclusion(const Value& entry, std::string_view body, const TransparencyLogKey& log,
                       bool rekor_v2, int bundle_minor_version) {
  const Value* proof = entry.Find("inclusionProof");
  Result<int64_t> index = Int64At(entry, "inclusionProof.logIndex", true);
  if (!index.ok()) {
    return index.status();
  }
  Result<int64_t> size = Int64At(entry, "inclusionProof.treeSize", true);
  if (!size.ok()) {
    return size.status();
  }
  Result<std::string> root = RequireBase64(*proof, "rootHash");
  if (!root.ok()) {
    return root.status();
  }
  std::vector<std::string> hashes;
  if (const Value* h = proof->Find("hashes"); h != nullptr && !h->is_null()) {
    const serialize::Sequence* seq = h->if_sequence();
    if (seq == nullptr) {
      return Bad("inclusionProof.hashes is not a list");
    }
    for (const Value& v : *seq) {
      const std::string* s = v.if_string();
      Result<std::string> raw = s != nullptr ? DecodeBase64(*s) : Result<std::string>(Bad(""));
      if (!raw.ok()) {
        return Bad("inclusionProof.hashes holds invalid base64");
      }
      hashes.push_back(*raw);
    }
  }
  if (Status s = VerifyMerkleInclusion(static_cast<uint64_t>(*index), static_cast<uint64_t>(*size),
                                       MerkleLeafHash(body), hashes, *root);
      !s.ok()) {
    return Bad("inclusion proof: " + s.message());
  }
  const std::string* envelope = StringAt(*proof, "checkpoint.envelope");
  if (envelope == nullptr || envelope->empty()) {
    if (!rekor_v2 && bundle_minor_version <= 1) {
      // v0.1 bundles predate checkpoints; their signed entry timestamp carries the trust.
      return OkStatus();
    }
    return Bad("inclusion proof has no checkpoint");
  }
  Result<Checkpoint> cp = ParseCheckpoint(*envelope);
  if (!cp.ok()) {
    return Bad(cp.status().message());
  }
  if (cp->root_hash != *root) {
    return Bad("checkpoint root hash does not match the inclusion proof root hash");
  }
  if (cp->tree_size != static_cast<uint64_t>(*size)) {
    return Bad("checkpoint tree size " + std::to_string(cp->tree_size) +
               " does not match the inclusion proof tree size " + std::to_string(*size));
  }
  if (rekor_v2 && cp->origin != HostOf(log.base_url)) {
    return Bad("checkpoint origin \"" + cp->origin + "\" is not the log \"" + log.base_url + "\"");
  }
  // Rekor v2 log ids are the full signed-note key hash; v1 log ids are SHA-256(SPKI). Either way
  // the first four bytes are the checkpoint key hint.
  if (Status s = VerifyCheckpointSignature(
          *cp, log.key, rekor_v2 ? CheckpointKeyRule::kSignedNote : CheckpointKeyRule::kRekorV1,
          rekor_v2 && log.log_id.size() >= 4 ? std::string_view(log.log_id).substr(0, 4)
                                             : std::string_view());
      !s.ok()) {
    return Bad(s.message());
  }
  return OkStatus();
}

}  // namespace

Status VerifyTlogEntry(const Value& entry, const TrustedRoot& root, const TlogContext& ctx,
                       int64_t now_unix, int64_t* integrated_time) {
  if (!entry.is_mapping()) {
    return Bad("entry is not an object");
  }
  Result<int64_t> log_index = Int64At(entry, "logIndex", true);
  if (!log_index.ok()) {
    return log_index.status();
  }
  Result<std::string> log_id = RequireBase64(entry, "logId.keyId");
  if (!log_id.ok()) {
    return log_id.status();
  }
  Result<std::string> kind = RequireString(entry, "kindVersion.kind");
  if (!kind.ok()) {
    return kind.status();
  }
  Result<std::string> version = RequireString(entry, "kindVersion.version");
  if (!version.ok()) {
    return version.status();
  }
  Result<std::string> body = RequireBase64(entry, "canonicalizedBody");
  if (!body.ok()) {
    return body.status();
  }
  Result<Value> body_json = serialize::ParseJson(*body);
  if (!body_json.ok() || !body_json->is_mapping()) {
    return Bad("canonicalizedBody is not a JSON object");
  }
  const std::string* body_kind = StringAt(*body_json, "kind");
  const std::string* body_version = StringAt(*body_json, "apiVersion");
  if (body_kind == nullptr || body_version == nullptr || *body_kind != *kind ||
      *body_version != *version) {
    return Bad("canonicalizedBody kind/version does not match kindVersion " + *kind + "/" +
               *version);
  }
  const bool rekor_v2 = *version == "0.0.2" && (*kind == "hashedrekord" || *kind == "dsse");

  const TransparencyLogKey* log = nullptr;
  for (const TransparencyLogKey& t : root.tlogs) {
    if (t.log_id == *log_id) {
      log = &t;
      break;
    }
  }
  if (log == nullptr) {
    return Bad("log id " + EncodeBase64(*log_id) +
               " is not a transparency log of the trusted root");
  }

  const Value* proof = entry.Find("inclusionProof");
  const bool has_proof = proof != nullptr && proof->is_mapping();
  int64_t itime = 0;
  bool set_verified = false;
  if (!rekor_v2) {
    Result<int64_t> t = Int64At(entry, "integratedTime", true);
    if (!t.ok()) {
      return t.status();
    }
    itime = *t;
    if (itime <= 0) {
      return Bad("integrated time is missing");
    }
    if (itime > now_unix) {
      return Bad("integrated time " + FormatUnixTime(itime) + " is in the future");
    }
    if (!log->valid.Contains(itime)) {
      return Bad("integrated time " + FormatUnixTime(itime) + " is outside the validity of log \"" +
                 log->base_url + "\"");
    }
    if (!ctx.leaf_cert_der.empty()) {
      Result<ValidityWindow> cert = CertificateValidity(ctx.leaf_cert_der);
      if (!cert.ok()) {
        return Bad(cert.status().message());
      }
      if (!cert->Contains(itime)) {
        return Bad("integrated time " + FormatUnixTime(itime) +
                   " is outside the signing certificate validity " + DescribeWindow(*cert));
      }
    }
    const std::string* set_b64 = StringAt(entry, "inclusionPromise.signedEntryTimestamp");
    if (set_b64 != nullptr && !set_b64->empty()) {
      Result<std::string> set = DecodeBase64(*set_b64);
      if (!set.ok()) {
        return Bad("inclusionPromise.signedEntryTimestamp is not valid base64");
      }
      const std::string payload = "{\"body\":\"" + EncodeBase64(*body) +
                                  "\",\"integratedTime\":" + std::to_string(itime) +
                                  ",\"logID\":\"" + HexEncode(*log_id) +
                                  "\",\"logIndex\":" + std::to_string(*log_index) + "}";
      if (!log->key.Verify(payload, *set)) {
        return Bad("signed entry timestamp does not verify with the log key");
      }
      set_verified = true;
    } else if (ctx.bundle_minor_version <= 1) {
      return Bad("v0.1 bundle entry has no signed entry timestamp");
    }
    if (!has_proof && ctx.bundle_minor_version >= 2) {
      return Bad("entry has no inclusion proof");
    }
  } else if (!has_proof) {
    return Bad("Rekor v2 entry has no inclusion proof");
  }
  if (has_proof) {
    if (Status s = VerifyInclusion(entry, *body, *log, rekor_v2, ctx.bundle_minor_version);
        !s.ok()) {
      return s;
    }
  }

  const Value* spec = body_json->Find("spec");
  if (spec == nullptr || !spec->is_mapping()) {
    return Bad("canonicalizedBody has no spec");
  }
  Status match;
  if (*kind == "hashedrekord" && *version == "0.0.1") {
    match = CheckHashedRekordV001(*spec, ctx);
  } else if (*kind == "hashedrekord" && *version == "0.0.2") {
    match = CheckHashedRekordV002(*spec, ctx);
  } else if (*kind == "dsse" && *version == "0.0.1") {
    match = CheckDsseV001(*spec, ctx);
  } else if (*kind == "intoto" && *version == "0.0.2") {
    match = CheckIntotoV002(*spec, ctx);
  } else {
    match = Bad("unsupported entry kind " + *kind + "/" + *version);
  }
  if (!match.ok()) {
    return match;
  }
  if (integrated_time != nullptr) {
    // Only a signed entry timestamp authenticates the integrated time.
    *integrated_time = set_verified ? itime : 0;
  }
  return OkStatus();
}

Result<SigningTimes> VerifyTlogAndTimestamps(const SigstoreBundle& bundle, const TrustedRoot& root,
                                             const TlogContext& ctx, int64_t now_unix) {
  SigningTimes out;
  std::vector<const TransparencyLogKey*> v2_logs;
  if (!bundle.material.tlog_entries.is_null()) {
    const serialize::Sequence* entries = bundle.material.tlog_entries.if_sequence();
    if (entries == nullptr) {
      return Bad("tlogEntries is not a list");
    }
    for (const Value& entry : *entries) {
      int64_t itime = 0;
      if (Status s = VerifyTlogEntry(entry, root, ctx, now_unix, &itime); !s.ok()) {
        return s;
      }
      if (itime > 0) {
        out.integrated_times.push_back(itime);
        continue;
      }
      Result<std::string> log_id = RequireBase64(entry, "logId.keyId");
      for (const TransparencyLogKey& t : root.tlogs) {
        if (log_id.ok() && t.log_id == *log_id) {
          v2_logs.push_back(&t);
        }
      }
    }
  }
  Result<std::vector<int64_t>> times =
      VerifyBundleTimestamps(bundle.material.timestamp_verification_data, ctx.signature, root);
  if (!times.ok()) {
    return times.status();
  }
  out.timestamps = *times;
  if (!ctx.leaf_cert_der.empty()) {
    Result<ValidityWindow> cert = CertificateValidity(ctx.leaf_cert_der);
    if (!cert.ok()) {
      return InvalidRequestError("timestamp: " + cert.status().message());
    }
    for (int64_t t : out.timestamps) {
      if (!cert->Contains(t)) {
        return InvalidRequestError("timestamp: time " + FormatUnixTime(t) +
                                   " is outside the signing certificate validity " +
                                   DescribeWindow(*cert));
      }
    }
  }
  for (const TransparencyLogKey* log : v2_logs) {
    if (out.timestamps.empty()) {
      return InvalidRequestError(
          "timestamp: log entry has no authenticated integrated time (Rekor v2), so an RFC 3161 "
          "timestamp is required");
    }
    const bool any = std::any_of(out.timestamps.begin(), out.timestamps.end(),
                                 [&](int64_t t) { return log->valid.Contains(t); });
    if (!any) {
      return Bad("no timestamp lies inside the validity of log \"" + log->base_url + "\"");
    }
  }
  if (!ctx.leaf_cert_der.empty() && out.integrated_times.empty() && out.timestamps.empty()) {
    return InvalidRequestError(
        "timestamp: no signing time: the bundle has neither a Rekor v1 entry nor a timestamp");
  }
  return out;
}

}  // namespace aicr::attest
