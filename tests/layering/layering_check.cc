#include "tests/layering/layering_check.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace aicr::layering {
namespace {

namespace fs = std::filesystem;

struct Module {
  std::string name;
  std::string dir;  // relative to src/, e.g. "deployer/helm"
  std::set<std::string> deps;
};

// Layers, lowest first. Functional modules (anything not named here) share rank 2
// and may depend on each other as long as the graph stays acyclic.
int Rank(const std::string& module) {
  static const std::map<std::string, int> kRanks = {
      {"base", 0}, {"serialize", 1}, {"client", 3}, {"cli", 4}, {"server", 4}};
  const auto it = kRanks.find(module);
  return it == kRanks.end() ? 2 : it->second;
}

// Third-party header prefixes and the one module allowed to include each.
const std::vector<std::pair<std::string, std::string>>& ThirdPartyOwners() {
  static const std::vector<std::pair<std::string, std::string>> kOwners = {
      {"yaml-cpp/", "serialize"},     {"nlohmann/", "serialize"},
      {"curl/", "serialize"},         {"CLI/", "cli"},
      {"httplib.h", "server"},        {"openssl/", "checksum"},
      {"zlib.h", "archive"},          {"systemd/", "collector_systemd"},
      {"openssl/", "attest"},         {"archive.h", "archive"},
      {"archive_entry.h", "archive"},
  };
  return kOwners;
}

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::map<std::string, Module> LoadModules(const fs::path& src) {
  std::map<std::string, Module> modules;
  const std::regex call(R"(aicr_cc_library\s*\(([^)]*)\))");
  for (const auto& entry : fs::recursive_directory_iterator(src)) {
    if (!entry.is_regular_file() || entry.path().filename() != "CMakeLists.txt") {
      continue;
    }
    const std::string text = ReadAll(entry.path());
    for (auto it = std::sregex_iterator(text.begin(), text.end(), call);
         it != std::sregex_iterator(); ++it) {
      std::istringstream args((*it)[1].str());
      std::string word;
      std::string section;
      Module m;
      m.dir = fs::relative(entry.path().parent_path(), src).generic_string();
      while (args >> word) {
        if (word.front() == '#') {
          std::getline(args, word);
          continue;
        }
        if (word == "NAME" || word == "SRCS" || word == "HDRS" || word == "DEPS" ||
            word == "PRIVATE_DEPS") {
          section = word;
        } else if (section == "NAME") {
          m.name = word;
        } else if ((section == "DEPS" || section == "PRIVATE_DEPS") &&
                   word.rfind("aicr::", 0) == 0) {
          m.deps.insert(word.substr(6));
        }
      }
      if (!m.name.empty()) {
        modules[m.name] = m;
      }
    }
  }
  return modules;
}

// The module owning a path relative to src/: the one with the longest directory prefix.
std::string OwnerOf(const std::string& rel, const std::map<std::string, Module>& modules) {
  std::string best;
  size_t best_len = 0;
  for (const auto& [name, m] : modules) {
    const std::string prefix = m.dir + "/";
    if (rel.rfind(prefix, 0) == 0 && prefix.size() > best_len) {
      best = name;
      best_len = prefix.size();
    }
  }
  return best;
}

std::set<std::string> Closure(const std::string& start,
                              const std::map<std::string, Module>& modules) {
  std::set<std::string> seen;
  std::vector<std::string> stack = {start};
  while (!stack.empty()) {
    const std::string cur = stack.back();
    stack.pop_back();
    const auto it = modules.find(cur);
    if (it == modules.end()) {
      continue;
    }
    for (const std::string& d : it->second.deps) {
      if (seen.insert(d).second) {
        stack.push_back(d);
      }
    }
  }
  return seen;
}

// "deployer_helm" is a member of family "deployer" when module "deployer" exists.
std::string FamilyOf(const std::string& name, const std::map<std::string, Module>& modules) {
  const size_t us = name.find('_');
  if (us == std::string::npos) {
    return "";
  }
  const std::string family = name.substr(0, us);
  return modules.count(family) != 0 ? family : "";
}

std::string EdgeViolation(const std::string& from, const std::string& to,
                          const std::map<std::string, Module>& modules) {
  const int rf = Rank(from);
  const int rt = Rank(to);
  if (to == "client" && from != "cli" && from != "server") {
    return "only cli and server may depend on client";
  }
  if (to == "cli" || to == "server") {
    return "nothing may depend on an adapter";
  }
  if (rt > rf || (rt == rf && rf != 2)) {
    return "dependencies must point down the layers";
  }
  const std::string ff = FamilyOf(from, modules);
  if (!ff.empty() && ff == FamilyOf(to, modules)) {
    return "a " + ff + " may depend only on its family interface, not on a sibling";
  }
  return "";
}

}  // namespace

std::vector<std::string> CheckTree(const std::string& root) {
  const fs::path src = fs::path(root) / "src";
  std::vector<std::string> out;
  if (!fs::is_directory(src)) {
    return {"no src/ directory under " + root};
  }
  const std::map<std::string, Module> modules = LoadModules(src);

  // Declared edges.
  for (const auto& [name, m] : modules) {
    for (const std::string& dep : m.deps) {
      if (modules.count(dep) == 0) {
        out.push_back("module " + name + ": unknown dependency aicr::" + dep);
        continue;
      }
      const std::string why = EdgeViolation(name, dep, modules);
      if (!why.empty()) {
        out.push_back("module " + name + " -> " + dep + ": " + why);
      }
    }
    if (Closure(name, modules).count(name) != 0) {
      out.push_back("module " + name + ": dependency cycle");
    }
  }

  // Include lines.
  const std::regex quoted(R"re(^\s*#\s*include\s*"([^"]+)")re");
  const std::regex angled(R"(^\s*#\s*include\s*<([^>]+)>)");
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(src)) {
    const std::string ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".h" || ext == ".cc" || ext == ".in")) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    const std::string rel = fs::relative(file, src).generic_string();
    const std::string owner = OwnerOf(rel, modules);
    const bool is_test = rel.size() > 8 && rel.substr(rel.size() - 8) == "_test.cc";
    if (owner.empty()) {
      out.push_back(rel + ": file belongs to no module");
      continue;
    }
    const std::set<std::string> allowed = Closure(owner, modules);
    std::istringstream lines(ReadAll(file));
    std::string line;
    int lineno = 0;
    while (std::getline(lines, line)) {
      ++lineno;
      std::smatch m;
      const std::string where = rel + ":" + std::to_string(lineno) + ": ";
      if (std::regex_search(line, m, quoted)) {
        const std::string inc = m[1].str();
        if (inc.rfind("tests/", 0) == 0) {
          if (!is_test) {
            out.push_back(where + "\"" + inc + "\": only tests may include test helpers");
          }
          continue;
        }
        if (!fs::exists(src / inc)) {
          continue;  // generated or third-party quoted header
        }
        const std::string target = OwnerOf(inc, modules);
        if (target.empty() || target == owner) {
          continue;
        }
        const std::string why = EdgeViolation(owner, target, modules);
        if (!why.empty()) {
          out.push_back(where + "\"" + inc + "\": forbidden edge " + owner + " -> " + target +
                        " (" + why + ")");
        } else if (allowed.count(target) == 0) {
          out.push_back(where + "\"" + inc + "\": module " + owner +
                        " does not declare a dependency on " + target);
        }
      } else if (!is_test && std::regex_search(line, m, angled)) {
        const std::string inc = m[1].str();
        // A prefix may have several owners (one entry each); the include is fine when
        // any of them is this module.
        std::vector<std::string> owners;
        for (const auto& [prefix, lib_owner] : ThirdPartyOwners()) {
          if (inc.rfind(prefix, 0) == 0) {
            owners.push_back(lib_owner);
          }
        }
        if (!owners.empty() && std::find(owners.begin(), owners.end(), owner) == owners.end()) {
          std::string names;
          for (const std::string& o : owners) {
            names += (names.empty() ? "" : " or ") + o;
          }
          out.push_back(where + "<" + inc + ">: only module " + names +
                        " may include this library");
        }
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace aicr::layering
