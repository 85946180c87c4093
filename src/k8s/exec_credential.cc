#include "k8s/exec_credential.h"

#include <unistd.h>

#include <algorithm>
#include <mutex>
#include <utility>
#include <vector>

#include "base/base64.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "base/subprocess.h"
#include "k8s/kubeconfig.h"
#include "serialize/json_reader.h"
#include "serialize/json_writer.h"
#include "serialize/value.h"

namespace aicr::k8s {
namespace {

using serialize::Value;

constexpr std::size_t kMaxPluginStdout = std::size_t{4} * 1024 * 1024;
constexpr std::size_t kMaxPluginStderr = std::size_t{64} * 1024;
constexpr std::size_t kStderrLinesInErrors = 5;

std::string PluginName(const ExecConfig& exec) { return "exec plugin " + Quote(exec.command); }

// `exec plugin "cmd": <what>[: stderr: a; b][; <install hint>]`.
Status PluginError(const ExecConfig& exec, const std::string& what, std::string_view stderr_text) {
  std::string message = PluginName(exec) + ": " + what;
  std::vector<std::string> lines;
  std::string_view rest = stderr_text;
  while (!rest.empty() && lines.size() < kStderrLinesInErrors) {
    const std::size_t nl = rest.find('\n');
    std::string_view line = Trim(rest.substr(0, nl));
    if (!line.empty()) {
      lines.emplace_back(line);
    }
    if (nl == std::string_view::npos) {
      break;
    }
    rest.remove_prefix(nl + 1);
  }
  if (!lines.empty()) {
    message += ": stderr: " + Join(lines, "; ");
  }
  if (!exec.install_hint.empty()) {
    message += "; " + std::string(Trim(exec.install_hint));
  }
  return UnauthorizedError(std::move(message));
}

Result<std::string> StatusString(const Value& status, std::string_view key) {
  const Value* v = status.Find(key);
  if (v == nullptr || v->is_null()) {
    return std::string();
  }
  if (!v->is_string()) {
    return InvalidRequestError("status." + std::string(key) + ": expected string");
  }
  return *v->if_string();
}

bool ParseDigits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) {
    return false;
  }
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') {
      return false;
    }
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// Mutable state of the exec source, shared under one mutex.
class ExecSource : public CredentialSource {
 public:
  ExecSource(RestConfig config, ExecPluginOptions options)
      : config_(std::move(config)), options_(std::move(options)) {}

  Result<RequestCredentials> Get(const CancelToken& cancel) override {
    std::lock_guard<std::mutex> lock(mu_);
    const Clock& clock = options_.clock != nullptr ? *options_.clock : Clock::Real();
    if (!cached_.has_value() || (refresh_at_.has_value() && clock.Now() >= *refresh_at_)) {
      cached_.reset();
      AICR_ASSIGN_OR_RETURN(ExecCredential cred, RunExecPlugin(config_, options_, cancel));
      const auto now = clock.Now();
      refresh_at_.reset();
      if (cred.expiration.has_value()) {
        // Refresh ahead of expiry, but never sooner than half the lifetime.
        const auto lifetime = *cred.expiration - now;
        const auto skew = std::min<std::chrono::system_clock::duration>(
            options_.expiry_skew, std::max<std::chrono::system_clock::duration>(
                                      lifetime / 2, std::chrono::system_clock::duration::zero()));
        refresh_at_ = *cred.expiration - skew;
      }
      cached_ = std::move(cred);
    }
    RequestCredentials out;
    if (!cached_->token.empty()) {
      out.authorization = "Bearer " + cached_->token;
    }
    if (!cached_->client_certificate_pem.empty()) {
      out.client_certificate_pem = cached_->client_certificate_pem;
      out.client_key_pem = cached_->client_key_pem;
    } else {
      out.client_certificate_pem = config_.auth.client_certificate_pem;
      out.client_key_pem = config_.auth.client_key_pem;
    }
    return out;
  }

  void Invalidate() override {
    std::lock_guard<std::mutex> lock(mu_);
    cached_.reset();
    refresh_at_.reset();
  }

  bool Refreshable() const override { return true; }

 private:
  const RestConfig config_;
  const ExecPluginOptions options_;
  std::mutex mu_;
  std::optional<ExecCredential> cached_;
  std::optional<std::chrono::system_clock::time_point> refresh_at_;
};

}  // namespace

Result<std::chrono::system_clock::time_point> ParseRfc3339(std::string_view text) {
  const Status bad = InvalidRequestError("invalid RFC 3339 time " + Quote(text));
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (text.size() < 20 || !ParseDigits(text, 0, 4, year) || text[4] != '-' ||
      !ParseDigits(text, 5, 2, month) || text[7] != '-' || !ParseDigits(text, 8, 2, day) ||
      (text[10] != 'T' && text[10] != 't') || !ParseDigits(text, 11, 2, hour) || text[13] != ':' ||
      !ParseDigits(text, 14, 2, minute) || text[16] != ':' || !ParseDigits(text, 17, 2, second)) {
    return bad;
  }
  std::size_t pos = 19;
  std::chrono::nanoseconds fraction{0};
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::int64_t nanos = 0;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 9) {
        nanos = nanos * 10 + (text[pos] - '0');
        ++digits;
      }
      ++pos;
    }
    if (digits == 0) {
      return bad;
    }
    for (int i = digits; i < 9; ++i) {
      nanos *= 10;
    }
    fraction = std::chrono::nanoseconds(nanos);
  }
  int offset_minutes = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z') && pos + 1 == text.size()) {
    // UTC
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-') &&
             pos + 6 == text.size()) {
    int oh = 0, om = 0;
    if (!ParseDigits(text, pos + 1, 2, oh) || text[pos + 3] != ':' ||
        !ParseDigits(text, pos + 4, 2, om) || oh > 23 || om > 59) {
      return bad;
    }
    offset_minutes = (oh * 60 + om) * (text[pos] == '-' ? -1 : 1);
  } else {
    return bad;
  }
  const std::chrono::year_month_day ymd{std::chrono::year(year),
                                        std::chrono::month(static_cast<unsigned>(month)),
                                        std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 60) {
    return bad;
  }
  const auto tp = std::chrono::sys_days(ymd) + std::chrono::hours(hour) +
                  std::chrono::minutes(minute - offset_minutes) + std::chrono::seconds(second) +
                  fraction;
  return std::chrono::time_point_cast<std::chrono::system_clock::duration>(tp);
}

Result<std::string> BuildExecInfo(const RestConfig& config, bool interactive) {
  if (!config.auth.exec.has_value()) {
    return InvalidRequestError("no exec plugin configured");
  }
  const ExecConfig& exec = *config.auth.exec;
  Value spec = Value::EmptyMapping();
  spec.Set("interactive", interactive);
  if (exec.provide_cluster_info) {
    Value cluster = Value::EmptyMapping();
    cluster.Set("server", config.server);
    if (!config.tls_server_name.empty()) {
      cluster.Set("tls-server-name", config.tls_server_name);
    }
    if (config.insecure_skip_tls_verify) {
      cluster.Set("insecure-skip-tls-verify", true);
    }
    if (!config.ca_pem.empty()) {
      cluster.Set("certificate-authority-data", EncodeBase64(config.ca_pem));
    }
    if (!config.proxy_url.empty()) {
      cluster.Set("proxy-url", config.proxy_url);
    }
    if (!exec.cluster_config_json.empty()) {
      Result<Value> cfg = serialize::ParseJson(exec.cluster_config_json);
      if (!cfg.ok()) {
        return InvalidRequestError(PluginName(exec) +
                                   ": cluster config: " + cfg.status().message());
      }
      cluster.Set("config", std::move(cfg).value());
    }
    spec.Set("cluster", std::move(cluster));
  }
  Value info = Value::EmptyMapping();
  info.Set("apiVersion", exec.api_version);
  info.Set("kind", "ExecCredential");
  info.Set("spec", std::move(spec));
  return serialize::WriteJson(info,
                              {.sort_keys = true, .compact = true, .trailing_newline = false});
}

Result<ExecCredential> ParseExecCredential(std::string_view stdout_text, const ExecConfig& exec) {
  Result<Value> parsed = serialize::ParseJson(Trim(stdout_text));
  if (!parsed.ok()) {
    return InvalidRequestError("invalid ExecCredential on stdout: " + parsed.status().message());
  }
  const Value& doc = *parsed;
  if (!doc.is_mapping()) {
    return InvalidRequestError("invalid ExecCredential on stdout: expected a JSON object");
  }
  const Value* api_version = doc.Find("apiVersion");
  const std::string got =
      api_version != nullptr && api_version->is_string() ? *api_version->if_string() : "";
  if (got != exec.api_version) {
    return InvalidRequestError("plugin returned apiVersion " + Quote(got) + ", configured " +
                               Quote(exec.api_version));
  }
  const Value* kind = doc.Find("kind");
  if (kind == nullptr || kind->if_string() == nullptr || *kind->if_string() != "ExecCredential") {
    return InvalidRequestError("plugin returned a kind other than ExecCredential");
  }
  const Value* status = doc.Find("status");
  if (status == nullptr || !status->is_mapping()) {
    return InvalidRequestError("plugin returned no status");
  }
  ExecCredential cred;
  AICR_ASSIGN_OR_RETURN(cred.token, StatusString(*status, "token"));
  AICR_ASSIGN_OR_RETURN(cred.client_certificate_pem,
                        StatusString(*status, "clientCertificateData"));
  AICR_ASSIGN_OR_RETURN(cred.client_key_pem, StatusString(*status, "clientKeyData"));
  if (cred.client_certificate_pem.empty() != cred.client_key_pem.empty()) {
    return InvalidRequestError(
        "plugin returned only one of status.clientCertificateData and status.clientKeyData");
  }
  if (cred.token.empty() && cred.client_certificate_pem.empty()) {
    return InvalidRequestError("plugin returned neither a token nor a client certificate and key");
  }
  AICR_ASSIGN_OR_RETURN(std::string expiry, StatusString(*status, "expirationTimestamp"));
  if (!expiry.empty()) {
    Result<std::chrono::system_clock::time_point> t = ParseRfc3339(expiry);
    if (!t.ok()) {
      return InvalidRequestError("status.expirationTimestamp: " + t.status().message());
    }
    cred.expiration = *t;
  }
  return cred;
}

Result<ExecCredential> RunExecPlugin(const RestConfig& config, const ExecPluginOptions& options,
                                     const CancelToken& cancel) {
  if (!config.auth.exec.has_value()) {
    return InvalidRequestError("no exec plugin configured");
  }
  const ExecConfig& exec = *config.auth.exec;
  const std::string mode = exec.interactive_mode.empty() ? "IfAvailable" : exec.interactive_mode;
  const bool terminal = options.stdin_is_terminal.has_value() ? *options.stdin_is_terminal
                                                              : isatty(STDIN_FILENO) == 1;
  bool interactive = false;
  if (mode == "Always") {
    if (!terminal) {
      return PluginError(exec, "interactiveMode is Always but standard input is not a terminal",
                         "");
    }
    interactive = true;
  } else if (mode == "IfAvailable") {
    interactive = terminal;
  }
  AICR_ASSIGN_OR_RETURN(std::string exec_info, BuildExecInfo(config, interactive));

  SubprocessOptions sp;
  sp.argv.push_back(exec.command);
  sp.argv.insert(sp.argv.end(), exec.args.begin(), exec.args.end());
  sp.env_add = exec.env;
  sp.env_add.emplace_back("KUBERNETES_EXEC_INFO", exec_info);
  sp.stdin_mode = interactive ? SubprocessStdin::kInherit : SubprocessStdin::kNull;
  sp.forward_stderr = interactive;
  sp.max_stdout_bytes = kMaxPluginStdout;
  sp.max_stderr_bytes = kMaxPluginStderr;
  sp.timeout = options.timeout;
  Result<SubprocessResult> run = RunSubprocess(sp, cancel);
  if (!run.ok()) {
    if (run.status().code() == ErrorCode::kCanceled) {
      return run.status();
    }
    if (run.status().code() == ErrorCode::kNotFound) {
      return PluginError(exec, "executable not found", "");
    }
    return PluginError(exec, run.status().message(), "");
  }
  const SubprocessResult& r = *run;
  if (r.timed_out) {
    const auto ms = options.timeout.count();
    const std::string limit =
        ms % 1000 == 0 ? std::to_string(ms / 1000) + "s" : std::to_string(ms) + "ms";
    return PluginError(exec, "timed out after " + limit, r.err);
  }
  if (r.signal != 0) {
    return PluginError(exec, "killed by signal " + std::to_string(r.signal), r.err);
  }
  if (r.exit_code != 0) {
    return PluginError(exec, "exited with status " + std::to_string(r.exit_code), r.err);
  }
  if (r.out_truncated) {
    return PluginError(exec, "output larger than " + std::to_string(kMaxPluginStdout) + " bytes",
                       r.err);
  }
  Result<ExecCredential> cred = ParseExecCredential(r.out, exec);
  if (!cred.ok()) {
    return PluginError(exec, cred.status().message(), r.err);
  }
  return cred;
}

std::shared_ptr<CredentialSource> MakeExecCredentialSource(const RestConfig& config,
                                                           ExecPluginOptions options) {
  return std::make_shared<ExecSource>(config, std::move(options));
}

}  // namespace aicr::k8s
