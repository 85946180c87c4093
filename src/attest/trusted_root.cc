#include "attest/trusted_root.h"

#include <cstdlib>
#include <string>
#include <utility>

#include "base/base64.h"
#include "base/status_macros.h"
#include "serialize/json_reader.h"

namespace aicr::attest {

// Defined in the generated translation unit holding the embedded public-good root.
extern const char kEmbeddedPublicGoodTrustedRoot[];
extern const std::size_t kEmbeddedPublicGoodTrustedRootSize;

namespace {

using serialize::Value;

constexpr std::string_view kMediaTypePrefix = "application/vnd.dev.sigstore.trustedroot";

Status Bad(std::string reason) { return InvalidRequestError("trusted root: " + reason); }

bool ReadDigits(std::string_view s, std::size_t pos, std::size_t n, int* out) {
  if (pos + n > s.size()) {
    return false;
  }
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') {
      return false;
    }
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// RFC 3339 `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` → Unix seconds (fraction truncated).
Result<int64_t> ParseTimestamp(std::string_view s, std::string_view what) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  const bool ok = ReadDigits(s, 0, 4, &year) && s.size() > 4 && s[4] == '-' &&
                  ReadDigits(s, 5, 2, &month) && s.size() > 7 && s[7] == '-' &&
                  ReadDigits(s, 8, 2, &day) && s.size() > 10 && (s[10] == 'T' || s[10] == 't') &&
                  ReadDigits(s, 11, 2, &hour) && s.size() > 13 && s[13] == ':' &&
                  ReadDigits(s, 14, 2, &minute) && s.size() > 16 && s[16] == ':' &&
                  ReadDigits(s, 17, 2, &second);
  auto invalid = [&]() {
    return Bad(std::string(what) + ": invalid timestamp \"" + std::string(s) + "\"");
  };
  if (!ok || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 ||
      second > 60) {
    return invalid();
  }
  std::size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    const std::size_t digits_start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      ++pos;
    }
    if (pos == digits_start) {
      return invalid();
    }
  }
  int64_t offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh = 0, om = 0;
    if (!ReadDigits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !ReadDigits(s, pos + 4, 2, &om)) {
      return invalid();
    }
    offset = (oh * 3600 + om * 60) * (s[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return invalid();
  }
  if (pos != s.size()) {
    return invalid();
  }
  const int64_t days =
      DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return days * 86400 + hour * 3600 + minute * 60 + second - offset;
}

Result<ValidityWindow> ParseValidity(const Value* v, std::string_view what, bool start_required) {
  ValidityWindow window;
  if (v == nullptr || v->is_null()) {
    if (start_required) {
      return Bad(std::string(what) + ": validFor.start is required");
    }
    return window;
  }
  if (!v->is_mapping()) {
    return Bad(std::string(what) + ": validFor must be an object");
  }
  for (const char* key : {"start", "end"}) {
    const Value* t = v->Find(key);
    if (t == nullptr || t->is_null()) {
      continue;
    }
    if (!t->is_string()) {
      return Bad(std::string(what) + ": validFor." + key + " must be a string");
    }
    AICR_ASSIGN_OR_RETURN(int64_t seconds, ParseTimestamp(*t->if_string(), what));
    (std::string_view(key) == "start" ? window.start_unix : window.end_unix) = seconds;
  }
  if (start_required && !window.start_unix) {
    return Bad(std::string(what) + ": validFor.start is required");
  }
  if (window.start_unix && window.end_unix && *window.end_unix < *window.start_unix) {
    return Bad(std::string(what) + ": validFor.end is before validFor.start");
  }
  return window;
}

Result<std::string> Base64Field(const Value* v, std::string_view what) {
  if (v == nullptr || !v->is_string() || v->if_string()->empty()) {
    return Bad(std::string(what) + " is missing");
  }
  Result<std::string> decoded = DecodeBase64(*v->if_string());
  if (!decoded.ok()) {
    return Bad(std::string(what) + " is not valid base64");
  }
  return std::move(decoded).value();
}

std::string StringField(const Value& object, std::string_view key) {
  const Value* v = object.Find(key);
  return v != nullptr && v->is_string() ? *v->if_string() : std::string();
}

// Appends a log to `out`; entries whose key type this build cannot use are skipped (they can
// never verify anything, which is what a verifier needs from them).
Status ParseLogs(const Value& root, std::string_view field, std::vector<TransparencyLogKey>* out) {
  const Value* logs = root.Find(field);
  if (logs == nullptr || logs->is_null()) {
    return OkStatus();
  }
  if (!logs->is_sequence()) {
    return Bad(std::string(field) + " must be an array");
  }
  for (std::size_t i = 0; i < logs->size(); ++i) {
    const Value& log = (*logs->if_sequence())[i];
    const std::string what = std::string(field) + "[" + std::to_string(i) + "]";
    if (!log.is_mapping()) {
      return Bad(what + " must be an object");
    }
    const Value* pk = log.Find("publicKey");
    if (pk == nullptr || !pk->is_mapping()) {
      return Bad(what + ": publicKey is missing");
    }
    AICR_ASSIGN_OR_RETURN(ValidityWindow valid, ParseValidity(pk->Find("validFor"), what, true));
    AICR_ASSIGN_OR_RETURN(std::string log_id,
                          Base64Field(log.FindPath("logId.keyId"), what + ": logId.keyId"));
    AICR_ASSIGN_OR_RETURN(std::string der,
                          Base64Field(pk->Find("rawBytes"), what + ": publicKey.rawBytes"));
    const std::string details = StringField(*pk, "keyDetails");
    const bool supported = details.empty() || details == "PKIX_ECDSA_P256_SHA_256" ||
                           details == "PKIX_ED25519" || details == "PKIX_ED25519_PH";
    if (!supported) {
      continue;
    }
    Result<PublicKey> key = PublicKey::FromDer(der, "trusted root: " + what + ": publicKey");
    if (!key.ok()) {
      if (details.empty()) {
        continue;
      }
      return key.status();
    }
    out->push_back(TransparencyLogKey{StringField(log, "baseUrl"), std::move(log_id),
                                      std::move(key).value(), valid});
  }
  return OkStatus();
}

template <typename Authority>
Status ParseAuthorities(const Value& root, std::string_view field, std::vector<Authority>* out) {
  const Value* list = root.Find(field);
  if (list == nullptr || list->is_null()) {
    return OkStatus();
  }
  if (!list->is_sequence()) {
    return Bad(std::string(field) + " must be an array");
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    const Value& entry = (*list->if_sequence())[i];
    const std::string what = std::string(field) + "[" + std::to_string(i) + "]";
    if (!entry.is_mapping()) {
      return Bad(what + " must be an object");
    }
    Authority authority;
    authority.uri = StringField(entry, "uri");
    AICR_ASSIGN_OR_RETURN(authority.valid, ParseValidity(entry.Find("validFor"), what, false));
    const Value* certs = entry.FindPath("certChain.certificates");
    if (certs == nullptr || !certs->is_sequence() || certs->size() == 0) {
      return Bad(what + ": certChain.certificates is empty");
    }
    for (std::size_t j = 0; j < certs->size(); ++j) {
      const Value& cert = (*certs->if_sequence())[j];
      const std::string cwhat = what + ": certChain.certificates[" + std::to_string(j) + "]";
      if (!cert.is_mapping()) {
        return Bad(cwhat + " must be an object");
      }
      AICR_ASSIGN_OR_RETURN(std::string der,
                            Base64Field(cert.Find("rawBytes"), cwhat + ".rawBytes"));
      authority.chain_der.push_back(std::move(der));
    }
    out->push_back(std::move(authority));
  }
  return OkStatus();
}

}  // namespace

bool ValidityWindow::Contains(int64_t t) const {
  if (start_unix && t < *start_unix) {
    return false;
  }
  return !(end_unix && t > *end_unix);
}

Result<TrustedRoot> ParseTrustedRoot(std::string_view json) {
  if (json.size() > kMaxTrustedRootBytes) {
    return Bad("larger than " + std::to_string(kMaxTrustedRootBytes) + " bytes");
  }
  Result<Value> parsed = serialize::ParseJson(json);
  if (!parsed.ok()) {
    return Bad("malformed JSON: " + parsed.status().message());
  }
  const Value& root = *parsed;
  if (!root.is_mapping()) {
    return Bad("expected a JSON object");
  }
  const std::string media_type = StringField(root, "mediaType");
  if (!media_type.empty() && media_type.rfind(kMediaTypePrefix, 0) != 0) {
    return Bad("unknown media type \"" + media_type + "\"");
  }
  TrustedRoot out;
  AICR_RETURN_IF_ERROR(ParseLogs(root, "tlogs", &out.tlogs));
  AICR_RETURN_IF_ERROR(ParseLogs(root, "ctlogs", &out.ctlogs));
  AICR_RETURN_IF_ERROR(ParseAuthorities(root, "certificateAuthorities", &out.cas));
  AICR_RETURN_IF_ERROR(ParseAuthorities(root, "timestampAuthorities", &out.tsas));
  return out;
}

std::string_view PublicGoodTrustedRootJson() {
  return {kEmbeddedPublicGoodTrustedRoot, kEmbeddedPublicGoodTrustedRootSize};
}

const TrustedRoot& PublicGoodTrustedRoot() {
  static const TrustedRoot* const root = [] {
    Result<TrustedRoot> parsed = ParseTrustedRoot(PublicGoodTrustedRootJson());
    // The embedded document is tested at build time; a failure here is a build defect.
    if (!parsed.ok()) {
      std::abort();
    }
    return new TrustedRoot(std::move(parsed).value());
  }();
  return *root;
}

TrustedRoot MergeTrustedRoots(TrustedRoot base, const TrustedRoot& extra) {
  base.tlogs.insert(base.tlogs.end(), extra.tlogs.begin(), extra.tlogs.end());
  base.ctlogs.insert(base.ctlogs.end(), extra.ctlogs.begin(), extra.ctlogs.end());
  base.cas.insert(base.cas.end(), extra.cas.begin(), extra.cas.end());
  base.tsas.insert(base.tsas.end(), extra.tsas.begin(), extra.tsas.end());
  return base;
}

}  // namespace aicr::attest
