#include "attest/sigstore_bundle.h"

#include <charconv>
#include <string>
#include <utility>

#include "base/base64.h"
#include "base/status_macros.h"
#include "serialize/json_reader.h"
#include "serialize/json_writer.h"

namespace aicr::attest {
namespace {

using serialize::Value;

constexpr std::string_view kLegacyMediaTypePrefix =
    "application/vnd.dev.sigstore.bundle+json;version=";

Status BundleError(std::string reason) {
  return InvalidRequestError("sigstore bundle: " + std::move(reason));
}

// The minor version of a supported media type, or 0.
int MinorVersionOf(std::string_view media_type) {
  if (media_type == kBundleMediaTypeV03) {
    return 3;
  }
  if (media_type.substr(0, kLegacyMediaTypePrefix.size()) == kLegacyMediaTypePrefix) {
    const std::string_view version = media_type.substr(kLegacyMediaTypePrefix.size());
    if (version == "0.1") {
      return 1;
    }
    if (version == "0.2") {
      return 2;
    }
    if (version == "0.3") {
      return 3;
    }
  }
  return 0;
}

Result<const Value*> RequiredField(const Value& object, std::string_view key, std::string_view path,
                                   serialize::ValueType type) {
  const Value* v = object.Find(key);
  if (v == nullptr || v->is_null()) {
    return BundleError("missing " + std::string(path));
  }
  if (v->type() != type) {
    return BundleError(std::string(path) + " must be a " +
                       std::string(serialize::ValueTypeName(type)) + ", got " +
                       std::string(serialize::ValueTypeName(v->type())));
  }
  return v;
}

// Decodes a required base64 bytes field.
Result<std::string> RequiredBytes(const Value& object, std::string_view key,
                                  std::string_view path) {
  AICR_ASSIGN_OR_RETURN(const Value* v,
                        RequiredField(object, key, path, serialize::ValueType::kString));
  Result<std::string> decoded = DecodeBase64(*v->if_string());
  if (!decoded.ok()) {
    return BundleError("invalid base64 in " + std::string(path));
  }
  return decoded;
}

// Optional string field: "" when absent.
Result<std::string> OptionalString(const Value& object, std::string_view key,
                                   std::string_view path) {
  const Value* v = object.Find(key);
  if (v == nullptr || v->is_null()) {
    return std::string();
  }
  if (!v->is_string()) {
    return BundleError(std::string(path) + " must be a string");
  }
  return *v->if_string();
}

// A protobuf-JSON int64: a decimal string or a JSON integer.
Result<std::int64_t> Int64Field(const Value& v, std::string_view path) {
  if (const std::int64_t* i = v.if_int(); i != nullptr) {
    return *i;
  }
  if (const std::string* s = v.if_string(); s != nullptr && !s->empty()) {
    std::int64_t out = 0;
    const char* end = s->data() + s->size();
    const auto [ptr, ec] = std::from_chars(s->data(), end, out);
    if (ec == std::errc() && ptr == end) {
      return out;
    }
  }
  return BundleError(std::string(path) + " must be an int64 (a decimal string)");
}

Status CheckTlogEntries(const Value& entries) {
  if (entries.is_null()) {
    return OkStatus();
  }
  if (!entries.is_sequence()) {
    return BundleError("verificationMaterial.tlogEntries must be an array");
  }
  std::size_t index = 0;
  for (const Value& entry : *entries.if_sequence()) {
    const std::string path = "verificationMaterial.tlogEntries[" + std::to_string(index++) + "]";
    if (!entry.is_mapping()) {
      return BundleError(path + " must be an object");
    }
    if (const Value* log_index = entry.Find("logIndex"); log_index != nullptr) {
      AICR_ASSIGN_OR_RETURN(std::int64_t value, Int64Field(*log_index, path + ".logIndex"));
      if (value < 0) {
        return BundleError("negative logIndex " + std::to_string(value) + " in " + path);
      }
    }
    if (const Value* proof = entry.Find("inclusionProof");
        proof != nullptr && proof->is_mapping()) {
      if (const Value* log_index = proof->Find("logIndex"); log_index != nullptr) {
        AICR_ASSIGN_OR_RETURN(std::int64_t value,
                              Int64Field(*log_index, path + ".inclusionProof.logIndex"));
        if (value < 0) {
          return BundleError("negative logIndex " + std::to_string(value) + " in " + path +
                             ".inclusionProof");
        }
      }
    }
    if (const Value* t = entry.Find("integratedTime"); t != nullptr) {
      AICR_ASSIGN_OR_RETURN(std::int64_t value, Int64Field(*t, path + ".integratedTime"));
      if (value < 0) {
        return BundleError("negative integratedTime in " + path);
      }
    }
  }
  return OkStatus();
}

Result<VerificationMaterial> ParseMaterial(const Value& root) {
  const Value* material = root.Find("verificationMaterial");
  if (material == nullptr || material->is_null()) {
    return BundleError("missing verification material");
  }
  if (!material->is_mapping()) {
    return BundleError("verificationMaterial must be an object");
  }
  VerificationMaterial out;
  int kinds = 0;
  if (const Value* pk = material->Find("publicKey"); pk != nullptr && !pk->is_null()) {
    if (!pk->is_mapping()) {
      return BundleError("verificationMaterial.publicKey must be an object");
    }
    AICR_ASSIGN_OR_RETURN(std::string hint,
                          OptionalString(*pk, "hint", "verificationMaterial.publicKey.hint"));
    out.public_key_hint = std::move(hint);
    ++kinds;
  }
  if (const Value* cert = material->Find("certificate"); cert != nullptr && !cert->is_null()) {
    if (!cert->is_mapping()) {
      return BundleError("verificationMaterial.certificate must be an object");
    }
    AICR_ASSIGN_OR_RETURN(
        std::string der,
        RequiredBytes(*cert, "rawBytes", "verificationMaterial.certificate.rawBytes"));
    if (der.empty()) {
      return BundleError("empty certificate in verificationMaterial.certificate");
    }
    out.certificate_chain_der.push_back(std::move(der));
    ++kinds;
  }
  if (const Value* chain = material->Find("x509CertificateChain");
      chain != nullptr && !chain->is_null()) {
    if (!chain->is_mapping()) {
      return BundleError("verificationMaterial.x509CertificateChain must be an object");
    }
    const Value* certs = chain->Find("certificates");
    if (certs == nullptr || certs->is_null() || (certs->is_sequence() && certs->size() == 0)) {
      return BundleError("empty certificate chain");
    }
    if (!certs->is_sequence()) {
      return BundleError("verificationMaterial.x509CertificateChain.certificates must be an array");
    }
    std::size_t index = 0;
    for (const Value& c : *certs->if_sequence()) {
      const std::string path =
          "verificationMaterial.x509CertificateChain.certificates[" + std::to_string(index++) + "]";
      if (!c.is_mapping()) {
        return BundleError(path + " must be an object");
      }
      AICR_ASSIGN_OR_RETURN(std::string der, RequiredBytes(c, "rawBytes", path + ".rawBytes"));
      if (der.empty()) {
        return BundleError("empty certificate in " + path);
      }
      out.certificate_chain_der.push_back(std::move(der));
    }
    ++kinds;
  }
  if (kinds == 0) {
    return BundleError(
        "missing verification material (publicKey, certificate or x509CertificateChain)");
  }
  if (kinds > 1) {
    return BundleError(
        "verification material holds more than one of publicKey, certificate and "
        "x509CertificateChain");
  }
  if (const Value* tlog = material->Find("tlogEntries"); tlog != nullptr) {
    AICR_RETURN_IF_ERROR(CheckTlogEntries(*tlog));
    out.tlog_entries = *tlog;
  }
  if (const Value* ts = material->Find("timestampVerificationData"); ts != nullptr) {
    if (!ts->is_null() && !ts->is_mapping()) {
      return BundleError("verificationMaterial.timestampVerificationData must be an object");
    }
    out.timestamp_verification_data = *ts;
  }
  return out;
}

Result<DsseEnvelope> ParseDsse(const Value& v) {
  if (!v.is_mapping()) {
    return BundleError("dsseEnvelope must be an object");
  }
  DsseEnvelope out;
  AICR_ASSIGN_OR_RETURN(out.payload, RequiredBytes(v, "payload", "dsseEnvelope.payload"));
  AICR_ASSIGN_OR_RETURN(
      const Value* type,
      RequiredField(v, "payloadType", "dsseEnvelope.payloadType", serialize::ValueType::kString));
  out.payload_type = *type->if_string();
  if (out.payload_type.empty()) {
    return BundleError("empty dsseEnvelope.payloadType");
  }
  AICR_ASSIGN_OR_RETURN(const Value* sigs, RequiredField(v, "signatures", "dsseEnvelope.signatures",
                                                         serialize::ValueType::kSequence));
  if (sigs->size() == 0) {
    return BundleError("dsseEnvelope has no signatures");
  }
  std::size_t index = 0;
  for (const Value& s : *sigs->if_sequence()) {
    const std::string path = "dsseEnvelope.signatures[" + std::to_string(index++) + "]";
    if (!s.is_mapping()) {
      return BundleError(path + " must be an object");
    }
    DsseSignature sig;
    AICR_ASSIGN_OR_RETURN(sig.sig, RequiredBytes(s, "sig", path + ".sig"));
    if (sig.sig.empty()) {
      return BundleError("empty signature in " + path);
    }
    AICR_ASSIGN_OR_RETURN(sig.keyid, OptionalString(s, "keyid", path + ".keyid"));
    out.signatures.push_back(std::move(sig));
  }
  return out;
}

Result<MessageSignature> ParseMessageSignature(const Value& v) {
  if (!v.is_mapping()) {
    return BundleError("messageSignature must be an object");
  }
  MessageSignature out;
  AICR_ASSIGN_OR_RETURN(out.signature, RequiredBytes(v, "signature", "messageSignature.signature"));
  if (out.signature.empty()) {
    return BundleError("empty messageSignature.signature");
  }
  if (const Value* digest = v.Find("messageDigest"); digest != nullptr && !digest->is_null()) {
    if (!digest->is_mapping()) {
      return BundleError("messageSignature.messageDigest must be an object");
    }
    AICR_ASSIGN_OR_RETURN(
        out.digest_algorithm,
        OptionalString(*digest, "algorithm", "messageSignature.messageDigest.algorithm"));
    AICR_ASSIGN_OR_RETURN(
        out.digest, RequiredBytes(*digest, "digest", "messageSignature.messageDigest.digest"));
  }
  return out;
}

Value BytesValue(std::string_view raw) { return Value(EncodeBase64(raw)); }

}  // namespace

Result<SigstoreBundle> ParseSigstoreBundle(std::string_view json) {
  if (json.size() > kMaxSigstoreBundleBytes) {
    return BundleError("larger than " + std::to_string(kMaxSigstoreBundleBytes) + " bytes");
  }
  serialize::ParseOptions options;
  options.max_bytes = kMaxSigstoreBundleBytes;
  Result<Value> parsed = serialize::ParseJson(json, options);
  if (!parsed.ok()) {
    return BundleError("malformed JSON: " + parsed.status().message());
  }
  const Value& root = *parsed;
  if (!root.is_mapping()) {
    return BundleError("malformed JSON: expected an object");
  }
  SigstoreBundle out;
  const Value* media_type = root.Find("mediaType");
  if (media_type == nullptr || !media_type->is_string()) {
    return BundleError("missing mediaType");
  }
  out.media_type = *media_type->if_string();
  out.minor_version = MinorVersionOf(out.media_type);
  if (out.minor_version == 0) {
    return BundleError("unknown bundle version: unsupported mediaType \"" + out.media_type + "\"");
  }
  AICR_ASSIGN_OR_RETURN(out.material, ParseMaterial(root));
  const Value* dsse = root.Find("dsseEnvelope");
  const Value* message = root.Find("messageSignature");
  const bool has_dsse = dsse != nullptr && !dsse->is_null();
  const bool has_message = message != nullptr && !message->is_null();
  if (has_dsse == has_message) {
    return BundleError(has_dsse ? "holds both dsseEnvelope and messageSignature"
                                : "holds neither dsseEnvelope nor messageSignature");
  }
  if (has_dsse) {
    AICR_ASSIGN_OR_RETURN(DsseEnvelope envelope, ParseDsse(*dsse));
    out.dsse = std::move(envelope);
  } else {
    AICR_ASSIGN_OR_RETURN(MessageSignature signature, ParseMessageSignature(*message));
    out.message_signature = std::move(signature);
  }
  return out;
}

Result<std::string> MarshalSigstoreBundle(const SigstoreBundle& bundle) {
  Value root;
  std::string media_type = bundle.media_type;
  if (media_type.empty()) {
    media_type = bundle.minor_version == 3 ? std::string(kBundleMediaTypeV03)
                                           : std::string(kLegacyMediaTypePrefix) + "0." +
                                                 std::to_string(bundle.minor_version);
  }
  if (MinorVersionOf(media_type) == 0) {
    return BundleError("unknown bundle version: unsupported mediaType \"" + media_type + "\"");
  }
  root.Set("mediaType", media_type);

  const VerificationMaterial& m = bundle.material;
  Value material = Value::EmptyMapping();
  const int kinds =
      (m.public_key_hint.has_value() ? 1 : 0) + (m.certificate_chain_der.empty() ? 0 : 1);
  if (kinds != 1) {
    return BundleError(kinds == 0 ? "missing verification material"
                                  : "verification material holds both a public key and "
                                    "certificates");
  }
  if (m.public_key_hint.has_value()) {
    Value pk = Value::EmptyMapping();
    if (!m.public_key_hint->empty()) {
      pk.Set("hint", *m.public_key_hint);
    }
    material.Set("publicKey", std::move(pk));
  } else if (m.certificate_chain_der.size() == 1 && MinorVersionOf(media_type) == 3) {
    Value cert;
    cert.Set("rawBytes", BytesValue(m.certificate_chain_der.front()));
    material.Set("certificate", std::move(cert));
  } else {
    Value certs = Value::EmptySequence();
    for (const std::string& der : m.certificate_chain_der) {
      Value cert;
      cert.Set("rawBytes", BytesValue(der));
      certs.Append(std::move(cert));
    }
    Value chain;
    chain.Set("certificates", std::move(certs));
    material.Set("x509CertificateChain", std::move(chain));
  }
  material.Set("tlogEntries", m.tlog_entries.is_null() ? Value::EmptySequence() : m.tlog_entries);
  if (!m.timestamp_verification_data.is_null()) {
    material.Set("timestampVerificationData", m.timestamp_verification_data);
  }
  root.Set("verificationMaterial", std::move(material));

  if (bundle.dsse.has_value() == bundle.message_signature.has_value()) {
    return BundleError(bundle.dsse.has_value() ? "holds both dsseEnvelope and messageSignature"
                                               : "holds neither dsseEnvelope nor messageSignature");
  }
  if (bundle.dsse.has_value()) {
    const DsseEnvelope& e = *bundle.dsse;
    Value envelope;
    envelope.Set("payload", BytesValue(e.payload));
    envelope.Set("payloadType", e.payload_type);
    Value sigs = Value::EmptySequence();
    for (const DsseSignature& s : e.signatures) {
      Value sig;
      sig.Set("sig", BytesValue(s.sig));
      if (!s.keyid.empty()) {
        sig.Set("keyid", s.keyid);
      }
      sigs.Append(std::move(sig));
    }
    envelope.Set("signatures", std::move(sigs));
    root.Set("dsseEnvelope", std::move(envelope));
  } else {
    const MessageSignature& s = *bundle.message_signature;
    Value sig;
    if (!s.digest.empty() || !s.digest_algorithm.empty()) {
      Value digest;
      if (!s.digest_algorithm.empty()) {
        digest.Set("algorithm", s.digest_algorithm);
      }
      digest.Set("digest", BytesValue(s.digest));
      sig.Set("messageDigest", std::move(digest));
    }
    sig.Set("signature", BytesValue(s.signature));
    root.Set("messageSignature", std::move(sig));
  }
  return serialize::WriteJson(root);
}

Result<SigstoreBundle> SignDsseBundle(const PrivateKey& key, std::string_view payload_type,
                                      std::string_view payload) {
  AICR_ASSIGN_OR_RETURN(DsseEnvelope envelope, SignEnvelope(key, payload_type, payload));
  SigstoreBundle bundle;
  bundle.media_type = std::string(kBundleMediaTypeV03);
  bundle.minor_version = 3;
  bundle.material.public_key_hint = key.public_key().Hint();
  bundle.material.tlog_entries = Value::EmptySequence();
  bundle.dsse = std::move(envelope);
  return bundle;
}

}  // namespace aicr::attest
