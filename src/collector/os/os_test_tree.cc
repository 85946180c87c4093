#include "collector/os/os_test_tree.h"

#include <stdlib.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "collector/collector.h"
#include "gtest/gtest.h"

namespace aicr::collector::testing {

HostTree::HostTree() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/aicr-os-collector-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed for " << pattern;
  }
  root_ = pattern;
}

HostTree::~HostTree() {
  std::error_code ec;
  // Restore permissions that tests removed so that the tree can be deleted.
  for (auto it = std::filesystem::recursive_directory_iterator(root_, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_symlink()) {
      std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all,
                                   std::filesystem::perm_options::add, ec);
    }
  }
  std::filesystem::remove_all(root_, ec);
}

std::string HostTree::Write(std::string_view path, std::string_view content) const {
  std::filesystem::path real = HostPath(root_, path);
  std::filesystem::create_directories(real.parent_path());
  std::ofstream out(real, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  EXPECT_TRUE(out.good()) << "writing " << real;
  return real.string();
}

std::string HostTree::MakeDir(std::string_view path) const {
  std::string real = HostPath(root_, path);
  std::filesystem::create_directories(real);
  return real;
}

void HostTree::Symlink(std::string_view target, std::string_view link) const {
  std::filesystem::path real = HostPath(root_, link);
  std::filesystem::create_directories(real.parent_path());
  std::filesystem::create_symlink(std::string(target), real);
}

}  // namespace aicr::collector::testing
