#pragma once

/// \file
/// Transparency-log checkpoints in the signed-note format (C2SP `signed-note` and
/// `tlog-checkpoint`, also used by Rekor v1): an origin line, the tree size, the base64 root
/// hash, optional extension lines, a blank line, then one or more signature lines
/// `— <name> <base64(key hint (4 bytes) || signature)>`.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "attest/keys.h"
#include "base/result.h"

namespace aicr::attest {

/// Largest checkpoint envelope ParseCheckpoint accepts.
inline constexpr std::size_t kMaxCheckpointBytes = 64 * 1024;

/// One signature line of a signed note.
struct NoteSignature {
  /// The key name (for a log's own signature, its origin or host name).
  std::string name;
  /// The first 4 bytes of the decoded signature: the key hint.
  std::string key_hint;
  /// The signature bytes after the key hint.
  std::string signature;
};

/// A parsed checkpoint.
struct Checkpoint {
  /// The first line.
  std::string origin;
  uint64_t tree_size = 0;
  /// Raw root hash bytes.
  std::string root_hash;
  /// Lines between the root hash and the blank line.
  std::vector<std::string> extensions;
  /// The signed text: every line up to and including the root hash and extensions, each ending
  /// with a newline.
  std::string text;
  std::vector<NoteSignature> signatures;
};

/// Parses a signed note. INVALID_REQUEST `checkpoint: <reason>` for a missing origin, size or
/// root hash, a non-decimal size, bad base64, a missing blank line, no signature lines or a
/// malformed signature line.
Result<Checkpoint> ParseCheckpoint(std::string_view envelope);

/// Which key-hint rule a log uses for its checkpoint signatures.
enum class CheckpointKeyRule {
  /// Rekor v1: SHA-256(SPKI DER)[:4], the log id's first four bytes; any signer name.
  kRekorV1,
  /// C2SP signed note: SHA-256(name || "\n" || type || key)[:4] with type 0x01 and the raw
  /// 32-byte key for Ed25519, type 0x02 and the SPKI DER for ECDSA; name must equal the origin.
  kSignedNote,
};

/// The 4-byte key hint `key` has for signatures named `name` under `rule`.
std::string CheckpointKeyHint(const PublicKey& key, std::string_view name, CheckpointKeyRule rule);

/// Verifies that at least one signature line is by `key` (matching name and key hint) and that
/// every such line verifies; lines from other keys (witness cosignatures, unknown keys) are
/// ignored. INVALID_REQUEST `checkpoint: no signature line matches the log key (key hint <hex>)`
/// or `checkpoint: signature by "<name>" does not verify`.
/// `expected_key_hint`, when not empty, replaces the computed hint (a Rekor v2 log id is the full
/// SHA-256 the signed-note hint is cut from, so its first four bytes identify the log's lines
/// whatever the key type).
Status VerifyCheckpointSignature(const Checkpoint& checkpoint, const PublicKey& key,
                                 CheckpointKeyRule rule, std::string_view expected_key_hint = {});

}  // namespace aicr::attest
