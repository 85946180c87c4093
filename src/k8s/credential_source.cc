#include <sys/stat.h>

#include <cerrno>
#include <mutex>
#include <optional>
#include <utility>

#include "base/base64.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "k8s/credentials.h"
#include "k8s/exec_credential.h"
#include "k8s/in_cluster.h"
#include "k8s/kubeconfig.h"

namespace aicr::k8s {
namespace {

constexpr std::size_t kMaxTokenBytes = std::size_t{64} * 1024;

class StaticSource : public CredentialSource {
 public:
  explicit StaticSource(RequestCredentials creds) : creds_(std::move(creds)) {}
  Result<RequestCredentials> Get(const CancelToken& cancel) override {
    AICR_RETURN_IF_ERROR(cancel.Check());
    return creds_;
  }
  void Invalidate() override {}
  bool Refreshable() const override { return false; }

 private:
  const RequestCredentials creds_;
};

class TokenFileSource : public CredentialSource {
 public:
  TokenFileSource(std::string path, std::chrono::milliseconds max_age, std::string cert,
                  std::string key)
      : path_(std::move(path)), max_age_(max_age), cert_(std::move(cert)), key_(std::move(key)) {}

  Result<RequestCredentials> Get(const CancelToken& cancel) override {
    AICR_RETURN_IF_ERROR(cancel.Check());
    std::lock_guard<std::mutex> lock(mu_);
    struct stat st {};
    const bool stat_ok = stat(path_.c_str(), &st) == 0;
    const auto now = std::chrono::steady_clock::now();
    const bool changed = stat_ok && (st.st_mtim.tv_sec != mtime_.tv_sec ||
                                     st.st_mtim.tv_nsec != mtime_.tv_nsec || st.st_size != size_);
    if (token_.empty() || changed || now - read_at_ >= max_age_) {
      Status s = Reload(stat_ok, st, now);
      if (!s.ok() && token_.empty()) {
        return s;
      }
    }
    RequestCredentials out;
    out.authorization = "Bearer " + token_;
    out.client_certificate_pem = cert_;
    out.client_key_pem = key_;
    return out;
  }

  void Invalidate() override {
    std::lock_guard<std::mutex> lock(mu_);
    read_at_ = {};  // forces a re-read; the old token stays as a fallback
  }

  bool Refreshable() const override { return true; }

 private:
  Status Reload(bool stat_ok, const struct stat& st, std::chrono::steady_clock::time_point now) {
    if (!stat_ok) {
      return UnauthorizedError("token file " + path_ + ": " + ErrnoText(errno));
    }
    Result<std::string> text = ReadSmallFile(path_, "token file", kMaxTokenBytes);
    if (!text.ok()) {
      return UnauthorizedError(text.status().message());
    }
    const std::string token(Trim(*text));
    if (token.empty()) {
      return UnauthorizedError("token file " + path_ + " is empty");
    }
    token_ = token;
    mtime_ = st.st_mtim;
    size_ = st.st_size;
    read_at_ = now;
    return OkStatus();
  }

  const std::string path_;
  const std::chrono::milliseconds max_age_;
  const std::string cert_;
  const std::string key_;
  std::mutex mu_;
  std::string token_;
  timespec mtime_{};
  off_t size_ = -1;
  std::chrono::steady_clock::time_point read_at_{};
};

}  // namespace

std::shared_ptr<CredentialSource> MakeTokenFileCredentialSource(std::string path,
                                                                std::chrono::milliseconds max_age) {
  return std::make_shared<TokenFileSource>(std::move(path), max_age, "", "");
}

Result<std::shared_ptr<CredentialSource>> MakeCredentialSource(const RestConfig& config) {
  const AuthConfig& auth = config.auth;
  if (auth.client_certificate_pem.empty() != auth.client_key_pem.empty()) {
    return InvalidRequestError(
        (config.source.empty() ? std::string("credentials") : config.source) +
        ": a client certificate needs its key");
  }
  if (auth.exec.has_value()) {
    return MakeExecCredentialSource(config);
  }
  if (!auth.token_file.empty()) {
    return std::shared_ptr<CredentialSource>(
        std::make_shared<TokenFileSource>(auth.token_file, std::chrono::minutes(1),
                                          auth.client_certificate_pem, auth.client_key_pem));
  }
  RequestCredentials creds;
  creds.client_certificate_pem = auth.client_certificate_pem;
  creds.client_key_pem = auth.client_key_pem;
  if (!auth.token.empty()) {
    creds.authorization = "Bearer " + auth.token;
  } else if (!auth.username.empty() || !auth.password.empty()) {
    creds.authorization = "Basic " + EncodeBase64(auth.username + ":" + auth.password);
  }
  return std::shared_ptr<CredentialSource>(std::make_shared<StaticSource>(std::move(creds)));
}

}  // namespace aicr::k8s
