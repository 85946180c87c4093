#include "client/trust_root.h"

#include <cstddef>
#include <utility>

#include "base/status_macros.h"
#include "base/strings.h"
#include "serialize/input.h"
#include "serialize/json_reader.h"

namespace aicr::client {
namespace {

constexpr std::size_t kMaxTrustRootBytes = std::size_t{4} * 1024 * 1024;

}  // namespace

Result<attest::TrustedRoot> LoadTrustedRootFile(const std::string& path, std::string_view flag) {
  AICR_ASSIGN_OR_RETURN(const std::string bytes,
                        serialize::ReadLocalFile(path, kMaxTrustRootBytes));
  const std::string where = std::string(flag) + " " + Quote(path);
  Result<serialize::Value> doc = serialize::ParseJson(bytes);
  if (!doc.ok()) {
    return InvalidRequestError(where + ": not valid JSON: " + doc.status().message());
  }
  const serialize::Value* media = doc->Find("mediaType");
  if (!doc->is_mapping() || media == nullptr || !media->is_string() ||
      media->if_string()->rfind("application/vnd.dev.sigstore.trustedroot", 0) != 0) {
    return InvalidRequestError(where +
                               ": not a Sigstore trusted root (mediaType "
                               "application/vnd.dev.sigstore.trustedroot+json expected)");
  }
  Result<attest::TrustedRoot> root = attest::ParseTrustedRoot(bytes);
  if (!root.ok()) {
    return InvalidRequestError(where + ": " + root.status().message());
  }
  return root;
}

Result<attest::TrustedRoot> PublicGoodPlus(const std::string& extra_path, std::string_view flag) {
  attest::TrustedRoot root = attest::PublicGoodTrustedRoot();
  if (extra_path.empty()) {
    return root;
  }
  AICR_ASSIGN_OR_RETURN(const attest::TrustedRoot extra, LoadTrustedRootFile(extra_path, flag));
  return attest::MergeTrustedRoots(std::move(root), extra);
}

}  // namespace aicr::client
