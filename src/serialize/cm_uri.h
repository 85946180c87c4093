#pragma once

/// \file
/// `cm://namespace/name` references to Kubernetes ConfigMaps, and the seam through
/// which inputs and outputs reach them. The Kubernetes client implements
/// ConfigMapStore; without one, every cm:// read or write fails with kUnavailable.
///
/// Grammar (as AICR parses it): the URI must start with `cm://`; the rest is split
/// once, on the first `/`, into namespace and name; both are trimmed of whitespace and
/// must be non-empty. Because the split happens once, AICR's parser accepts a name
/// that contains further `/` (`cm://ns/a/b` -> name `a/b`), which the Kubernetes API
/// then refuses. We keep that split, so every URI AICR rejects is rejected here with
/// the same "expected format" message, and then also require Kubernetes object names:
/// the namespace a DNS-1123 label (at most 63 characters) and the name a DNS-1123
/// subdomain (at most 253). A `/` in the name, upper case or other characters are
/// therefore rejected here, before any request is made, with a message that says why.

#include <map>
#include <string>
#include <string_view>

#include "base/cancel.h"
#include "base/result.h"
#include "base/status.h"

namespace aicr::serialize {

/// The URI scheme prefix, `cm://`.
inline constexpr std::string_view kConfigMapScheme = "cm://";

/// A parsed `cm://namespace/name`.
struct ConfigMapRef {
  std::string ns;
  std::string name;

  /// `cm://<ns>/<name>`.
  [[nodiscard]] std::string ToUri() const;

  friend bool operator==(const ConfigMapRef&, const ConfigMapRef&) = default;
};

/// The parts of a ConfigMap that AICR reads and writes.
struct ConfigMapData {
  std::map<std::string, std::string> data;
  std::map<std::string, std::string> labels;

  friend bool operator==(const ConfigMapData&, const ConfigMapData&) = default;
};

/// Whether `uri` starts with `cm://` (case-sensitive; no trimming).
bool IsConfigMapUri(std::string_view uri);

/// Parses `cm://namespace/name` (see the grammar above).
/// Errors: kInvalidRequest, with a message that shows `cm://namespace/name`.
Result<ConfigMapRef> ParseConfigMapUri(std::string_view uri);

/// Whether `s` is a DNS-1123 label: 1-63 of [a-z0-9-], alphanumeric at both ends.
bool IsDns1123Label(std::string_view s);

/// Whether `s` is a DNS-1123 subdomain: 1-253 characters, dot-separated DNS-1123 labels.
bool IsDns1123Subdomain(std::string_view s);

/// Access to ConfigMaps, implemented by the Kubernetes client (and by fakes in tests).
class ConfigMapStore {
 public:
  virtual ~ConfigMapStore() = default;

  /// Reads a ConfigMap. Errors: kNotFound when it does not exist; transport errors.
  virtual Result<ConfigMapData> Get(const ConfigMapRef& ref, const CancelToken& cancel) = 0;

  /// Creates or replaces (server-side apply) a ConfigMap with exactly these data and labels.
  virtual Status Apply(const ConfigMapRef& ref, const ConfigMapData& data,
                       const CancelToken& cancel) = 0;
};

/// kUnavailable: `cm://ns/name: Kubernetes ConfigMap access is not available in this build`.
/// Returned by readers and writers that were given no ConfigMapStore.
Status ConfigMapStoreUnavailable(const ConfigMapRef& ref);

}  // namespace aicr::serialize
