#pragma once

/// \file
/// Standard base64 (RFC 4648 §4, with padding), shared by kubeconfig data fields,
/// registry credentials and signature envelopes.

#include <string>
#include <string_view>

#include "base/result.h"

namespace aicr {

/// Decodes standard base64 with padding; `\r` and `\n` are ignored.
/// INVALID_REQUEST `invalid base64` for any other byte outside the alphabet, data
/// after padding, more than two padding bytes, or a length that is not a multiple of 4.
Result<std::string> DecodeBase64(std::string_view text);

/// Standard base64 with padding.
std::string EncodeBase64(std::string_view data);

}  // namespace aicr
