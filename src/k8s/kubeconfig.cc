#include "k8s/kubeconfig.h"

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <utility>

#include "base/base64.h"
#include "base/limits.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "serialize/json_writer.h"
#include "serialize/yaml_reader.h"

namespace aicr::k8s {
namespace {

namespace fs = std::filesystem;
using serialize::Value;

constexpr std::string_view kExecExtension = "client.authentication.k8s.io/exec";

std::string AbsolutePath(const std::string& path) {
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec);
  return ec ? path : abs.lexically_normal().string();
}

bool IsRegularFile(const std::string& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

// `path` made absolute against the directory of `file` (kubeconfig-relative).
std::string ResolveAgainst(const std::string& path, const std::string& file) {
  if (path.empty() || fs::path(path).is_absolute()) {
    return path;
  }
  return (fs::path(file).parent_path() / path).lexically_normal().string();
}

std::string FileList(const std::vector<std::string>& files) {
  if (files.empty()) {
    return "no kubeconfig file";
  }
  return Join(files, ", ");
}

// The string under `key` of mapping `m`; "" when absent or null.
Result<std::string> StringField(const Value& m, std::string_view key, const std::string& where) {
  const Value* v = m.Find(key);
  if (v == nullptr || v->is_null()) {
    return std::string();
  }
  if (!v->is_string()) {
    return InvalidRequestError(where + ": " + std::string(key) + ": expected string, got " +
                               std::string(serialize::ValueTypeName(v->type())));
  }
  return *v->if_string();
}

Result<bool> BoolField(const Value& m, std::string_view key, const std::string& where) {
  const Value* v = m.Find(key);
  if (v == nullptr || v->is_null()) {
    return false;
  }
  if (!v->is_bool()) {
    return InvalidRequestError(where + ": " + std::string(key) + ": expected bool, got " +
                               std::string(serialize::ValueTypeName(v->type())));
  }
  return *v->if_bool();
}

// Adds the named entries of list `key` (`clusters`, `users`, `contexts`) of one
// file to `into`, keeping names already present (first file wins).
Status MergeNamedList(const Value& doc, std::string_view key, std::string_view item_key,
                      const std::string& file, std::map<std::string, KubeconfigEntry>& into) {
  const Value* list = doc.Find(key);
  if (list == nullptr || list->is_null()) {
    return OkStatus();
  }
  if (!list->is_sequence()) {
    return InvalidRequestError("kubeconfig " + file + ": " + std::string(key) +
                               ": expected sequence, got " +
                               std::string(serialize::ValueTypeName(list->type())));
  }
  std::set<std::string> seen_here;
  for (const Value& item : *list->if_sequence()) {
    if (!item.is_mapping()) {
      return InvalidRequestError("kubeconfig " + file + ": " + std::string(key) +
                                 ": expected mapping entries");
    }
    AICR_ASSIGN_OR_RETURN(
        std::string name,
        StringField(item, "name", "kubeconfig " + file + ": " + std::string(key)));
    if (name.empty()) {
      return InvalidRequestError("kubeconfig " + file + ": " + std::string(key) +
                                 ": entry without a name");
    }
    if (!seen_here.insert(name).second) {
      return InvalidRequestError("kubeconfig " + file + ": " + std::string(key) +
                                 ": duplicate name " + Quote(name));
    }
    if (into.contains(name)) {
      continue;
    }
    const Value* body = item.Find(item_key);
    Value value = body == nullptr || body->is_null() ? Value::EmptyMapping() : *body;
    if (!value.is_mapping()) {
      return InvalidRequestError("kubeconfig " + file + ": " + std::string(key) + " " +
                                 Quote(name) + ": " + std::string(item_key) + ": expected mapping");
    }
    into.emplace(name, KubeconfigEntry{std::move(value), file});
  }
  return OkStatus();
}

Status MergeFile(const std::string& file, Kubeconfig& config) {
  AICR_ASSIGN_OR_RETURN(std::string text,
                        ReadSmallFile(file, "kubeconfig", limits::kMaxInputBytes));
  Result<Value> parsed = serialize::ParseYaml(text);
  if (!parsed.ok()) {
    return InvalidRequestError("kubeconfig " + file + ": " + parsed.status().message());
  }
  const Value& doc = *parsed;
  config.files.push_back(file);
  if (doc.is_null()) {
    return OkStatus();
  }
  if (!doc.is_mapping()) {
    return InvalidRequestError("kubeconfig " + file + ": expected a mapping, got " +
                               std::string(serialize::ValueTypeName(doc.type())));
  }
  AICR_RETURN_IF_ERROR(MergeNamedList(doc, "clusters", "cluster", file, config.clusters));
  AICR_RETURN_IF_ERROR(MergeNamedList(doc, "users", "user", file, config.users));
  AICR_RETURN_IF_ERROR(MergeNamedList(doc, "contexts", "context", file, config.contexts));
  AICR_ASSIGN_OR_RETURN(std::string current,
                        StringField(doc, "current-context", "kubeconfig " + file));
  if (config.current_context.empty() && !current.empty()) {
    config.current_context = current;
    config.current_context_file = file;
  }
  return OkStatus();
}

// `*-data` (base64) or a file path, never both; "" when neither is set.
Result<std::string> DataOrFile(const Value& m, std::string_view data_key, std::string_view file_key,
                               const std::string& where, const std::string& defining_file) {
  AICR_ASSIGN_OR_RETURN(std::string data, StringField(m, data_key, where));
  AICR_ASSIGN_OR_RETURN(std::string path, StringField(m, file_key, where));
  if (!data.empty() && !path.empty()) {
    return InvalidRequestError(where + ": " + std::string(data_key) + " and " +
                               std::string(file_key) + " are both set");
  }
  if (!data.empty()) {
    Result<std::string> decoded = DecodeBase64(data);
    if (!decoded.ok()) {
      return InvalidRequestError(where + ": " + std::string(data_key) + ": " +
                                 decoded.status().message());
    }
    return decoded;
  }
  if (!path.empty()) {
    return ReadSmallFile(ResolveAgainst(path, defining_file), where + ": " + std::string(file_key));
  }
  return std::string();
}

Status ApplyCluster(const std::string& name, const KubeconfigEntry& entry, RestConfig& rc) {
  const std::string where = "cluster " + Quote(name) + " in " + entry.file;
  const Value& c = entry.value;
  AICR_ASSIGN_OR_RETURN(rc.server, StringField(c, "server", where));
  while (rc.server.size() > 1 && rc.server.back() == '/') {
    rc.server.pop_back();
  }
  if (rc.server.empty()) {
    return InvalidRequestError(where + ": no server");
  }
  AICR_ASSIGN_OR_RETURN(rc.ca_pem, DataOrFile(c, "certificate-authority-data",
                                              "certificate-authority", where, entry.file));
  AICR_ASSIGN_OR_RETURN(rc.insecure_skip_tls_verify,
                        BoolField(c, "insecure-skip-tls-verify", where));
  if (rc.insecure_skip_tls_verify && !rc.ca_pem.empty()) {
    return InvalidRequestError(where +
                               ": insecure-skip-tls-verify cannot be combined with a "
                               "certificate authority");
  }
  AICR_ASSIGN_OR_RETURN(rc.tls_server_name, StringField(c, "tls-server-name", where));
  AICR_ASSIGN_OR_RETURN(rc.proxy_url, StringField(c, "proxy-url", where));
  return OkStatus();
}

// extensions[name=client.authentication.k8s.io/exec].extension as compact JSON.
Result<std::string> ExecClusterConfig(const std::string& name, const KubeconfigEntry& entry) {
  const Value* extensions = entry.value.Find("extensions");
  if (extensions == nullptr || !extensions->is_sequence()) {
    return std::string();
  }
  for (const Value& ext : *extensions->if_sequence()) {
    const Value* ext_name = ext.Find("name");
    if (ext_name == nullptr || ext_name->if_string() == nullptr ||
        *ext_name->if_string() != kExecExtension) {
      continue;
    }
    const Value* body = ext.Find("extension");
    if (body == nullptr || body->is_null()) {
      return std::string();
    }
    Result<std::string> json = serialize::WriteJson(
        *body, {.sort_keys = true, .compact = true, .trailing_newline = false});
    if (!json.ok()) {
      return InvalidRequestError("cluster " + Quote(name) + " in " + entry.file + ": extension " +
                                 std::string(kExecExtension) + ": " + json.status().message());
    }
    return json;
  }
  return std::string();
}

Result<ExecConfig> ParseExec(const Value& e, const std::string& where,
                             const std::string& defining_file) {
  if (!e.is_mapping()) {
    return InvalidRequestError(where + ": exec: expected mapping");
  }
  ExecConfig exec;
  AICR_ASSIGN_OR_RETURN(exec.api_version, StringField(e, "apiVersion", where + ": exec"));
  AICR_ASSIGN_OR_RETURN(exec.command, StringField(e, "command", where + ": exec"));
  AICR_ASSIGN_OR_RETURN(exec.install_hint, StringField(e, "installHint", where + ": exec"));
  AICR_ASSIGN_OR_RETURN(exec.interactive_mode, StringField(e, "interactiveMode", where + ": exec"));
  AICR_ASSIGN_OR_RETURN(exec.provide_cluster_info,
                        BoolField(e, "provideClusterInfo", where + ": exec"));
  if (exec.command.empty()) {
    return InvalidRequestError(where + ": exec: command is required");
  }
  if (exec.api_version != "client.authentication.k8s.io/v1" &&
      exec.api_version != "client.authentication.k8s.io/v1beta1") {
    return InvalidRequestError(where + ": exec: unsupported apiVersion " + Quote(exec.api_version) +
                               " (use client.authentication.k8s.io/v1 or /v1beta1)");
  }
  if (exec.interactive_mode.empty() && exec.api_version == "client.authentication.k8s.io/v1") {
    return InvalidRequestError(where + ": exec: interactiveMode is required for " +
                               exec.api_version);
  }
  if (!exec.interactive_mode.empty() && exec.interactive_mode != "Never" &&
      exec.interactive_mode != "IfAvailable" && exec.interactive_mode != "Always") {
    return InvalidRequestError(where + ": exec: invalid interactiveMode " +
                               Quote(exec.interactive_mode) +
                               " (use Never, IfAvailable or Always)");
  }
  // A command with a path separator is relative to the kubeconfig's directory.
  if (exec.command.find('/') != std::string::npos) {
    exec.command = ResolveAgainst(exec.command, defining_file);
  }
  if (const Value* args = e.Find("args"); args != nullptr && !args->is_null()) {
    if (!args->is_sequence()) {
      return InvalidRequestError(where + ": exec: args: expected sequence");
    }
    for (const Value& a : *args->if_sequence()) {
      if (!a.is_string()) {
        return InvalidRequestError(where + ": exec: args: expected strings");
      }
      exec.args.push_back(*a.if_string());
    }
  }
  if (const Value* env = e.Find("env"); env != nullptr && !env->is_null()) {
    if (!env->is_sequence()) {
      return InvalidRequestError(where + ": exec: env: expected sequence");
    }
    for (const Value& item : *env->if_sequence()) {
      if (!item.is_mapping()) {
        return InvalidRequestError(where + ": exec: env: expected {name, value} entries");
      }
      AICR_ASSIGN_OR_RETURN(std::string name, StringField(item, "name", where + ": exec: env"));
      AICR_ASSIGN_OR_RETURN(std::string value, StringField(item, "value", where + ": exec: env"));
      if (name.empty()) {
        return InvalidRequestError(where + ": exec: env: entry without a name");
      }
      exec.env.emplace_back(std::move(name), std::move(value));
    }
  }
  return exec;
}

Status ApplyUser(const std::string& name, const KubeconfigEntry& entry, RestConfig& rc) {
  const std::string where = "user " + Quote(name) + " in " + entry.file;
  const Value& u = entry.value;
  AuthConfig& auth = rc.auth;
  if (const Value* ap = u.Find("auth-provider"); ap != nullptr && !ap->is_null()) {
    std::string provider;
    if (const Value* n = ap->Find("name"); n != nullptr && n->is_string()) {
      provider = *n->if_string();
    }
    return InvalidRequestError(where + ": auth-provider " + Quote(provider) +
                               " is not supported; configure an exec credential plugin "
                               "(users[].user.exec) instead, e.g. gke-gcloud-auth-plugin or "
                               "kubelogin");
  }
  for (std::string_view key : {"as", "as-uid", "as-groups", "as-user-extra"}) {
    const Value* v = u.Find(key);
    const bool unset = v == nullptr || v->is_null() ||
                       (v->is_string() && v->if_string()->empty()) ||
                       (!v->is_scalar() && v->size() == 0);
    if (!unset) {
      return InvalidRequestError(where + ": impersonation (" + std::string(key) +
                                 ") is not supported");
    }
  }
  AICR_ASSIGN_OR_RETURN(auth.token, StringField(u, "token", where));
  AICR_ASSIGN_OR_RETURN(std::string token_file, StringField(u, "tokenFile", where));
  auth.token_file = ResolveAgainst(token_file, entry.file);
  AICR_ASSIGN_OR_RETURN(auth.username, StringField(u, "username", where));
  AICR_ASSIGN_OR_RETURN(auth.password, StringField(u, "password", where));
  AICR_ASSIGN_OR_RETURN(
      auth.client_certificate_pem,
      DataOrFile(u, "client-certificate-data", "client-certificate", where, entry.file));
  AICR_ASSIGN_OR_RETURN(auth.client_key_pem,
                        DataOrFile(u, "client-key-data", "client-key", where, entry.file));
  if (auth.client_certificate_pem.empty() != auth.client_key_pem.empty()) {
    return InvalidRequestError(where + ": client-certificate and client-key must be set together");
  }
  const bool has_token = !auth.token.empty() || !auth.token_file.empty();
  const bool has_basic = !auth.username.empty() || !auth.password.empty();
  if (has_token && has_basic) {
    return InvalidRequestError(where +
                               ": more than one authentication method (token and basic auth); "
                               "only one is allowed");
  }
  if (const Value* e = u.Find("exec"); e != nullptr && !e->is_null()) {
    AICR_ASSIGN_OR_RETURN(auth.exec, ParseExec(*e, where, entry.file));
  }
  return OkStatus();
}

}  // namespace

std::vector<std::string> KubeconfigFiles(const KubeconfigOptions& options,
                                         std::string* looked_for) {
  if (!options.explicit_path.empty()) {
    if (looked_for != nullptr) {
      *looked_for = options.explicit_path + " (--kubeconfig)";
    }
    return {AbsolutePath(options.explicit_path)};
  }
  const EnvLookup env = options.env ? options.env : ProcessEnv();
  std::vector<std::string> files;
  std::optional<std::string> list = env("KUBECONFIG");
  if (list.has_value() && !list->empty()) {
    if (looked_for != nullptr) {
      *looked_for = "KUBECONFIG=" + *list;
    }
    std::set<std::string> seen;
    std::string_view rest = *list;
    while (true) {
      const std::size_t colon = rest.find(':');
      const std::string item(rest.substr(0, colon));
      if (!item.empty()) {
        const std::string abs = AbsolutePath(item);
        if (IsRegularFile(abs) && seen.insert(abs).second) {
          files.push_back(abs);
        }
      }
      if (colon == std::string_view::npos) {
        break;
      }
      rest.remove_prefix(colon + 1);
    }
    return files;
  }
  std::optional<std::string> home = env("HOME");
  if (!home.has_value() || home->empty()) {
    if (looked_for != nullptr) {
      *looked_for = "KUBECONFIG (unset) and $HOME/.kube/config (HOME unset)";
    }
    return files;
  }
  const std::string path = (fs::path(*home) / ".kube" / "config").string();
  if (looked_for != nullptr) {
    *looked_for = "KUBECONFIG (unset) and " + path;
  }
  if (IsRegularFile(path)) {
    files.push_back(AbsolutePath(path));
  }
  return files;
}

Result<Kubeconfig> LoadKubeconfig(const KubeconfigOptions& options) {
  Kubeconfig config;
  std::vector<std::string> files = KubeconfigFiles(options);
  if (!options.explicit_path.empty()) {
    std::error_code ec;
    if (!fs::exists(files.front(), ec)) {
      return NotFoundError("kubeconfig " + options.explicit_path + " (--kubeconfig) not found");
    }
  }
  for (const std::string& file : files) {
    AICR_RETURN_IF_ERROR(MergeFile(file, config));
  }
  return config;
}

Result<RestConfig> RestConfigFromKubeconfig(const Kubeconfig& config, std::string_view context) {
  const std::string files = FileList(config.files);
  std::string name(context);
  if (name.empty()) {
    name = config.current_context;
  }
  if (name.empty()) {
    return InvalidRequestError("no context selected: current-context is not set in " + files +
                               " (pass --context)");
  }
  auto ctx = config.contexts.find(name);
  if (ctx == config.contexts.end()) {
    return NotFoundError("context " + Quote(name) + " not found in " + files);
  }
  const std::string where = "context " + Quote(name) + " in " + ctx->second.file;
  const Value& c = ctx->second.value;
  AICR_ASSIGN_OR_RETURN(std::string cluster_name, StringField(c, "cluster", where));
  AICR_ASSIGN_OR_RETURN(std::string user_name, StringField(c, "user", where));
  RestConfig rc;
  AICR_ASSIGN_OR_RETURN(rc.ns, StringField(c, "namespace", where));
  if (rc.ns.empty()) {
    rc.ns = "default";
  }
  if (cluster_name.empty()) {
    return InvalidRequestError(where + ": no cluster");
  }
  auto cluster = config.clusters.find(cluster_name);
  if (cluster == config.clusters.end()) {
    return NotFoundError("cluster " + Quote(cluster_name) + " (of context " + Quote(name) +
                         ") not found in " + files);
  }
  AICR_RETURN_IF_ERROR(ApplyCluster(cluster_name, cluster->second, rc));
  if (!user_name.empty()) {
    auto user = config.users.find(user_name);
    if (user == config.users.end()) {
      return NotFoundError("user " + Quote(user_name) + " (of context " + Quote(name) +
                           ") not found in " + files);
    }
    AICR_RETURN_IF_ERROR(ApplyUser(user_name, user->second, rc));
    if (rc.auth.exec.has_value()) {
      AICR_ASSIGN_OR_RETURN(rc.auth.exec->cluster_config_json,
                            ExecClusterConfig(cluster_name, cluster->second));
    }
  }
  rc.source = "context " + Quote(name) + " in " + ctx->second.file;
  return rc;
}

Result<RestConfig> LoadRestConfig(const KubeconfigOptions& options) {
  AICR_ASSIGN_OR_RETURN(Kubeconfig config, LoadKubeconfig(options));
  if (config.files.empty()) {
    std::string looked_for;
    KubeconfigFiles(options, &looked_for);
    return NotFoundError("no kubeconfig found (looked for " + looked_for +
                         "); pass --kubeconfig or set KUBECONFIG");
  }
  return RestConfigFromKubeconfig(config, options.context);
}

Result<std::string> ReadSmallFile(const std::string& path, std::string_view what,
                                  std::size_t max_bytes) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    return InvalidRequestError(std::string(what) + ": cannot read " + path + ": is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return InvalidRequestError(std::string(what) + ": cannot read " + path + ": " +
                               ErrnoText(errno));
  }
  std::string data;
  char buf[16384];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    data.append(buf, static_cast<std::size_t>(in.gcount()));
    if (data.size() > max_bytes) {
      return InvalidRequestError(std::string(what) + ": " + path + " is larger than " +
                                 std::to_string(max_bytes) + " bytes");
    }
  }
  return data;
}

}  // namespace aicr::k8s
