#pragma once

/// \file
/// The one rule both helmfile repository aliases and Flux source names follow:
/// lower-case the URL, drop an `oci://`, `https://` or `http://` scheme, a trailing
/// `/` and `.git`, turn every run of characters outside `[a-z0-9-]` into one `-`,
/// trim `-` at both ends, and cut to 63 characters (a DNS-1123 label).

#include <string>
#include <string_view>

namespace aicr::layout {

/// The slug of `url`, or `fallback` when nothing of it survives.
std::string UrlSlug(std::string_view url, std::string_view fallback);

}  // namespace aicr::layout
