#include "server/http.h"

#include <algorithm>

namespace aicr::server {

bool HeaderNameLess::operator()(std::string_view a, std::string_view b) const {
  // ASCII folding: header names are tokens, and this runs for every lookup.
  auto lower = [](char c) {
    return static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  };
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [&](char x, char y) { return lower(x) < lower(y); });
}

std::string HttpRequest::Header(std::string_view name) const {
  const auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

void HttpResponse::SetHeader(const std::string& name, const std::string& value) {
  const auto range = headers.equal_range(name);
  headers.erase(range.first, range.second);
  headers.emplace(name, value);
}

std::string HttpResponse::Header(std::string_view name) const {
  const auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

}  // namespace aicr::server
