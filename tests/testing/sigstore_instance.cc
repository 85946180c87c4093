#include "tests/testing/sigstore_instance.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <ctime>
#include <utility>
#include <vector>

#include "attest/dsse.h"
#include "attest/merkle.h"
#include "base/base64.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "serialize/json_writer.h"
#include "serialize/value.h"

namespace aicr::testing {

using PKey = std::shared_ptr<EVP_PKEY>;
using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;

struct SigstoreInstance::State {
  /// Start of every validity window.
  int64_t valid_from = 0;
  /// End of the CA certificates.
  int64_t ca_valid_until = 0;
  PKey root_key;
  PKey intermediate_key;
  PKey ct_key;
  PKey rekor_key;
  std::string root_der;
  std::string intermediate_der;
  std::string ct_spki;
  std::string rekor_spki;
  /// The Rekor tree id in the checkpoint origin.
  uint64_t tree_id = 0;
  /// Entries signed so far (each lands at a different place in a larger tree).
  std::atomic<uint64_t> entries{0};
};

namespace {

using serialize::Value;

constexpr int64_t kDay = 24 * 60 * 60;
constexpr int64_t kLeafLifetimeSeconds = 10 * 60;
constexpr char kSctListOid[] = "1.3.6.1.4.1.11129.2.4.2";
constexpr char kIssuerV1Oid[] = "1.3.6.1.4.1.57264.1.1";
constexpr char kIssuerV2Oid[] = "1.3.6.1.4.1.57264.1.8";

Status CryptoError(std::string_view what) {
  const unsigned long code = ERR_get_error();
  char buf[256] = {0};
  if (code != 0) {
    ERR_error_string_n(code, buf, sizeof(buf));
  }
  ERR_clear_error();
  return InternalError("sigstore instance: " + std::string(what) +
                       (code != 0 ? std::string(": ") + buf : std::string()));
}

Result<PKey> GenerateKey() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (key == nullptr) {
    return CryptoError("cannot generate a P-256 key");
  }
  return PKey(key, &EVP_PKEY_free);
}

// The DER an OpenSSL i2d function writes for `x` ("" when it fails).
template <typename T, typename Encode>
std::string EncodeDer(T* x, Encode encode) {
  unsigned char* out = nullptr;
  const int len = encode(x, &out);
  if (len <= 0) {
    ERR_clear_error();
    return {};
  }
  std::string der(reinterpret_cast<char*>(out), static_cast<std::size_t>(len));
  OPENSSL_free(out);
  return der;
}

std::string SpkiDer(EVP_PKEY* key) { return EncodeDer(key, i2d_PUBKEY); }

// ECDSA (DER) over SHA-256(message).
Result<std::string> SignMessage(EVP_PKEY* key, std::string_view message) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  std::size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1) {
    return CryptoError("cannot sign");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1) {
    return CryptoError("cannot sign");
  }
  sig.resize(len);
  return sig;
}

std::string CertDer(X509* x) { return EncodeDer(x, i2d_X509); }

X509Ptr CertFromDer(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (x == nullptr) {
    ERR_clear_error();
  }
  return X509Ptr(x, &X509_free);
}

std::string CertPem(std::string_view der) {
  std::string pem = "-----BEGIN CERTIFICATE-----\n";
  const std::string b64 = EncodeBase64(der);
  for (std::size_t i = 0; i < b64.size(); i += 64) {
    pem += b64.substr(i, 64) + "\n";
  }
  return pem + "-----END CERTIFICATE-----\n";
}

// DER of an ASN.1 string of `type` (V_ASN1_OCTET_STRING, V_ASN1_UTF8STRING).
Result<std::string> Asn1StringDer(int type, std::string_view data) {
  std::unique_ptr<ASN1_STRING, decltype(&ASN1_STRING_free)> s(ASN1_STRING_type_new(type),
                                                              &ASN1_STRING_free);
  if (!s || ASN1_STRING_set(s.get(), data.data(), static_cast<int>(data.size())) != 1) {
    return CryptoError("cannot build an ASN.1 string");
  }
  std::string der = type == V_ASN1_UTF8STRING ? EncodeDer(s.get(), i2d_ASN1_UTF8STRING)
                                              : EncodeDer(s.get(), i2d_ASN1_OCTET_STRING);
  if (der.empty()) {
    return CryptoError("cannot encode an ASN.1 string");
  }
  return der;
}

// Appends an extension `oid` whose extnValue holds `data` verbatim.
Status AddRawExtension(X509* x, const char* oid, std::string_view data, bool critical) {
  std::unique_ptr<ASN1_OBJECT, decltype(&ASN1_OBJECT_free)> obj(OBJ_txt2obj(oid, 1),
                                                                &ASN1_OBJECT_free);
  std::unique_ptr<ASN1_OCTET_STRING, decltype(&ASN1_OCTET_STRING_free)> value(
      ASN1_OCTET_STRING_new(), &ASN1_OCTET_STRING_free);
  if (!obj || !value ||
      ASN1_OCTET_STRING_set(value.get(), reinterpret_cast<const unsigned char*>(data.data()),
                            static_cast<int>(data.size())) != 1) {
    return CryptoError("cannot build extension " + std::string(oid));
  }
  X509_EXTENSION* ext =
      X509_EXTENSION_create_by_OBJ(nullptr, obj.get(), critical ? 1 : 0, value.get());
  if (ext == nullptr) {
    return CryptoError("cannot build extension " + std::string(oid));
  }
  const int ok = X509_add_ext(x, ext, -1);
  X509_EXTENSION_free(ext);
  if (ok != 1) {
    return CryptoError("cannot add extension " + std::string(oid));
  }
  return OkStatus();
}

// Appends a standard extension from its OpenSSL configuration text.
Status AddConfExtension(X509* x, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, x, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) {
    return CryptoError(std::string("cannot build extension ") + OBJ_nid2sn(nid));
  }
  const int ok = X509_add_ext(x, ext, -1);
  X509_EXTENSION_free(ext);
  if (ok != 1) {
    return CryptoError(std::string("cannot add extension ") + OBJ_nid2sn(nid));
  }
  return OkStatus();
}

Status AddSan(X509* x, const SigstoreIdentity& identity) {
  GENERAL_NAMES* names = sk_GENERAL_NAME_new_null();
  GENERAL_NAME* name = GENERAL_NAME_new();
  ASN1_IA5STRING* text = ASN1_IA5STRING_new();
  if (names == nullptr || name == nullptr || text == nullptr ||
      ASN1_STRING_set(text, identity.san.data(), static_cast<int>(identity.san.size())) != 1) {
    GENERAL_NAMES_free(names);
    GENERAL_NAME_free(name);
    ASN1_IA5STRING_free(text);
    return CryptoError("cannot build the subject alternative name");
  }
  GENERAL_NAME_set0_value(name, identity.san_is_uri ? GEN_URI : GEN_EMAIL, text);
  sk_GENERAL_NAME_push(names, name);
  const int ok = X509_add1_ext_i2d(x, NID_subject_alt_name, names, 1, X509V3_ADD_DEFAULT);
  GENERAL_NAMES_free(names);
  if (ok != 1) {
    return CryptoError("cannot add the subject alternative name");
  }
  return OkStatus();
}

// A v3 certificate for `key` with a random serial; `issuer` null makes it self-issued.
Result<X509Ptr> NewCertificate(EVP_PKEY* key, X509_NAME* subject, X509* issuer, int64_t not_before,
                               int64_t not_after) {
  X509Ptr x(X509_new(), &X509_free);
  unsigned char serial[16];
  if (!x || RAND_bytes(serial, sizeof(serial)) != 1) {
    return CryptoError("cannot create a certificate");
  }
  serial[0] &= 0x7f;
  serial[0] |= 0x01;
  std::unique_ptr<BIGNUM, decltype(&BN_free)> bn(BN_bin2bn(serial, sizeof(serial), nullptr),
                                                 &BN_free);
  if (!bn || X509_set_version(x.get(), 2) != 1 ||
      BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(x.get())) == nullptr ||
      X509_set_subject_name(x.get(), subject) != 1 ||
      X509_set_issuer_name(x.get(), issuer != nullptr ? X509_get_subject_name(issuer) : subject) !=
          1 ||
      ASN1_TIME_set(X509_getm_notBefore(x.get()), static_cast<time_t>(not_before)) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(x.get()), static_cast<time_t>(not_after)) == nullptr ||
      X509_set_pubkey(x.get(), key) != 1) {
    return CryptoError("cannot fill in a certificate");
  }
  return x;
}

Status SignCertificate(X509* x, EVP_PKEY* issuer_key) {
  if (X509_sign(x, issuer_key, EVP_sha256()) <= 0) {
    return CryptoError("cannot sign a certificate");
  }
  return OkStatus();
}

std::unique_ptr<X509_NAME, decltype(&X509_NAME_free)> CaName(const char* cn) {
  std::unique_ptr<X509_NAME, decltype(&X509_NAME_free)> name(X509_NAME_new(), &X509_NAME_free);
  X509_NAME_add_entry_by_txt(name.get(), "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("sigstore-test"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name.get(), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
  return name;
}

// RFC 3339 UTC with a Z suffix.
std::string Rfc3339(int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void PutUint(std::string* out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) {
    out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
}

// RFC 6962 Merkle tree hash of leaf hashes [lo, hi).
std::string TreeHash(const std::vector<std::string>& leaves, std::size_t lo, std::size_t hi) {
  if (hi - lo == 1) {
    return leaves[lo];
  }
  std::size_t k = 1;
  while (k * 2 < hi - lo) {
    k *= 2;
  }
  return attest::MerkleNodeHash(TreeHash(leaves, lo, lo + k), TreeHash(leaves, lo + k, hi));
}

// RFC 6962 audit path of leaf `m` in [lo, hi), bottom-up.
void AuditPath(const std::vector<std::string>& leaves, std::size_t m, std::size_t lo,
               std::size_t hi, std::vector<std::string>* out) {
  if (hi - lo <= 1) {
    return;
  }
  std::size_t k = 1;
  while (k * 2 < hi - lo) {
    k *= 2;
  }
  if (m < lo + k) {
    AuditPath(leaves, m, lo, lo + k, out);
    out->push_back(TreeHash(leaves, lo + k, hi));
  } else {
    AuditPath(leaves, m, lo + k, hi, out);
    out->push_back(TreeHash(leaves, lo, lo + k));
  }
}

Result<std::string> CompactJson(const Value& v) {
  serialize::JsonWriteOptions options;
  options.compact = true;
  options.trailing_newline = false;
  return serialize::WriteJson(v, options);
}

Value HashValue(std::string_view data) {
  Value h;
  h.Set("algorithm", "sha256");
  h.Set("value", HexEncode(attest::Sha256Raw(data)));
  return h;
}

Value TlogJson(std::string_view url, std::string_view spki, int64_t valid_from,
               std::optional<int64_t> valid_until) {
  Value valid;
  valid.Set("start", Rfc3339(valid_from));
  if (valid_until.has_value()) {
    valid.Set("end", Rfc3339(*valid_until));
  }
  Value key;
  key.Set("rawBytes", EncodeBase64(spki));
  key.Set("keyDetails", "PKIX_ECDSA_P256_SHA_256");
  key.Set("validFor", std::move(valid));
  Value log_id;
  log_id.Set("keyId", EncodeBase64(attest::Sha256Raw(spki)));
  Value log;
  log.Set("baseUrl", std::string(url));
  log.Set("hashAlgorithm", "SHA2_256");
  log.Set("publicKey", std::move(key));
  log.Set("logId", std::move(log_id));
  return log;
}

// The embedded SCT list (TLS encoding) with one SCT by the CT log over `precert_tbs`.
Result<std::string> SctList(const SigstoreInstance::State& state, std::string_view issuer_spki,
                            std::string_view precert_tbs, uint64_t timestamp_ms) {
  std::string signed_data;
  signed_data.push_back('\0');  // v1
  signed_data.push_back('\0');  // certificate_timestamp
  PutUint(&signed_data, timestamp_ms, 8);
  PutUint(&signed_data, 1, 2);  // precert_entry
  signed_data += attest::Sha256Raw(issuer_spki);
  PutUint(&signed_data, precert_tbs.size(), 3);
  signed_data += precert_tbs;
  PutUint(&signed_data, 0, 2);  // no extensions
  AICR_ASSIGN_OR_RETURN(std::string sig, SignMessage(state.ct_key.get(), signed_data));
  std::string sct;
  sct.push_back('\0');  // v1
  sct += attest::Sha256Raw(state.ct_spki);
  PutUint(&sct, timestamp_ms, 8);
  PutUint(&sct, 0, 2);    // extensions
  sct.push_back('\x04');  // sha256
  sct.push_back('\x03');  // ecdsa
  PutUint(&sct, sig.size(), 2);
  sct += sig;
  std::string list;
  PutUint(&list, sct.size() + 2, 2);
  PutUint(&list, sct.size(), 2);
  list += sct;
  return list;
}

// A fresh leaf key and its certificate (DER) for `identity` at `t`.
Result<std::pair<PKey, std::string>> IssueLeaf(const SigstoreInstance::State& state,
                                               const SigstoreIdentity& identity, int64_t t) {
  if (identity.san.empty()) {
    return InvalidRequestError("sigstore instance: the identity has no SAN");
  }
  AICR_ASSIGN_OR_RETURN(PKey key, GenerateKey());
  X509Ptr issuer = CertFromDer(state.intermediate_der);
  std::unique_ptr<X509_NAME, decltype(&X509_NAME_free)> empty(X509_NAME_new(), &X509_NAME_free);
  if (!issuer || !empty) {
    return CryptoError("cannot read the intermediate certificate");
  }
  AICR_ASSIGN_OR_RETURN(X509Ptr leaf, NewCertificate(key.get(), empty.get(), issuer.get(), t,
                                                     t + kLeafLifetimeSeconds));
  X509* x = leaf.get();
  AICR_RETURN_IF_ERROR(
      AddConfExtension(x, issuer.get(), NID_key_usage, "critical,digitalSignature"));
  AICR_RETURN_IF_ERROR(AddConfExtension(x, issuer.get(), NID_ext_key_usage, "codeSigning"));
  AICR_RETURN_IF_ERROR(AddConfExtension(x, issuer.get(), NID_subject_key_identifier, "hash"));
  AICR_RETURN_IF_ERROR(
      AddConfExtension(x, issuer.get(), NID_authority_key_identifier, "keyid:always"));
  AICR_RETURN_IF_ERROR(AddSan(x, identity));
  AICR_RETURN_IF_ERROR(AddRawExtension(x, kIssuerV1Oid, identity.issuer, false));
  AICR_ASSIGN_OR_RETURN(std::string issuer_v2, Asn1StringDer(V_ASN1_UTF8STRING, identity.issuer));
  AICR_RETURN_IF_ERROR(AddRawExtension(x, kIssuerV2Oid, issuer_v2, false));

  // The precertificate: the final TBS without the SCT list (signing first fills in the
  // signature algorithm the TBS names).
  AICR_RETURN_IF_ERROR(SignCertificate(x, state.intermediate_key.get()));
  const std::string tbs = EncodeDer(x, i2d_re_X509_tbs);
  if (tbs.empty()) {
    return CryptoError("cannot encode the precertificate");
  }
  AICR_ASSIGN_OR_RETURN(std::string list, SctList(state, SpkiDer(state.intermediate_key.get()), tbs,
                                                  static_cast<uint64_t>(t) * 1000));
  AICR_ASSIGN_OR_RETURN(std::string list_der, Asn1StringDer(V_ASN1_OCTET_STRING, list));
  AICR_RETURN_IF_ERROR(AddRawExtension(x, kSctListOid, list_der, false));
  AICR_RETURN_IF_ERROR(SignCertificate(x, state.intermediate_key.get()));
  std::string der = CertDer(x);
  if (der.empty()) {
    return CryptoError("cannot encode the leaf certificate");
  }
  return std::make_pair(std::move(key), std::move(der));
}

// The Rekor v1 tlog entry (bundle JSON) for `body` of `kind` at `t`.
Result<Value> LogEntry(SigstoreInstance::State& state, std::string_view kind,
                       std::string_view version, std::string_view body, int64_t t) {
  // The entry lands after a few others and before a few more, so the proof has real siblings
  // on both sides (and a border part, the tree size not being a power of two).
  const uint64_t n = state.entries.fetch_add(1);
  const std::size_t index = 5 + static_cast<std::size_t>(n % 7) * 3;
  const std::size_t size = index + 3;
  std::vector<std::string> leaves;
  for (std::size_t i = 0; i < size; ++i) {
    if (i == index) {
      leaves.push_back(attest::MerkleLeafHash(body));
      continue;
    }
    unsigned char filler[32];
    if (RAND_bytes(filler, sizeof(filler)) != 1) {
      return CryptoError("no randomness");
    }
    leaves.push_back(attest::MerkleLeafHash(
        std::string_view(reinterpret_cast<const char*>(filler), sizeof(filler))));
  }
  const std::string root_hash = TreeHash(leaves, 0, size);
  std::vector<std::string> path;
  AuditPath(leaves, index, 0, size, &path);

  const std::string log_id = attest::Sha256Raw(state.rekor_spki);
  const std::string host = "rekor.sigstore-test.invalid";
  const std::string note = host + " - " + std::to_string(state.tree_id) + "\n" +
                           std::to_string(size) + "\n" + EncodeBase64(root_hash) + "\n";
  AICR_ASSIGN_OR_RETURN(std::string note_sig, SignMessage(state.rekor_key.get(), note));
  const std::string checkpoint =
      note + "\n\xE2\x80\x94 " + host + " " + EncodeBase64(log_id.substr(0, 4) + note_sig) + "\n";

  Value set_payload;
  set_payload.Set("body", EncodeBase64(body));
  set_payload.Set("integratedTime", t);
  set_payload.Set("logID", HexEncode(log_id));
  set_payload.Set("logIndex", static_cast<int64_t>(index));
  AICR_ASSIGN_OR_RETURN(std::string set_text, CompactJson(set_payload));
  AICR_ASSIGN_OR_RETURN(std::string set, SignMessage(state.rekor_key.get(), set_text));

  Value hashes = Value::EmptySequence();
  for (const std::string& h : path) {
    hashes.Append(EncodeBase64(h));
  }
  Value cp;
  cp.Set("envelope", checkpoint);
  Value proof;
  proof.Set("logIndex", std::to_string(index));
  proof.Set("rootHash", EncodeBase64(root_hash));
  proof.Set("treeSize", std::to_string(size));
  proof.Set("hashes", std::move(hashes));
  proof.Set("checkpoint", std::move(cp));
  Value promise;
  promise.Set("signedEntryTimestamp", EncodeBase64(set));
  Value id;
  id.Set("keyId", EncodeBase64(log_id));
  Value kv;
  kv.Set("kind", std::string(kind));
  kv.Set("version", std::string(version));
  Value entry;
  entry.Set("logIndex", std::to_string(index));
  entry.Set("logId", std::move(id));
  entry.Set("kindVersion", std::move(kv));
  entry.Set("integratedTime", std::to_string(t));
  entry.Set("inclusionPromise", std::move(promise));
  entry.Set("inclusionProof", std::move(proof));
  entry.Set("canonicalizedBody", EncodeBase64(body));
  return entry;
}

Result<std::string> BundleJson(std::string_view leaf_der, Value entry, const char* content_key,
                               Value content) {
  Value cert;
  cert.Set("rawBytes", EncodeBase64(leaf_der));
  Value entries = Value::EmptySequence();
  entries.Append(std::move(entry));
  Value material;
  material.Set("certificate", std::move(cert));
  material.Set("tlogEntries", std::move(entries));
  Value bundle;
  bundle.Set("mediaType", "application/vnd.dev.sigstore.bundle.v0.3+json");
  bundle.Set("verificationMaterial", std::move(material));
  bundle.Set(content_key, std::move(content));
  return serialize::WriteJson(bundle);
}

}  // namespace

Result<SigstoreInstance> SigstoreInstance::Create(int64_t now_unix) {
  auto state = std::make_shared<State>();
  state->valid_from = now_unix - 365 * kDay;
  state->ca_valid_until = now_unix + 10 * 365 * kDay;
  AICR_ASSIGN_OR_RETURN(state->root_key, GenerateKey());
  AICR_ASSIGN_OR_RETURN(state->intermediate_key, GenerateKey());
  AICR_ASSIGN_OR_RETURN(state->ct_key, GenerateKey());
  AICR_ASSIGN_OR_RETURN(state->rekor_key, GenerateKey());
  state->ct_spki = SpkiDer(state->ct_key.get());
  state->rekor_spki = SpkiDer(state->rekor_key.get());
  if (state->ct_spki.empty() || state->rekor_spki.empty()) {
    return CryptoError("cannot encode a log key");
  }
  unsigned char tree[8];
  if (RAND_bytes(tree, sizeof(tree)) != 1) {
    return CryptoError("no randomness");
  }
  for (unsigned char b : tree) {
    state->tree_id = (state->tree_id << 8) | b;
  }
  state->tree_id >>= 1;

  auto root_name = CaName("sigstore-test-root");
  AICR_ASSIGN_OR_RETURN(X509Ptr root,
                        NewCertificate(state->root_key.get(), root_name.get(), nullptr,
                                       state->valid_from, state->ca_valid_until));
  AICR_RETURN_IF_ERROR(
      AddConfExtension(root.get(), root.get(), NID_basic_constraints, "critical,CA:TRUE"));
  AICR_RETURN_IF_ERROR(
      AddConfExtension(root.get(), root.get(), NID_key_usage, "critical,keyCertSign,cRLSign"));
  AICR_RETURN_IF_ERROR(
      AddConfExtension(root.get(), root.get(), NID_subject_key_identifier, "hash"));
  AICR_RETURN_IF_ERROR(SignCertificate(root.get(), state->root_key.get()));
  state->root_der = CertDer(root.get());

  auto intermediate_name = CaName("sigstore-test-intermediate");
  AICR_ASSIGN_OR_RETURN(X509Ptr intermediate,
                        NewCertificate(state->intermediate_key.get(), intermediate_name.get(),
                                       root.get(), state->valid_from, state->ca_valid_until));
  X509* im = intermediate.get();
  AICR_RETURN_IF_ERROR(
      AddConfExtension(im, root.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0"));
  AICR_RETURN_IF_ERROR(
      AddConfExtension(im, root.get(), NID_key_usage, "critical,keyCertSign,cRLSign"));
  AICR_RETURN_IF_ERROR(AddConfExtension(im, root.get(), NID_ext_key_usage, "codeSigning"));
  AICR_RETURN_IF_ERROR(AddConfExtension(im, root.get(), NID_subject_key_identifier, "hash"));
  AICR_RETURN_IF_ERROR(
      AddConfExtension(im, root.get(), NID_authority_key_identifier, "keyid:always"));
  AICR_RETURN_IF_ERROR(SignCertificate(im, state->root_key.get()));
  state->intermediate_der = CertDer(im);
  if (state->root_der.empty() || state->intermediate_der.empty()) {
    return CryptoError("cannot encode the CA certificates");
  }
  return SigstoreInstance(std::move(state));
}

std::string SigstoreInstance::TrustedRootJson(const TrustedRootOptions& options) const {
  const State& s = *state_;
  Value cas = Value::EmptySequence();
  if (options.certificate_authority) {
    Value certs = Value::EmptySequence();
    for (const std::string* der : {&s.intermediate_der, &s.root_der}) {
      Value c;
      c.Set("rawBytes", EncodeBase64(*der));
      certs.Append(std::move(c));
    }
    Value chain;
    chain.Set("certificates", std::move(certs));
    Value subject;
    subject.Set("organization", "sigstore-test");
    subject.Set("commonName", "sigstore-test-intermediate");
    Value valid;
    valid.Set("start", Rfc3339(s.valid_from));
    Value ca;
    ca.Set("subject", std::move(subject));
    ca.Set("uri", std::string(kFulcioUrl));
    ca.Set("certChain", std::move(chain));
    ca.Set("validFor", std::move(valid));
    cas.Append(std::move(ca));
  }
  Value tlogs = Value::EmptySequence();
  if (options.tlog) {
    tlogs.Append(TlogJson(kRekorUrl, s.rekor_spki, s.valid_from, options.tlog_valid_until));
  }
  Value ctlogs = Value::EmptySequence();
  if (options.ctlog) {
    ctlogs.Append(TlogJson(kCtLogUrl, s.ct_spki, s.valid_from, std::nullopt));
  }
  Value root;
  root.Set("mediaType", "application/vnd.dev.sigstore.trustedroot+json;version=0.1");
  root.Set("tlogs", std::move(tlogs));
  root.Set("certificateAuthorities", std::move(cas));
  root.Set("ctlogs", std::move(ctlogs));
  root.Set("timestampAuthorities", Value::EmptySequence());
  Result<std::string> json = serialize::WriteJson(root);
  // Only non-finite floats fail to encode, and there are none.
  return json.ok() ? *json : std::string();
}

std::string SigstoreInstance::RootCertificatePem() const { return CertPem(state_->root_der); }

Result<std::string> SigstoreInstance::SignDsse(std::string_view payload_type,
                                               std::string_view payload,
                                               const SigstoreIdentity& identity,
                                               int64_t signing_time_unix,
                                               DsseEntryKind kind) const {
  if (payload_type.empty()) {
    return InvalidRequestError("sigstore instance: empty DSSE payload type");
  }
  AICR_ASSIGN_OR_RETURN(auto leaf, IssueLeaf(*state_, identity, signing_time_unix));
  AICR_ASSIGN_OR_RETURN(std::string sig,
                        SignMessage(leaf.first.get(), attest::Pae(payload_type, payload)));
  const std::string cert_pem = CertPem(leaf.second);

  Value sig_json;
  sig_json.Set("sig", EncodeBase64(sig));
  Value sigs = Value::EmptySequence();
  sigs.Append(sig_json);
  Value envelope;
  envelope.Set("payload", EncodeBase64(payload));
  envelope.Set("payloadType", std::string(payload_type));
  envelope.Set("signatures", std::move(sigs));
  AICR_ASSIGN_OR_RETURN(std::string envelope_text, CompactJson(envelope));

  Value spec;
  std::string kind_name;
  std::string version;
  if (kind == DsseEntryKind::kDsse) {
    kind_name = "dsse";
    version = "0.0.1";
    Value s;
    s.Set("signature", EncodeBase64(sig));
    s.Set("verifier", EncodeBase64(cert_pem));
    Value list = Value::EmptySequence();
    list.Append(std::move(s));
    spec.Set("envelopeHash", HashValue(envelope_text));
    spec.Set("payloadHash", HashValue(payload));
    spec.Set("signatures", std::move(list));
  } else {
    kind_name = "intoto";
    version = "0.0.2";
    Value s;
    // The entry stores the envelope's base64 signature base64-encoded again.
    s.Set("sig", EncodeBase64(EncodeBase64(sig)));
    s.Set("publicKey", EncodeBase64(cert_pem));
    Value list = Value::EmptySequence();
    list.Append(std::move(s));
    Value env;
    env.Set("payloadType", std::string(payload_type));
    env.Set("signatures", std::move(list));
    Value content;
    content.Set("envelope", std::move(env));
    content.Set("hash", HashValue(envelope_text));
    content.Set("payloadHash", HashValue(payload));
    spec.Set("content", std::move(content));
  }
  Value body;
  body.Set("apiVersion", version);
  body.Set("kind", kind_name);
  body.Set("spec", std::move(spec));
  AICR_ASSIGN_OR_RETURN(std::string body_text, CompactJson(body));
  AICR_ASSIGN_OR_RETURN(Value entry,
                        LogEntry(*state_, kind_name, version, body_text, signing_time_unix));
  return BundleJson(leaf.second, std::move(entry), "dsseEnvelope", std::move(envelope));
}

Result<std::string> SigstoreInstance::SignBlob(std::string_view artifact,
                                               const SigstoreIdentity& identity,
                                               int64_t signing_time_unix) const {
  AICR_ASSIGN_OR_RETURN(auto leaf, IssueLeaf(*state_, identity, signing_time_unix));
  AICR_ASSIGN_OR_RETURN(std::string sig, SignMessage(leaf.first.get(), artifact));
  const std::string digest = attest::Sha256Raw(artifact);

  Value hash;
  hash.Set("algorithm", "sha256");
  hash.Set("value", HexEncode(digest));
  Value data;
  data.Set("hash", std::move(hash));
  Value key;
  key.Set("content", EncodeBase64(CertPem(leaf.second)));
  Value signature;
  signature.Set("content", EncodeBase64(sig));
  signature.Set("publicKey", std::move(key));
  Value spec;
  spec.Set("data", std::move(data));
  spec.Set("signature", std::move(signature));
  Value body;
  body.Set("apiVersion", "0.0.1");
  body.Set("kind", "hashedrekord");
  body.Set("spec", std::move(spec));
  AICR_ASSIGN_OR_RETURN(std::string body_text, CompactJson(body));
  AICR_ASSIGN_OR_RETURN(Value entry,
                        LogEntry(*state_, "hashedrekord", "0.0.1", body_text, signing_time_unix));

  Value message_digest;
  message_digest.Set("algorithm", "SHA2_256");
  message_digest.Set("digest", EncodeBase64(digest));
  Value message;
  message.Set("messageDigest", std::move(message_digest));
  message.Set("signature", EncodeBase64(sig));
  return BundleJson(leaf.second, std::move(entry), "messageSignature", std::move(message));
}

}  // namespace aicr::testing
