#pragma once

/// \file
/// Signs a written summary bundle with a local key: a DSSE envelope over the exact
/// bytes of `statement.intoto.json`, wrapped in a Sigstore bundle (v0.3, public-key
/// hint, no transparency-log entry) and written as `attestation.intoto.jsonl`.

#include <string>

#include "attest/keys.h"
#include "base/status.h"

namespace aicr::evidence {

/// Signs `summary_dir`/statement.intoto.json into `summary_dir`/attestation.intoto.jsonl
/// (atomically; an existing signature is replaced). NOT_FOUND when the statement is
/// missing; INVALID_REQUEST when it is not a recipe evidence statement.
Status SignSummaryBundle(const std::string& summary_dir, const attest::PrivateKey& key);

}  // namespace aicr::evidence
