#pragma once

/// \file
/// The one table that maps error codes to their AICR names, CLI exit codes, HTTP
/// statuses and retryability. Adapters convert a Status through it exactly once.

#include <string_view>

#include "base/status.h"

namespace aicr {

/// `INVALID_REQUEST`, `NOT_FOUND`, ...; `OK` for kOk and `UNKNOWN` for kUnknown.
std::string_view ErrorCodeName(ErrorCode code);

/// Parses an AICR code name (e.g. `SERVICE_UNAVAILABLE`); kUnknown when not a known name.
ErrorCode ErrorCodeFromName(std::string_view name);

/// Process exit code: 0 ok, 2 invalid/method/conflict, 3 not found, 4 unauthorized,
/// 5 timeout, 6 unavailable, 7 rate limit, 8 internal, 9 canceled, 1 unstructured.
int ExitCodeFor(ErrorCode code);
inline int ExitCodeFor(const Status& s) { return ExitCodeFor(s.code()); }

/// HTTP status: 200, 400, 405, 409, 404, 401, 504, 503, 429, 500, 408; 500 for unstructured.
int HttpStatusFor(ErrorCode code);

/// Whether a client may retry the request unchanged.
bool IsRetryable(ErrorCode code);

}  // namespace aicr
