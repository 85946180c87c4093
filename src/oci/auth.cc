#include "oci/auth.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "base/base64.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "base/subprocess.h"
#include "serialize/json_reader.h"
#include "serialize/value.h"

namespace aicr::oci {
namespace {

using serialize::Value;

constexpr std::size_t kMaxConfigBytes = std::size_t{4} * 1024 * 1024;
constexpr std::string_view kDockerHubAuthKey = "https://index.docker.io/v1/";

bool IsDockerHub(std::string_view registry) {
  return registry == "docker.io" || registry == "index.docker.io" ||
         registry == "registry-1.docker.io";
}

/// The registry host named by an `auths` key: scheme and path removed.
std::string HostOfAuthKey(std::string_view key) {
  if (const std::size_t scheme = key.find("://"); scheme != std::string_view::npos) {
    key.remove_prefix(scheme + 3);
  }
  if (const std::size_t slash = key.find('/'); slash != std::string_view::npos) {
    key = key.substr(0, slash);
  }
  return AsciiLower(key);
}

const Value* Member(const Value& obj, std::string_view key) {
  return obj.is_mapping() ? obj.Find(key) : nullptr;
}

std::string StringMember(const Value& obj, std::string_view key) {
  const Value* v = Member(obj, key);
  return v != nullptr && v->is_string() ? *v->if_string() : std::string();
}

Result<std::optional<Credential>> RunHelper(const std::string& helper, std::string_view registry,
                                            const std::string& config_path,
                                            const CancelToken* cancel) {
  const std::string program = "docker-credential-" + helper;
  SubprocessOptions opts;
  opts.argv = {program, "get"};
  opts.stdin_mode = SubprocessStdin::kData;
  opts.stdin_data = IsDockerHub(registry) ? std::string(kDockerHubAuthKey) : std::string(registry);
  opts.max_stdout_bytes = 1024 * 1024;
  opts.timeout = std::chrono::milliseconds(60000);
  auto run = RunSubprocess(opts, cancel != nullptr ? *cancel : CancelToken::None());
  if (!run.ok()) {
    return run.status().WithContext("docker config " + Quote(config_path) +
                                    ": credential helper for " + Quote(registry));
  }
  if (!run->success()) {
    const std::string said = std::string(Trim(run->out + " " + run->err));
    if (said.find("credentials not found") != std::string::npos) {
      return std::optional<Credential>();
    }
    return UnauthorizedError("credential helper " + Quote(program) + " for " + Quote(registry) +
                             " failed" + (run->timed_out ? " (timed out)" : "") +
                             (said.empty() ? "" : ": " + said));
  }
  auto doc = serialize::ParseJson(run->out);
  if (!doc.ok() || !doc->is_mapping()) {
    return UnauthorizedError("credential helper " + Quote(program) + " for " + Quote(registry) +
                             " returned invalid JSON");
  }
  Credential c;
  c.username = StringMember(*doc, "Username");
  c.password = StringMember(*doc, "Secret");
  if (c.username.empty() && c.password.empty()) {
    return std::optional<Credential>();
  }
  return std::optional<Credential>(std::move(c));
}

Result<std::optional<Credential>> FromAuthEntry(const Value& entry, std::string_view registry,
                                                const std::string& config_path) {
  const std::string what =
      "docker config " + Quote(config_path) + ": auths entry for " + Quote(registry);
  if (!entry.is_mapping()) {
    return InvalidRequestError(what + " is not an object");
  }
  const std::string auth = StringMember(entry, "auth");
  if (!auth.empty()) {
    auto decoded = DecodeBase64(auth);
    if (!decoded.ok()) {
      return InvalidRequestError(what + ": \"auth\" is not valid base64");
    }
    const std::size_t colon = decoded->find(':');
    if (colon == std::string::npos) {
      return InvalidRequestError(what + ": \"auth\" must encode username:password");
    }
    return std::optional<Credential>(
        Credential{decoded->substr(0, colon), decoded->substr(colon + 1)});
  }
  Credential c{StringMember(entry, "username"), StringMember(entry, "password")};
  if (!c.username.empty() || !c.password.empty()) {
    return std::optional<Credential>(std::move(c));
  }
  const std::string token = StringMember(entry, "identitytoken");
  if (!token.empty()) {
    return std::optional<Credential>(Credential{"<token>", token});
  }
  return std::optional<Credential>();
}

}  // namespace

std::string ResolveDockerConfigPath(std::string_view explicit_path) {
  if (!explicit_path.empty()) {
    return std::string(explicit_path);
  }
  const char* dir = std::getenv("DOCKER_CONFIG");  // NOLINT(concurrency-mt-unsafe)
  if (dir != nullptr && *dir != '\0') {
    return std::string(dir) + "/config.json";
  }
  const char* home = std::getenv("HOME");  // NOLINT(concurrency-mt-unsafe)
  if (home != nullptr && *home != '\0') {
    return std::string(home) + "/.docker/config.json";
  }
  return "";
}

Result<std::optional<Credential>> LookupCredential(std::string_view registry_in,
                                                   const std::string& config_path,
                                                   const CancelToken* cancel) {
  if (config_path.empty()) {
    return std::optional<Credential>();
  }
  const std::string registry = AsciiLower(registry_in);
  struct stat st {};
  if (stat(config_path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) {
      return std::optional<Credential>();
    }
    return UnavailableError("docker config " + Quote(config_path) + ": " + ErrnoText(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return InvalidRequestError("docker config " + Quote(config_path) + " is not a regular file");
  }
  if (static_cast<std::size_t>(st.st_size) > kMaxConfigBytes) {
    return InvalidRequestError("docker config " + Quote(config_path) + " is larger than " +
                               std::to_string(kMaxConfigBytes) + " bytes");
  }
  std::ifstream in(config_path, std::ios::binary);
  if (!in) {
    return UnavailableError("docker config " + Quote(config_path) + ": cannot open");
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  auto doc = serialize::ParseJson(ss.str());
  if (!doc.ok()) {
    return InvalidRequestError("docker config " + Quote(config_path) + ": " +
                               doc.status().message());
  }
  if (!doc->is_mapping()) {
    return InvalidRequestError("docker config " + Quote(config_path) + ": not a JSON object");
  }

  if (const Value* helpers = Member(*doc, "credHelpers"); helpers != nullptr) {
    if (!helpers->is_mapping()) {
      return InvalidRequestError("docker config " + Quote(config_path) +
                                 ": \"credHelpers\" is not an object");
    }
    for (const auto& [key, val] : *helpers->if_mapping()) {
      if (HostOfAuthKey(key) == registry && val.is_string() && !val.if_string()->empty()) {
        return RunHelper(*val.if_string(), registry, config_path, cancel);
      }
    }
  }

  if (const Value* auths = Member(*doc, "auths"); auths != nullptr) {
    if (!auths->is_mapping()) {
      return InvalidRequestError("docker config " + Quote(config_path) +
                                 ": \"auths\" is not an object");
    }
    // An exact key wins over a key with a scheme or path.
    const Value* found = auths->Find(registry);
    if (found == nullptr) {
      for (const auto& [key, val] : *auths->if_mapping()) {
        const std::string host = HostOfAuthKey(key);
        if (host == registry || (IsDockerHub(registry) && IsDockerHub(host))) {
          found = &val;
          break;
        }
      }
    }
    if (found != nullptr) {
      AICR_ASSIGN_OR_RETURN(std::optional<Credential> c,
                            FromAuthEntry(*found, registry, config_path));
      if (c.has_value()) {
        return c;
      }
    }
  }

  const std::string store = StringMember(*doc, "credsStore");
  if (!store.empty()) {
    return RunHelper(store, registry, config_path, cancel);
  }
  return std::optional<Credential>();
}

Result<AuthChallenge> ParseAuthChallenge(std::string_view header) {
  std::string_view s = Trim(header);
  const std::size_t sp = s.find_first_of(" \t");
  AuthChallenge c;
  c.scheme = AsciiLower(s.substr(0, sp));
  if (c.scheme.empty()) {
    return InvalidRequestError("empty WWW-Authenticate challenge");
  }
  if (sp == std::string_view::npos) {
    return c;
  }
  s.remove_prefix(sp);
  while (true) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == ',')) {
      s.remove_prefix(1);
    }
    if (s.empty()) {
      break;
    }
    const std::size_t eq = s.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return InvalidRequestError("malformed WWW-Authenticate challenge " + Quote(header));
    }
    const std::string key = AsciiLower(Trim(s.substr(0, eq)));
    s.remove_prefix(eq + 1);
    std::string value;
    if (!s.empty() && s.front() == '"') {
      s.remove_prefix(1);
      bool closed = false;
      while (!s.empty()) {
        const char ch = s.front();
        s.remove_prefix(1);
        if (ch == '\\' && !s.empty()) {
          value += s.front();
          s.remove_prefix(1);
        } else if (ch == '"') {
          closed = true;
          break;
        } else {
          value += ch;
        }
      }
      if (!closed) {
        return InvalidRequestError("malformed WWW-Authenticate challenge " + Quote(header) +
                                   ": unterminated quoted value");
      }
    } else {
      const std::size_t end = s.find(',');
      value = std::string(Trim(s.substr(0, end)));
      s.remove_prefix(end == std::string_view::npos ? s.size() : end);
    }
    c.params[key] = value;
  }
  return c;
}

}  // namespace aicr::oci
