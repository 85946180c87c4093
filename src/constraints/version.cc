#include "constraints/version.h"

#include <charconv>
#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

#include "base/strings.h"

namespace aicr::constraints {
namespace {

constexpr std::string_view kGkePrefix = "gke.";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Parses an optionally signed decimal integer the way Go's strconv parses base 10
// (a leading `+` or `-` is allowed, nothing else). nullopt on bad syntax or overflow.
std::optional<std::int64_t> ParseSignedDecimal(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) {
    return std::nullopt;
  }
  for (char c : s) {
    if (!IsDigit(c)) {
      return std::nullopt;
    }
  }
  std::uint64_t magnitude = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), magnitude);
  if (ec != std::errc() || ptr != s.data() + s.size()) {
    return std::nullopt;
  }
  constexpr std::uint64_t kMax = 9223372036854775807ULL;
  if (negative) {
    if (magnitude > kMax + 1) {
      return std::nullopt;
    }
    if (magnitude == kMax + 1) {
      return INT64_MIN;
    }
    return -static_cast<std::int64_t>(magnitude);
  }
  if (magnitude > kMax) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(magnitude);
}

std::vector<std::string_view> SplitDots(std::string_view s) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = s.find('.', start);
    if (dot == std::string_view::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, dot - start));
    start = dot + 1;
  }
}

}  // namespace

std::string Version::String() const {
  switch (precision) {
    case 1:
      return std::to_string(major);
    case 2:
      return std::to_string(major) + "." + std::to_string(minor);
    default:
      return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  }
}

int Version::Compare(const Version& other) const {
  const int precision_used = precision < other.precision ? precision : other.precision;
  auto cmp = [](std::int64_t a, std::int64_t b) { return a < b ? -1 : (a > b ? 1 : 0); };
  if (int c = cmp(major, other.major); c != 0) {
    return c;
  }
  if (precision_used == 1) {
    return 0;
  }
  if (int c = cmp(minor, other.minor); c != 0) {
    return c;
  }
  if (precision_used == 2) {
    return 0;
  }
  if (int c = cmp(patch, other.patch); c != 0) {
    return c;
  }
  const std::optional<std::int64_t> mine = ExtractGkeBuild(extras);
  const std::optional<std::int64_t> theirs = ExtractGkeBuild(other.extras);
  if (mine && theirs) {
    return cmp(*mine, *theirs);
  }
  if (theirs) {
    return -1;  // the constraint demands a GKE build floor the actual lacks
  }
  if (mine) {
    return 1;  // a GKE build of a bare version is newer than that version
  }
  return 0;
}

bool Version::Equals(const Version& other) const {
  return major == other.major && minor == other.minor && patch == other.patch;
}

Result<Version> ParseVersion(std::string_view text) {
  if (text.empty()) {
    return InvalidRequestError("empty version string");
  }
  const std::string_view original = text;
  std::string_view s = text;
  if (s.front() == 'v') {
    s.remove_prefix(1);
  }
  Version v;
  std::string_view core = s;
  for (std::size_t i = 1; i < s.size(); ++i) {
    if ((s[i] == '-' || s[i] == '+') && IsDigit(s[i - 1])) {
      core = s.substr(0, i);
      v.extras = std::string(s.substr(i));
      break;
    }
  }
  const std::vector<std::string_view> parts = SplitDots(core);
  if (parts.size() > 3) {
    return InvalidRequestError("invalid version " + Quote(original) + ": more than 3 components");
  }
  std::int64_t* fields[] = {&v.major, &v.minor, &v.patch};
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string_view part = parts[i];
    if (part.empty()) {
      return InvalidRequestError("invalid version " + Quote(original) + ": empty component");
    }
    const std::optional<std::int64_t> num = ParseSignedDecimal(part);
    if (!num) {
      return InvalidRequestError("invalid version " + Quote(original) + ": non-numeric component " +
                                 Quote(part));
    }
    if (*num < 0) {
      return InvalidRequestError("invalid version " + Quote(original) + ": negative component " +
                                 std::string(part));
    }
    *fields[i] = *num;
  }
  v.precision = static_cast<int>(parts.size());
  return v;
}

std::optional<std::int64_t> ExtractGkeBuild(std::string_view extras) {
  if (!extras.empty() && extras.front() == '-') {
    extras.remove_prefix(1);
  }
  if (extras.substr(0, kGkePrefix.size()) != kGkePrefix) {
    return std::nullopt;
  }
  const std::optional<std::int64_t> n = ParseSignedDecimal(extras.substr(kGkePrefix.size()));
  if (!n || *n < 0) {
    return std::nullopt;
  }
  return n;
}

bool HasRawGkeSuffix(std::string_view extras) {
  if (!extras.empty() && extras.front() == '-') {
    extras.remove_prefix(1);
  }
  return extras.substr(0, kGkePrefix.size()) == kGkePrefix;
}

}  // namespace aicr::constraints
