#include "layout/url_slug.h"

namespace aicr::layout {
namespace {

constexpr std::size_t kMaxLabelLength = 63;

}  // namespace

std::string UrlSlug(std::string_view url, std::string_view fallback) {
  std::string s(url);
  for (char& ch : s) {
    if (ch >= 'A' && ch <= 'Z') {
      ch = static_cast<char>(ch - 'A' + 'a');
    }
  }
  std::string_view v = s;
  for (std::string_view prefix : {"oci://", "https://", "http://"}) {
    if (v.starts_with(prefix)) {
      v.remove_prefix(prefix.size());
    }
  }
  if (v.ends_with('/')) {
    v.remove_suffix(1);
  }
  if (v.ends_with(".git")) {
    v.remove_suffix(4);
  }
  std::string slug;
  slug.reserve(v.size());
  bool in_run = false;
  for (const char ch : v) {
    if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-') {
      slug += ch;
      in_run = false;
    } else if (!in_run) {
      slug += '-';
      in_run = true;
    }
  }
  const std::size_t first = slug.find_first_not_of('-');
  if (first == std::string::npos) {
    return std::string(fallback);
  }
  slug = slug.substr(first, slug.find_last_not_of('-') - first + 1);
  if (slug.size() > kMaxLabelLength) {
    slug.resize(kMaxLabelLength);
    slug.erase(slug.find_last_not_of('-') + 1);
  }
  return slug;
}

}  // namespace aicr::layout
