#pragma once

/// \file
/// Small helpers of the test API server: time, ids, base64, name validation.

#include <chrono>
#include <string>

namespace aicr::testing::apiserver {

/// RFC 3339 UTC time with second precision ("2026-01-02T03:04:05Z").
std::string Rfc3339(std::chrono::system_clock::time_point t);
/// Parses Rfc3339 output; false when malformed.
bool ParseRfc3339(const std::string& s, std::chrono::system_clock::time_point* out);
/// A random version-4 UUID.
std::string NewUid();
/// `n` random characters from the alphabet generateName uses.
std::string RandomSuffix(std::size_t n);
std::string Base64Encode(const std::string& in);
/// Standard or URL alphabet, padding optional; false on bad input.
bool Base64Decode(const std::string& in, std::string* out);
/// The error text of DNS-1123 label validation, "" when valid.
std::string Dns1123LabelError(const std::string& name);
/// The error text of DNS-1123 subdomain validation, "" when valid.
std::string Dns1123SubdomainError(const std::string& name);
/// The error text of path segment name validation (RBAC names), "" when valid.
std::string PathSegmentError(const std::string& name);
/// kubectl-style short age: "5s", "3m12s", "2h", "4d".
std::string HumanAge(std::chrono::seconds age);

}  // namespace aicr::testing::apiserver
