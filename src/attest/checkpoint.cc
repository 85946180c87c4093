#include "attest/checkpoint.h"

#include <cstddef>

#include "attest/merkle.h"
#include "base/base64.h"
#include "base/strings.h"

namespace aicr::attest {
namespace {

constexpr std::string_view kSignaturePrefix = "\xE2\x80\x94 ";  // em dash + space

Status Bad(std::string reason) { return InvalidRequestError("checkpoint: " + std::move(reason)); }

// Splits `text` into lines; every line must end with '\n' (the final one included).
Result<std::vector<std::string_view>> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {
      return Bad("note does not end with a newline");
    }
    out.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

bool ParseDecimal(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 20 || (s.size() > 1 && s[0] == '0')) {
    return false;
  }
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') {
      return false;
    }
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) {
      return false;
    }
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

}  // namespace

Result<Checkpoint> ParseCheckpoint(std::string_view envelope) {
  if (envelope.size() > kMaxCheckpointBytes) {
    return Bad("note exceeds " + std::to_string(kMaxCheckpointBytes) + " bytes");
  }
  const std::size_t split = envelope.find("\n\n");
  if (split == std::string_view::npos) {
    return Bad("no blank line separates the text from the signatures");
  }
  Checkpoint cp;
  cp.text = std::string(envelope.substr(0, split + 1));
  Result<std::vector<std::string_view>> body = Lines(cp.text);
  if (!body.ok()) {
    return body.status();
  }
  if (body->size() < 1 || (*body)[0].empty()) {
    return Bad("missing origin line");
  }
  if (body->size() < 3) {
    // Name the line that is missing from what the lines present look like.
    uint64_t ignored = 0;
    if (ParseDecimal((*body)[0], &ignored)) {
      return Bad("missing origin line");
    }
    if (body->size() < 2 || !ParseDecimal((*body)[1], &ignored)) {
      return Bad("missing tree size line");
    }
    return Bad("missing root hash line");
  }
  cp.origin = std::string((*body)[0]);
  if (!ParseDecimal((*body)[1], &cp.tree_size)) {
    return Bad("tree size \"" + std::string((*body)[1]) + "\" is not a decimal number");
  }
  Result<std::string> root = DecodeBase64((*body)[2]);
  if (!root.ok()) {
    return Bad("root hash is not valid base64");
  }
  if (root->size() != 32) {
    return Bad("root hash is " + std::to_string(root->size()) + " bytes, want 32");
  }
  cp.root_hash = *root;
  for (std::size_t i = 3; i < body->size(); ++i) {
    if ((*body)[i].empty()) {
      return Bad("empty extension line");
    }
    cp.extensions.emplace_back((*body)[i]);
  }
  Result<std::vector<std::string_view>> sigs = Lines(envelope.substr(split + 2));
  if (!sigs.ok()) {
    return sigs.status();
  }
  if (sigs->empty()) {
    return Bad("no signature lines");
  }
  for (std::string_view line : *sigs) {
    if (line.substr(0, kSignaturePrefix.size()) != kSignaturePrefix) {
      return Bad("signature line does not start with an em dash");
    }
    line.remove_prefix(kSignaturePrefix.size());
    const std::size_t sp = line.find(' ');
    if (sp == std::string_view::npos || sp == 0 || sp + 1 >= line.size()) {
      return Bad("signature line needs a name and a base64 signature");
    }
    Result<std::string> raw = DecodeBase64(line.substr(sp + 1));
    if (!raw.ok()) {
      return Bad("signature by \"" + std::string(line.substr(0, sp)) + "\" is not valid base64");
    }
    if (raw->size() < 5) {
      return Bad("signature by \"" + std::string(line.substr(0, sp)) + "\" is too short");
    }
    NoteSignature sig;
    sig.name = std::string(line.substr(0, sp));
    sig.key_hint = raw->substr(0, 4);
    sig.signature = raw->substr(4);
    cp.signatures.push_back(std::move(sig));
  }
  return cp;
}

std::string CheckpointKeyHint(const PublicKey& key, std::string_view name, CheckpointKeyRule rule) {
  const std::string spki = key.SpkiDer();
  if (rule == CheckpointKeyRule::kRekorV1) {
    return Sha256Raw(spki).substr(0, 4);
  }
  std::string buf(name);
  buf.push_back('\n');
  if (key.algorithm() == KeyAlgorithm::kEd25519) {
    buf.push_back('\x01');
    // An Ed25519 SPKI is a fixed 12-byte prefix followed by the 32-byte key.
    buf.append(spki.size() >= 32 ? spki.substr(spki.size() - 32) : spki);
  } else {
    buf.push_back('\x02');
    buf.append(spki);
  }
  return Sha256Raw(buf).substr(0, 4);
}

Status VerifyCheckpointSignature(const Checkpoint& checkpoint, const PublicKey& key,
                                 CheckpointKeyRule rule, std::string_view expected_key_hint) {
  const std::string want = expected_key_hint.empty()
                               ? CheckpointKeyHint(key, checkpoint.origin, rule)
                               : std::string(expected_key_hint.substr(0, 4));
  int matched = 0;
  for (const NoteSignature& sig : checkpoint.signatures) {
    if (sig.key_hint != want) {
      continue;
    }
    if (rule == CheckpointKeyRule::kSignedNote && sig.name != checkpoint.origin) {
      continue;
    }
    if (!key.Verify(checkpoint.text, sig.signature)) {
      return Bad("signature by \"" + sig.name + "\" does not verify");
    }
    ++matched;
  }
  if (matched == 0) {
    return Bad("no signature line matches the log key (key hint " + HexEncode(want) + ")");
  }
  return OkStatus();
}

}  // namespace aicr::attest
