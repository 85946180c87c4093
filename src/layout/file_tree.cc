#include "layout/file_tree.h"

#include <utility>

#include "base/strings.h"

namespace aicr::layout {

bool IsCleanRelativePath(std::string_view path) {
  if (path.empty() || path.front() == '/' || path.back() == '/') {
    return false;
  }
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::size_t end = slash == std::string_view::npos ? path.size() : slash;
    const std::string_view seg = path.substr(start, end - start);
    if (seg.empty() || seg == "." || seg == "..") {
      return false;
    }
    for (const char c : seg) {
      if (c == '\\' || c == '\0' || c == '\n' || c == '\r' || c == '\t') {
        return false;
      }
    }
    if (slash == std::string_view::npos) {
      break;
    }
    start = slash + 1;
  }
  return true;
}

Status FileTree::Add(const std::string& path, std::string bytes, unsigned mode) {
  if (!IsCleanRelativePath(path)) {
    return InvalidRequestError("unsafe bundle path " + Quote(path));
  }
  if (files_.count(path) != 0) {
    return InvalidRequestError("bundle path " + Quote(path) + " written twice");
  }
  // A file may not also be a directory of another file.
  for (std::size_t slash = path.find('/'); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    if (files_.count(path.substr(0, slash)) != 0) {
      return InvalidRequestError("bundle path " + Quote(path) + " is below the file " +
                                 Quote(path.substr(0, slash)));
    }
  }
  const std::string prefix = path + "/";
  const auto it = files_.lower_bound(prefix);
  if (it != files_.end() && it->first.compare(0, prefix.size(), prefix) == 0) {
    return InvalidRequestError("bundle path " + Quote(path) + " is also a directory");
  }
  files_.emplace(path, File{std::move(bytes), mode});
  return OkStatus();
}

const File* FileTree::Find(std::string_view path) const {
  const auto it = files_.find(path);
  return it == files_.end() ? nullptr : &it->second;
}

bool FileTree::Remove(std::string_view path) {
  const auto it = files_.find(path);
  if (it == files_.end()) {
    return false;
  }
  files_.erase(it);
  return true;
}

std::size_t FileTree::TotalBytes() const {
  std::size_t total = 0;
  for (const auto& [path, file] : files_) {
    total += file.bytes.size();
  }
  return total;
}

}  // namespace aicr::layout
