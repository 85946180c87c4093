#pragma once

/// \file
/// OCI references: `[oci://]registry/repository[:tag][@sha256:<hex>]`.

#include <string>
#include <string_view>

#include "base/result.h"

namespace aicr::oci {

/// The scheme prefix accepted (and stripped) by ParseReference.
inline constexpr std::string_view kOciScheme = "oci://";

/// A parsed reference. `tag` and `digest` may each be empty.
struct Reference {
  std::string registry;    ///< host with optional port, e.g. `ghcr.io`, `127.0.0.1:5000`
  std::string repository;  ///< e.g. `nvidia/aicr-bundle`
  std::string tag;         ///< e.g. `v1.2.3`; empty when not given
  std::string digest;      ///< `sha256:<64 hex>`; empty when not given

  /// `registry/repository[:tag][@digest]` (no scheme).
  std::string String() const;
  /// `registry/repository`.
  std::string Name() const;
  /// The tag when there is no digest, else the digest (what a manifest URL names);
  /// empty when there is neither.
  std::string Selector() const;

  friend bool operator==(const Reference& a, const Reference& b) = default;
};

/// Parses `ref`, with or without the `oci://` prefix. The first `/`-separated segment
/// is the registry host, which must match
/// `^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*(:[0-9]+)?$`;
/// the rest is the repository, lower-case
/// `^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$` (at most 255
/// characters); then an optional `:tag` (`[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`) and an
/// optional `@sha256:<64 lower-case hex>`.
/// Errors: INVALID_REQUEST naming the reference and the part that is wrong.
Result<Reference> ParseReference(std::string_view ref);

/// Whether `tag` is a valid OCI tag (`[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`).
bool IsValidTag(std::string_view tag);

/// Whether `digest` is `sha256:` followed by 64 lower-case hex characters.
bool IsValidDigest(std::string_view digest);

}  // namespace aicr::oci
