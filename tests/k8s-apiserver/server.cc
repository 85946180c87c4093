#include "tests/k8s-apiserver/server.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/k8s-apiserver/yaml_json.h"

namespace aicr::testing::apiserver {
namespace {

using nlohmann::json;

constexpr const char* kServiceAccountToken = "aicr-test-serviceaccount-token";

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

std::string MetaField(const json& obj, const char* field) {
  if (obj.is_object() && obj.contains("metadata") && obj["metadata"].is_object() &&
      obj["metadata"].contains(field) && obj["metadata"][field].is_string()) {
    return obj["metadata"][field].get<std::string>();
  }
  return "";
}

}  // namespace

void WriteReply(httplib::Response& res, const Reply& reply) {
  res.status = reply.code;
  res.set_content(reply.body.dump(), "application/json");
}

/// The kubelet's view of the store.
class ApiServer::Sink : public ObjectSink {
 public:
  Sink(Store* store, Registry* registry) : store_(store), registry_(registry) {}
  bool Create(const json& obj, std::string* err) override {
    auto info = registry_->FindKind(obj.value("apiVersion", ""), obj.value("kind", ""));
    if (!info) {
      *err = "no resource for " + obj.value("apiVersion", "") + " " + obj.value("kind", "");
      return false;
    }
    WriteOptions options;
    options.manager = "kubelet";
    Reply r = store_->Create(*info, MetaField(obj, "namespace"), obj, options, true);
    if (!r.ok()) {
      *err = r.body.value("message", "create failed");
    }
    return r.ok();
  }
  bool UpdateStatus(const std::string& group, const std::string& resource, const std::string& ns,
                    const std::string& name, const json& status) override {
    return store_->UpdateStatus(group, resource, ns, name, status);
  }
  std::optional<json> Get(const std::string& group, const std::string& resource,
                          const std::string& ns, const std::string& name) override {
    return store_->Lookup(group, resource, ns, name);
  }

 private:
  Store* store_;
  Registry* registry_;
};

bool ParseFlags(int argc, char** argv, ServerConfig* out, std::string* err) {
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    std::string value;
    const std::size_t eq = flag.find('=');
    bool has_value = false;
    if (flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
      has_value = true;
    }
    auto next = [&](std::string* v) {
      if (has_value) {
        *v = value;
        return true;
      }
      if (i + 1 >= argc) {
        *err = "flag " + flag + " needs a value";
        return false;
      }
      *v = argv[++i];
      return true;
    };
    std::string v;
    if (!next(&v)) {
      return false;
    }
    if (flag == "--port") {
      out->port = std::atoi(v.c_str());
    } else if (flag == "--tls-cert") {
      out->tls_cert = v;
    } else if (flag == "--tls-key") {
      out->tls_key = v;
    } else if (flag == "--client-ca") {
      out->client_ca = v;
    } else if (flag == "--token") {
      out->tokens.push_back(v);
    } else if (flag == "--basic") {
      out->basics.push_back(v);
    } else if (flag == "--seed") {
      out->seeds.push_back(v);
    } else if (flag == "--image") {
      const std::size_t e = v.find('=');
      if (e == std::string::npos || e == 0) {
        *err = "--image wants IMAGE=COMMAND, got \"" + v + "\"";
        return false;
      }
      out->images[v.substr(0, e)] = v.substr(e + 1);
    } else if (flag == "--policy") {
      out->policy_file = v;
    } else if (flag == "--max-object-bytes") {
      out->max_object_bytes = std::strtoull(v.c_str(), nullptr, 10);
      if (out->max_object_bytes == 0) {
        *err = "--max-object-bytes must be positive";
        return false;
      }
    } else {
      *err = "unknown flag " + flag;
      return false;
    }
  }
  if (out->tls_cert.empty() != out->tls_key.empty()) {
    *err = "--tls-cert and --tls-key go together";
    return false;
  }
  if (!out->client_ca.empty() && out->tls_cert.empty()) {
    *err = "--client-ca needs --tls-cert and --tls-key";
    return false;
  }
  return true;
}

ApiServer::ApiServer(ServerConfig config)
    : config_(std::move(config)),
      store_(&registry_, config_.max_object_bytes),
      policy_(Policy::AllowAll()) {}

ApiServer::~ApiServer() {
  Stop();
  // Stop the kubelet's runners first: while they finish they still create
  // objects, whose store hook calls back into the kubelet.
  if (kubelet_ != nullptr) {
    kubelet_->Shutdown();
  }
  kubelet_.reset();
}

std::string ApiServer::url() const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

bool ApiServer::LoadSeedText(const std::string& text, std::string* err) {
  std::vector<json> docs;
  if (!ParseYamlDocuments(text, &docs, err)) {
    return false;
  }
  std::vector<json> objects;
  for (const json& d : docs) {
    if (d.is_object() && d.value("kind", "") == "List" && d.contains("items")) {
      for (const json& item : d["items"]) {
        objects.push_back(item);
      }
    } else {
      objects.push_back(d);
    }
  }
  auto rank = [](const json& o) {
    const std::string kind = o.is_object() ? o.value("kind", "") : "";
    return kind == "CustomResourceDefinition" ? 0 : kind == "Namespace" ? 1 : 2;
  };
  std::stable_sort(objects.begin(), objects.end(),
                   [&](const json& a, const json& b) { return rank(a) < rank(b); });
  for (const json& obj : objects) {
    if (!obj.is_object()) {
      *err = "seed document is not an object";
      return false;
    }
    auto info = registry_.FindKind(obj.value("apiVersion", ""), obj.value("kind", ""));
    if (!info) {
      *err =
          "seed: no resource serves " + obj.value("apiVersion", "") + " " + obj.value("kind", "");
      return false;
    }
    std::string ns = MetaField(obj, "namespace");
    if (info->namespaced && ns.empty()) {
      ns = "default";
    }
    if (info->namespaced && !store_.Lookup("", "namespaces", "", ns)) {
      auto ns_info = registry_.Find("", "v1", "namespaces");
      (void)store_.Create(
          *ns_info, "",
          json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}},
          WriteOptions{"seed"}, false);
    }
    WriteOptions options;
    options.manager = "seed";
    Reply r = store_.Create(*info, ns, obj, options, true);
    if (!r.ok()) {
      *err = "seed " + obj.value("kind", "") + " \"" + MetaField(obj, "name") +
             "\": " + r.body.value("message", "");
      return false;
    }
  }
  return true;
}

bool ApiServer::Start(std::string* err) {
  if (!config_.policy_file.empty() && !Policy::LoadFile(config_.policy_file, &policy_, err)) {
    *err = "policy " + config_.policy_file + ": " + *err;
    return false;
  }
  for (const std::string& t : config_.tokens) {
    if (!auth_.AddTokenFlag(t)) {
      *err = "--token wants TOKEN=USER[,GROUP...], got \"" + t + "\"";
      return false;
    }
  }
  for (const std::string& b : config_.basics) {
    if (!auth_.AddBasicFlag(b)) {
      *err = "--basic wants USER:PASSWORD=USER[,GROUP...], got \"" + b + "\"";
      return false;
    }
  }
  auth_.AddToken(kServiceAccountToken,
                 UserInfo{"system:serviceaccount:default:default",
                          {"system:serviceaccounts", "system:serviceaccounts:default"}});
  tls_ = !config_.tls_cert.empty();
  if (tls_) {
    const std::string cert = config_.tls_cert;
    const std::string key = config_.tls_key;
    const std::string ca = config_.client_ca;
    bool ctx_ok = true;
    auto server = std::make_unique<httplib::SSLServer>([&](SSL_CTX& ctx) {
      SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
      if (SSL_CTX_use_certificate_chain_file(&ctx, cert.c_str()) != 1 ||
          SSL_CTX_use_PrivateKey_file(&ctx, key.c_str(), SSL_FILETYPE_PEM) != 1 ||
          SSL_CTX_check_private_key(&ctx) != 1) {
        ctx_ok = false;
        return false;
      }
      if (!ca.empty()) {
        if (SSL_CTX_load_verify_locations(&ctx, ca.c_str(), nullptr) != 1) {
          ctx_ok = false;
          return false;
        }
        SSL_CTX_set_client_CA_list(&ctx, SSL_load_client_CA_file(ca.c_str()));
        // Optional client certificates: token users connect without one.
        SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER, [](int, X509_STORE_CTX*) { return 1; });
      }
      return true;
    });
    if (!ctx_ok || !server->is_valid()) {
      *err = "cannot load TLS certificate, key or client CA";
      return false;
    }
    http_ = std::move(server);
    if (!ca.empty()) {
      auth_.EnableClientCerts();
    }
  } else {
    http_ = std::make_unique<httplib::Server>();
  }
  http_->new_task_queue = [] { return new httplib::ThreadPool(96); };
  http_->set_payload_max_length(std::max<std::size_t>(config_.max_object_bytes * 2, 8u << 20));
  http_->set_keep_alive_timeout(30);
  http_->set_read_timeout(60);
  http_->set_write_timeout(60);
  auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    Dispatch(req, res);
  };
  for (const char* m : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
    const std::string method = m;
    if (method == "GET") {
      http_->Get(".*", handler);
    } else if (method == "POST") {
      http_->Post(".*", handler);
    } else if (method == "PUT") {
      http_->Put(".*", handler);
    } else if (method == "PATCH") {
      http_->Patch(".*", handler);
    } else {
      http_->Delete(".*", handler);
    }
  }
  sink_ = std::make_unique<Sink>(&store_, &registry_);
  kubelet_ = std::make_unique<Kubelet>(sink_.get(), config_.images);
  store_.SetHooks([this](const json& o) { kubelet_->OnCreated(o); },
                  [this](const json& o) { kubelet_->OnDeleted(o); });
  port_ = config_.port == 0 ? http_->bind_to_any_port("127.0.0.1")
                            : (http_->bind_to_port("127.0.0.1", config_.port) ? config_.port : -1);
  if (port_ <= 0) {
    *err = "cannot bind 127.0.0.1:" + std::to_string(config_.port);
    return false;
  }
  kubelet_->SetApiServerEnv({{"KUBERNETES_SERVICE_HOST", "127.0.0.1"},
                             {"KUBERNETES_SERVICE_PORT", std::to_string(port_)},
                             {"KUBERNETES_SERVICE_PORT_HTTPS", std::to_string(port_)}});
  std::string ca_pem;
  if (tls_) {
    (void)ReadFile(config_.client_ca.empty() ? config_.tls_cert : config_.client_ca, &ca_pem);
  }
  kubelet_->SetServiceAccount(kServiceAccountToken, ca_pem);
  kubelet_->SetApiServerUrl(url());
  for (const std::string& seed : config_.seeds) {
    std::string text;
    if (!ReadFile(seed, &text)) {
      *err = "cannot read seed " + seed;
      return false;
    }
    if (!LoadSeedText(text, err)) {
      *err = seed + ": " + *err;
      return false;
    }
  }
  return true;
}

void ApiServer::Serve() { http_->listen_after_bind(); }

void ApiServer::Stop() {
  if (stopping_.exchange(true)) {
    return;
  }
  store_.Shutdown();
  if (http_) {
    http_->stop();
  }
}

void ApiServer::CloseConnection(const httplib::Request& req) {
  // httplib does not expose the socket; find it by its address pair.
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) {
    return;
  }
  while (dirent* e = readdir(dir)) {
    const int fd = std::atoi(e->d_name);
    if (fd <= 2) {
      continue;
    }
    sockaddr_storage local{};
    sockaddr_storage peer{};
    socklen_t llen = sizeof(local);
    socklen_t plen = sizeof(peer);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &llen) != 0 ||
        getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &plen) != 0 ||
        local.ss_family != AF_INET || peer.ss_family != AF_INET) {
      continue;
    }
    const auto* l = reinterpret_cast<sockaddr_in*>(&local);
    const auto* p = reinterpret_cast<sockaddr_in*>(&peer);
    if (ntohs(l->sin_port) == port_ && ntohs(p->sin_port) == req.remote_port) {
      shutdown(fd, SHUT_RDWR);
    }
  }
  closedir(dir);
}

void ApiServer::Dispatch(const httplib::Request& req, httplib::Response& res) {
  // Streams (watch, log follow) must not be compressed; keep every answer plain.
  const_cast<httplib::Request&>(req).headers.erase("Accept-Encoding");
  if (req.path.rfind("/_test/", 0) == 0) {
    HandleAdmin(req, res);
    return;
  }
  std::optional<Fault> fault = faults_.Take(req.method, req.path);
  const auto user = auth_.Authenticate(req);
  std::string query;
  const std::size_t q = req.target.find('?');
  if (q != std::string::npos) {
    query = req.target.substr(q + 1);
  }
  log_.Add(json{{"method", req.method},
                {"path", req.path},
                {"query", query},
                {"user", user ? user->name : ""},
                {"userAgent", req.get_header_value("User-Agent")},
                {"authorization", req.get_header_value("Authorization")}});
  if (fault) {
    if (fault->delay_ms > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(fault->delay_ms));
    }
    if (fault->close_connection) {
      CloseConnection(req);
      res.status = 500;
      return;
    }
    if (fault->status > 0) {
      WriteReply(res, StatusError(fault->status, ReasonFor(fault->status),
                                  "injected fault: " + std::to_string(fault->status)));
      if (fault->retry_after > 0) {
        res.set_header("Retry-After", std::to_string(fault->retry_after));
      }
      if (!fault->truncate) {
        return;
      }
    }
  }
  if (!fault || fault->status == 0) {
    if (!user) {
      WriteReply(res, StatusError(401, "Unauthorized", "Unauthorized"));
    } else {
      HandleApi(req, res, *user);
    }
  }
  if (fault && fault->truncate && !res.body.empty()) {
    auto body = std::make_shared<std::string>(std::move(res.body));
    const std::string type = res.get_header_value("Content-Type");
    res.body.clear();
    res.set_content_provider(body->size(), type.empty() ? "application/json" : type,
                             [body](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                               const std::size_t half = body->size() / 2;
                               if (offset < half) {
                                 sink.write(body->data() + offset, half - offset);
                               }
                               return false;  // drop the connection after half the body
                             });
  }
}

void ApiServer::HandleAdmin(const httplib::Request& req, httplib::Response& res) {
  if (req.path == "/_test/seed" && req.method == "POST") {
    std::string err;
    if (!LoadSeedText(req.body, &err)) {
      WriteReply(res, BadRequest(err));
      return;
    }
    res.set_content("{\"ok\":true}", "application/json");
    return;
  }
  const json body = req.body.empty() ? json::object() : json::parse(req.body, nullptr, false);
  auto ok = [&res](const json& j = json{{"ok", true}}) {
    res.status = 200;
    res.set_content(j.dump(), "application/json");
  };
  auto bad = [&res](const std::string& msg) { WriteReply(res, BadRequest(msg)); };
  if (body.is_discarded()) {
    bad("body is not JSON");
    return;
  }
  if (req.path == "/_test/faults" && req.method == "POST") {
    std::string err;
    if (!faults_.Add(body, &err)) {
      bad(err);
      return;
    }
    ok();
  } else if (req.path == "/_test/faults" && req.method == "DELETE") {
    faults_.Clear();
    ok();
  } else if (req.path == "/_test/tokens" && req.method == "POST") {
    const std::string token = body.value("token", "");
    const std::string user = body.value("user", "");
    if (token.empty() || user.empty()) {
      bad("token and user are required");
      return;
    }
    UserInfo info{user, {}};
    for (const json& g : body.value("groups", json::array())) {
      if (g.is_string()) {
        info.groups.push_back(g.get<std::string>());
      }
    }
    auth_.AddToken(token, info);
    ok();
  } else if (req.path.rfind("/_test/tokens/", 0) == 0 && req.method == "DELETE") {
    auth_.RevokeToken(req.path.substr(std::string("/_test/tokens/").size()));
    ok();
  } else if (req.path == "/_test/watch/close" && req.method == "POST") {
    store_.CloseWatches();
    ok();
  } else if (req.path == "/_test/compact" && req.method == "POST") {
    store_.Compact();
    ok(json{{"ok", true}, {"resourceVersion", std::to_string(store_.CurrentRv())}});
  } else if (req.path == "/_test/requests" && req.method == "GET") {
    ok(log_.Dump());
  } else if (req.path == "/_test/requests" && req.method == "DELETE") {
    log_.Clear();
    ok();
  } else {
    WriteReply(res,
               StatusError(404, "NotFound", "no test endpoint " + req.method + " " + req.path));
  }
}

}  // namespace aicr::testing::apiserver
