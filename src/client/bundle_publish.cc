#include "client/bundle_publish.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <random>
#include <utility>
#include <vector>

#include "base/log.h"
#include "base/status_macros.h"
#include "client/bundle_attest.h"
#include "oci/manifest.h"
#include "oci/push.h"
#include "serialize/yaml_reader.h"

namespace aicr::client {
namespace {

namespace fs = std::filesystem;

constexpr char kChecksumsPath[] = "checksums.txt";

bool IsAttestationPath(const std::string& path) { return path.rfind("attestation/", 0) == 0; }

std::vector<oci::BundleFile> BundleFiles(const layout::FileTree& tree, bool include_attestation) {
  std::vector<oci::BundleFile> files;
  for (const auto& [path, file] : tree.files()) {
    if (!include_attestation && IsAttestationPath(path)) {
      continue;
    }
    files.push_back({.path = path, .bytes = file.bytes, .executable = (file.mode & 0111) != 0});
  }
  return files;
}

// Whether `inner` is `outer` or lies below it (both absolute, normalised).
bool IsWithin(const fs::path& inner, const fs::path& outer) {
  auto i = inner.begin();
  for (auto o = outer.begin(); o != outer.end(); ++o, ++i) {
    if (o->empty()) {
      continue;
    }
    if (i == inner.end() || *i != *o) {
      return false;
    }
  }
  return true;
}

Status CheckImageRefsPath(const std::string& path, const std::string& local_dir) {
  const std::string what = "--image-refs \"" + path + "\": ";
  struct stat st {};
  if (lstat(path.c_str(), &st) == 0) {
    if (S_ISLNK(st.st_mode)) {
      return InvalidRequestError(what + "must not be a symlink");
    }
    if (!S_ISREG(st.st_mode)) {
      return InvalidRequestError(what + "not a regular file");
    }
  }
  std::error_code ec;
  const fs::path abs = fs::weakly_canonical(fs::absolute(path, ec), ec);
  if (ec) {
    return InvalidRequestError(what + ec.message());
  }
  const fs::path bundle = fs::weakly_canonical(fs::absolute(local_dir, ec), ec);
  if (!ec && IsWithin(abs, bundle)) {
    return InvalidRequestError(what + "must lie outside the bundle directory \"" + local_dir +
                               "\"");
  }
  const fs::path parent = abs.parent_path();
  if (!fs::is_directory(parent, ec)) {
    return InvalidRequestError(what + "parent directory \"" + parent.string() +
                               "\" does not exist");
  }
  return OkStatus();
}

}  // namespace

bool IsOciOutput(const std::string& output) { return output.rfind(oci::kOciScheme, 0) == 0; }

Result<std::optional<OciPublishPlan>> PrepareOciPublish(const BundlePublishRequest& request,
                                                        const std::string& deployer,
                                                        const std::string& version) {
  if (!IsOciOutput(request.output)) {
    const std::vector<std::pair<const char*, bool>> oci_only = {
        {"image-refs", !request.image_refs.empty()},
        {"plain-http", request.plain_http},
        {"insecure-tls", request.insecure_tls},
    };
    for (const auto& [flag, given] : oci_only) {
      if (given) {
        return InvalidRequestError(std::string("--") + flag + " requires an oci:// --output");
      }
    }
    return std::optional<OciPublishPlan>();
  }
  OciPublishPlan plan;
  AICR_ASSIGN_OR_RETURN(plan.target, oci::ParseReference(request.output));
  if (!plan.target.digest.empty()) {
    return InvalidRequestError("--output " + request.output +
                               ": a push target cannot pin a digest; give a tag or none");
  }
  if (plan.target.tag.empty()) {
    plan.target.tag = version;
    if (!oci::IsValidTag(plan.target.tag)) {
      return InvalidRequestError("--output " + request.output + ": the default tag (aicr version " +
                                 version + ") is not a valid OCI tag; give one explicitly");
    }
  }
  plan.helm_chart = deployer == "argocd-helm";
  if (plan.helm_chart) {
    Result<std::string> chart_version = oci::HelmChartVersionFromTag(plan.target.tag);
    if (!chart_version.ok()) {
      return InvalidRequestError(
          "--output " + request.output +
          ": an argocd-helm chart needs a semver tag: " + chart_version.status().message());
    }
  }
  plan.local_dir = request.local_dir.empty() ? kOciLocalBundleDir : request.local_dir;
  plan.image_refs = request.image_refs;
  if (!plan.image_refs.empty()) {
    AICR_RETURN_IF_ERROR(CheckImageRefsPath(plan.image_refs, plan.local_dir));
  }
  plan.registry.plain_http = request.plain_http;
  plan.registry.insecure_tls = request.insecure_tls;
  return std::optional<OciPublishPlan>(std::move(plan));
}

Status CheckOciTree(const OciPublishPlan& plan, const layout::FileTree& tree) {
  if (tree.Find(kChecksumsPath) == nullptr) {
    return InternalError("bundle has no checksums.txt");
  }
  if (!plan.helm_chart) {
    return OkStatus();
  }
  const layout::File* chart = tree.Find("Chart.yaml");
  if (chart == nullptr) {
    return InternalError("argocd-helm bundle has no Chart.yaml");
  }
  AICR_ASSIGN_OR_RETURN(serialize::Value doc, serialize::ParseYaml(chart->bytes));
  const serialize::Value* name = doc.is_mapping() ? doc.Find("name") : nullptr;
  if (name == nullptr || name->if_string() == nullptr) {
    return InternalError("argocd-helm bundle Chart.yaml has no name");
  }
  const std::string& repo = plan.target.repository;
  const std::string base = repo.substr(repo.rfind('/') + 1);
  if (base != *name->if_string()) {
    return InvalidRequestError(
        "--output oci://" + plan.target.String() + ": the repository basename \"" + base +
        "\" must equal the chart name \"" + *name->if_string() + "\" (push to oci://" +
        plan.target.registry + "/" + repo.substr(0, repo.size() - base.size()) +
        *name->if_string() + ":" + plan.target.tag + ")");
  }
  return OkStatus();
}

Result<OciPublishResult> PushBundleTree(const OciPublishPlan& plan, const layout::FileTree& tree,
                                        const std::string& version) {
  oci::PushResult pushed;
  if (plan.helm_chart) {
    AICR_ASSIGN_OR_RETURN(pushed,
                          oci::PushHelmChart(plan.target, BundleFiles(tree, false), plan.registry));
  } else {
    AICR_ASSIGN_OR_RETURN(
        pushed, oci::PushBundle(plan.target, BundleFiles(tree, false), version, plan.registry));
  }
  OciPublishResult out;
  out.pinned = pushed.pinned.String();
  oci::Reference tagged = plan.target;
  tagged.tag = pushed.tag.empty() ? plan.target.tag : pushed.tag;
  out.tagged = tagged.String();
  if (const layout::File* sig = tree.Find(kBundleAttestationPath); sig != nullptr) {
    AICR_ASSIGN_OR_RETURN(oci::PushResult referrer,
                          oci::PushReferrer(plan.target, pushed, oci::kMediaTypeSigstoreBundle,
                                            sig->bytes, plan.registry));
    out.referrer_digest = referrer.digest;
  }
  if (!plan.image_refs.empty()) {
    AICR_RETURN_IF_ERROR(WritePrivateFileAtomic(plan.image_refs, out.pinned + "\n"));
  }
  return out;
}

Status WritePrivateFileAtomic(const std::string& path, const std::string& content) {
  struct stat st {};
  if (lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    return InvalidRequestError(
        "\"" + path +
        "\": " + (S_ISLNK(st.st_mode) ? "must not be a symlink" : "not a regular file"));
  }
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::random_device rd;
  const fs::path tmp = dir / ("." + target.filename().string() + ".tmp-" + std::to_string(rd()) +
                              std::to_string(rd()));
  const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return UnavailableError("\"" + path + "\": create temporary file: " + std::strerror(errno));
  }
  auto fail = [&](const char* step) {
    const int err = errno;
    close(fd);
    unlink(tmp.c_str());
    return UnavailableError("\"" + path + "\": " + step + ": " + std::strerror(err));
  };
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return fail("write");
    }
    done += static_cast<std::size_t>(n);
  }
  if (fchmod(fd, 0600) != 0) {
    return fail("chmod");
  }
  if (fsync(fd) != 0) {
    return fail("fsync");
  }
  if (close(fd) != 0) {
    unlink(tmp.c_str());
    return UnavailableError("\"" + path + "\": close: " + std::strerror(errno));
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    unlink(tmp.c_str());
    return UnavailableError("\"" + path + "\": rename: " + std::strerror(err));
  }
  return OkStatus();
}

}  // namespace aicr::client
