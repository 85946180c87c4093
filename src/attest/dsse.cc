#include "attest/dsse.h"

#include <string>
#include <utility>

#include "base/status_macros.h"

namespace aicr::attest {

std::string Pae(std::string_view payload_type, std::string_view payload) {
  std::string out = "DSSEv1 ";
  out += std::to_string(payload_type.size());
  out += ' ';
  out += payload_type;
  out += ' ';
  out += std::to_string(payload.size());
  out += ' ';
  out += payload;
  return out;
}

Result<DsseEnvelope> SignEnvelope(const PrivateKey& key, std::string_view payload_type,
                                  std::string_view payload) {
  if (payload_type.empty()) {
    return InvalidRequestError("dsse: empty payload type");
  }
  AICR_ASSIGN_OR_RETURN(std::string sig, key.Sign(Pae(payload_type, payload)));
  DsseEnvelope envelope;
  envelope.payload_type = std::string(payload_type);
  envelope.payload = std::string(payload);
  envelope.signatures.push_back(DsseSignature{"", std::move(sig)});
  return envelope;
}

bool VerifyEnvelope(const DsseEnvelope& envelope, const PublicKey& key) {
  const std::string pae = Pae(envelope.payload_type, envelope.payload);
  for (const DsseSignature& signature : envelope.signatures) {
    if (key.Verify(pae, signature.sig)) {
      return true;
    }
  }
  return false;
}

}  // namespace aicr::attest
