#include "oci/push.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "archive/tar.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "checksum/walk.h"
#include "serialize/json_writer.h"
#include "serialize/value.h"
#include "serialize/yaml_reader.h"

namespace aicr::oci {
namespace {

std::vector<archive::TarFile> ToTarFiles(const std::vector<BundleFile>& files) {
  std::vector<archive::TarFile> out;
  out.reserve(files.size());
  for (const BundleFile& f : files) {
    out.push_back({f.path, f.bytes, f.executable});
  }
  return out;
}

Descriptor EmptyConfig() { return DescriptorFor(kMediaTypeEmptyJson, kEmptyJson); }

PushResult ResultFor(const Reference& target, const std::string& manifest,
                     const std::string& digest, const std::string& tag) {
  PushResult r;
  r.digest = digest;
  r.size = static_cast<std::int64_t>(manifest.size());
  r.pinned = target;
  r.pinned.tag.clear();
  r.pinned.digest = digest;
  r.tag = tag;
  return r;
}

// ---- semver -----------------------------------------------------------------

bool IsNumericIdentifier(std::string_view s) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string_view::npos) {
    return false;
  }
  return s.size() == 1 || s.front() != '0';
}

/// Dot-separated identifiers of [0-9A-Za-z-]; numeric ones without leading zeros
/// when `numeric_rule`.
bool IsIdentifierList(std::string_view s, bool numeric_rule) {
  if (s.empty()) {
    return false;
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = s.find('.', start);
    const std::string_view id =
        s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (id.empty()) {
      return false;
    }
    for (const char c : id) {
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            c == '-')) {
        return false;
      }
    }
    if (numeric_rule && id.find_first_not_of("0123456789") == std::string_view::npos &&
        !IsNumericIdentifier(id)) {
      return false;
    }
    if (dot == std::string_view::npos) {
      return true;
    }
    start = dot + 1;
  }
}

bool IsStrictSemver(std::string_view v) {
  std::string_view core = v;
  std::string_view pre;
  std::string_view build;
  if (const std::size_t plus = core.find('+'); plus != std::string_view::npos) {
    build = core.substr(plus + 1);
    core = core.substr(0, plus);
    if (!IsIdentifierList(build, false)) {
      return false;
    }
  }
  if (const std::size_t dash = core.find('-'); dash != std::string_view::npos) {
    pre = core.substr(dash + 1);
    core = core.substr(0, dash);
    if (!IsIdentifierList(pre, true)) {
      return false;
    }
  }
  int parts = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = core.find('.', start);
    if (!IsNumericIdentifier(core.substr(
            start, dot == std::string_view::npos ? std::string_view::npos : dot - start))) {
      return false;
    }
    ++parts;
    if (dot == std::string_view::npos) {
      break;
    }
    start = dot + 1;
  }
  return parts == 3;
}

// ---- Chart.yaml ---------------------------------------------------------------

/// The raw text of a top-level `key: value` line (unquoted), or "".
std::string TopLevelRaw(std::string_view yaml, std::string_view key) {
  std::size_t pos = 0;
  while (pos < yaml.size()) {
    std::size_t eol = yaml.find('\n', pos);
    if (eol == std::string_view::npos) {
      eol = yaml.size();
    }
    const std::string_view line = yaml.substr(pos, eol - pos);
    if (line.size() > key.size() && line.substr(0, key.size()) == key && line[key.size()] == ':') {
      std::string_view v = Trim(line.substr(key.size() + 1));
      if (const std::size_t hash = v.find(" #"); hash != std::string_view::npos) {
        v = Trim(v.substr(0, hash));
      }
      if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) {
        v = v.substr(1, v.size() - 2);
      }
      return std::string(v);
    }
    pos = eol + 1;
  }
  return "";
}

/// Chart.yaml with its top-level `version:` line replaced (or appended).
std::string RewriteChartVersion(std::string_view yaml, const std::string& version) {
  std::string out;
  bool replaced = false;
  std::size_t pos = 0;
  while (pos < yaml.size()) {
    std::size_t eol = yaml.find('\n', pos);
    const bool has_nl = eol != std::string_view::npos;
    if (!has_nl) {
      eol = yaml.size();
    }
    std::string_view line = yaml.substr(pos, eol - pos);
    if (!replaced && line.substr(0, 8) == "version:") {
      const bool cr = !line.empty() && line.back() == '\r';
      out += "version: " + version + (cr ? "\r" : "");
      replaced = true;
    } else {
      out += line;
    }
    if (has_nl) {
      out += '\n';
    }
    pos = eol + 1;
  }
  if (!replaced) {
    if (!out.empty() && out.back() != '\n') {
      out += '\n';
    }
    out += "version: " + version + "\n";
  }
  return out;
}

struct ChartMeta {
  std::string api_version, name, description, type, app_version;
};

Result<ChartMeta> ReadChartMeta(const std::string& yaml) {
  auto doc = serialize::ParseYaml(yaml);
  if (!doc.ok()) {
    return InvalidRequestError("helm chart: Chart.yaml: " + doc.status().message());
  }
  if (!doc->is_mapping()) {
    return InvalidRequestError("helm chart: Chart.yaml is not a mapping");
  }
  auto text = [&](std::string_view key) -> std::string {
    const serialize::Value* v = doc->Find(key);
    if (v == nullptr || v->is_null()) {
      return "";
    }
    if (v->is_string()) {
      return *v->if_string();
    }
    return TopLevelRaw(yaml, key);  // keep `1.10` as written
  };
  ChartMeta m;
  m.api_version = text("apiVersion");
  m.name = text("name");
  m.description = text("description");
  m.type = text("type");
  m.app_version = text("appVersion");
  if (m.name.empty()) {
    return InvalidRequestError("helm chart: Chart.yaml has no name");
  }
  if (m.api_version.empty()) {
    return InvalidRequestError("helm chart " + Quote(m.name) + ": Chart.yaml has no apiVersion");
  }
  return m;
}

std::string HelmConfigJson(const ChartMeta& m, const std::string& version) {
  serialize::Mapping j;
  j.Set("apiVersion", serialize::Value(m.api_version));
  j.Set("name", serialize::Value(m.name));
  j.Set("version", serialize::Value(version));
  if (!m.description.empty()) {
    j.Set("description", serialize::Value(m.description));
  }
  if (!m.type.empty()) {
    j.Set("type", serialize::Value(m.type));
  }
  if (!m.app_version.empty()) {
    j.Set("appVersion", serialize::Value(m.app_version));
  }
  serialize::JsonWriteOptions o;
  o.compact = true;
  o.trailing_newline = false;
  auto out = serialize::WriteJson(serialize::Value(std::move(j)), o);
  return out.ok() ? *out : std::string("{}");
}

std::string Basename(std::string_view repo) {
  const std::size_t slash = repo.rfind('/');
  return std::string(slash == std::string_view::npos ? repo : repo.substr(slash + 1));
}

Status CheckPushTarget(const Reference& target, std::string_view what) {
  if (!target.digest.empty()) {
    return InvalidRequestError(std::string(what) + ": target " + Quote(target.String()) +
                               " must not carry a digest (a push names a tag)");
  }
  if (target.registry.empty() || target.repository.empty()) {
    return InvalidRequestError(std::string(what) + ": target has no registry or repository");
  }
  return OkStatus();
}

}  // namespace

Result<std::vector<BundleFile>> CollectBundleFiles(const std::string& dir,
                                                   std::uint64_t max_total_bytes) {
  try {
    AICR_ASSIGN_OR_RETURN(const checksum::UniqueFd root, checksum::OpenDirNoFollow(dir));
    std::vector<BundleFile> files;
    std::uint64_t total = 0;
    Status error;
    checksum::WalkVisitor visitor;
    visitor.on_entry = [&](const checksum::WalkEntry& e) -> checksum::WalkAction {
      if (!error.ok()) {
        return checksum::WalkAction::kSkip;
      }
      if (S_ISDIR(e.st.st_mode)) {
        return checksum::WalkAction::kDescend;
      }
      if (!S_ISREG(e.st.st_mode)) {
        error = InvalidRequestError("bundle " + Quote(dir) + ": " + Quote(e.path) + " is a " +
                                    checksum::FileTypeName(e.st) + ", not a regular file");
        return checksum::WalkAction::kSkip;
      }
      auto fd = checksum::OpenRegularNoFollow(e.dir_fd, std::string(e.name), e.path);
      if (!fd.ok()) {
        error = fd.status();
        return checksum::WalkAction::kSkip;
      }
      BundleFile f;
      f.path = e.path;
      f.executable = (e.st.st_mode & S_IXUSR) != 0;
      char buf[64 * 1024];
      while (true) {
        const ssize_t n = read(fd->get(), buf, sizeof(buf));
        if (n < 0 && errno == EINTR) {
          continue;
        }
        if (n < 0) {
          error = UnavailableError("bundle " + Quote(dir) + ": read " + Quote(e.path) + ": " +
                                   ErrnoText(errno));
          return checksum::WalkAction::kSkip;
        }
        if (n == 0) {
          break;
        }
        total += static_cast<std::uint64_t>(n);
        if (total > max_total_bytes) {
          error = InvalidRequestError("bundle " + Quote(dir) + " holds more than " +
                                      std::to_string(max_total_bytes) + " bytes");
          return checksum::WalkAction::kSkip;
        }
        f.bytes.append(buf, static_cast<std::size_t>(n));
      }
      files.push_back(std::move(f));
      return checksum::WalkAction::kSkip;
    };
    AICR_RETURN_IF_ERROR(checksum::WalkNoFollow(root.get(), visitor));
    AICR_RETURN_IF_ERROR(error);
    std::sort(files.begin(), files.end(),
              [](const BundleFile& a, const BundleFile& b) { return a.path < b.path; });
    return files;
  } catch (const std::exception& e) {
    return InternalError("bundle " + Quote(dir) + ": " + e.what());
  }
}

Result<BundleArtifact> BuildBundleArtifact(const std::vector<BundleFile>& files,
                                           std::string_view version) {
  if (files.empty()) {
    return InvalidRequestError("oci bundle: no files to push");
  }
  BundleArtifact a;
  auto layer = archive::WriteTarGz(ToTarFiles(files));
  if (!layer.ok()) {
    return layer.status().WithContext("oci bundle");
  }
  a.layer = std::move(*layer);
  a.config = std::string(kEmptyJson);
  Manifest m;
  m.artifact_type = std::string(kArtifactTypeAicr);
  m.config = EmptyConfig();
  Descriptor layer_desc = DescriptorFor(kMediaTypeImageLayerGzip, a.layer);
  layer_desc.annotations[std::string(kAnnotationTitle)] = std::string(kBundleLayerName);
  m.layers.push_back(std::move(layer_desc));
  m.annotations[std::string(kAnnotationCreated)] = std::string(kReproducibleCreated);
  m.annotations[std::string(kAnnotationVersion)] = std::string(version);
  m.annotations[std::string(kAnnotationVendor)] = std::string(kVendor);
  m.annotations[std::string(kAnnotationTitle)] = std::string(kBundleTitle);
  m.annotations[std::string(kAnnotationSource)] = std::string(kSourceUrl);
  a.manifest = EncodeManifest(m);
  a.digest = DigestOf(a.manifest);
  return a;
}

Result<PushResult> PushBundle(const Reference& target, const std::vector<BundleFile>& files,
                              std::string_view version, const RegistryOptions& options) {
  try {
    AICR_RETURN_IF_ERROR(CheckPushTarget(target, "oci bundle"));
    AICR_ASSIGN_OR_RETURN(const BundleArtifact a, BuildBundleArtifact(files, version));
    RegistryClient client(target, options);
    AICR_RETURN_IF_ERROR(client.PushBlob(kMediaTypeEmptyJson, a.config).status());
    AICR_RETURN_IF_ERROR(client.PushBlob(kMediaTypeImageLayerGzip, a.layer).status());
    const std::string ref = target.tag.empty() ? a.digest : target.tag;
    AICR_RETURN_IF_ERROR(client.PutManifest(ref, kMediaTypeImageManifest, a.manifest).status());
    return ResultFor(target, a.manifest, a.digest, target.tag);
  } catch (const std::exception& e) {
    return InternalError(std::string("oci bundle: ") + e.what());
  }
}

Result<std::string> HelmChartVersionFromTag(std::string_view tag) {
  std::string v(tag);
  if (!v.empty() && v.front() == 'v') {
    v.erase(0, 1);
  }
  if (std::count(v.begin(), v.end(), '_') > 1) {
    return InvalidRequestError("helm chart tag " + Quote(tag) +
                               ": at most one '_' (standing for '+') is allowed");
  }
  std::replace(v.begin(), v.end(), '_', '+');
  if (!IsStrictSemver(v)) {
    return InvalidRequestError(
        "helm chart tag " + Quote(tag) +
        " is not a strict semantic version (MAJOR.MINOR.PATCH[-pre][+build], "
        "optional leading 'v', '+' written as '_')");
  }
  return v;
}

Result<PushResult> PushHelmChart(const Reference& target,
                                 const std::vector<BundleFile>& chart_files,
                                 const RegistryOptions& options) {
  try {
    AICR_RETURN_IF_ERROR(CheckPushTarget(target, "helm chart"));
    if (target.tag.empty()) {
      return InvalidRequestError("helm chart: target " + Quote(target.String()) +
                                 " needs a tag (the chart version)");
    }
    AICR_ASSIGN_OR_RETURN(const std::string version, HelmChartVersionFromTag(target.tag));
    std::string registry_tag = version;
    std::replace(registry_tag.begin(), registry_tag.end(), '+', '_');

    std::vector<archive::TarFile> files = ToTarFiles(chart_files);
    auto chart_yaml = std::find_if(files.begin(), files.end(), [](const archive::TarFile& f) {
      return f.path == "Chart.yaml";
    });
    if (chart_yaml == files.end()) {
      return InvalidRequestError("helm chart: no Chart.yaml at the chart root");
    }
    AICR_ASSIGN_OR_RETURN(const ChartMeta meta, ReadChartMeta(chart_yaml->bytes));
    if (Basename(target.repository) != meta.name) {
      return InvalidRequestError("helm chart " + Quote(meta.name) + ": repository basename " +
                                 Quote(Basename(target.repository)) + " must equal the chart name");
    }
    chart_yaml->bytes = RewriteChartVersion(chart_yaml->bytes, version);
    auto layer = archive::WriteTarGz(std::move(files), meta.name);
    if (!layer.ok()) {
      return layer.status().WithContext("helm chart " + Quote(meta.name));
    }
    const std::string config = HelmConfigJson(meta, version);
    Manifest m;
    m.config = DescriptorFor(kMediaTypeHelmConfig, config);
    m.layers.push_back(DescriptorFor(kMediaTypeHelmChart, *layer));
    m.annotations[std::string(kAnnotationCreated)] = std::string(kReproducibleCreated);
    m.annotations[std::string(kAnnotationTitle)] = meta.name;
    m.annotations[std::string(kAnnotationVersion)] = version;
    if (!meta.description.empty()) {
      m.annotations[std::string(kAnnotationDescription)] = meta.description;
    }
    const std::string manifest = EncodeManifest(m);
    const std::string digest = DigestOf(manifest);

    RegistryClient client(target, options);
    AICR_RETURN_IF_ERROR(client.PushBlob(kMediaTypeHelmConfig, config).status());
    AICR_RETURN_IF_ERROR(client.PushBlob(kMediaTypeHelmChart, *layer).status());
    AICR_RETURN_IF_ERROR(
        client.PutManifest(registry_tag, kMediaTypeImageManifest, manifest).status());
    return ResultFor(target, manifest, digest, registry_tag);
  } catch (const std::exception& e) {
    return InternalError(std::string("helm chart: ") + e.what());
  }
}

Result<PushResult> PushReferrer(const Reference& repo, const PushResult& subject,
                                std::string_view artifact_type, std::string_view blob,
                                const RegistryOptions& options) {
  try {
    if (!IsValidDigest(subject.digest) || subject.size <= 0) {
      return InvalidRequestError("oci referrer: subject has no valid digest and size");
    }
    if (artifact_type.empty() || artifact_type.find('/') == std::string_view::npos) {
      return InvalidRequestError("oci referrer: invalid artifact type " + Quote(artifact_type));
    }
    Manifest m;
    m.artifact_type = std::string(artifact_type);
    m.config = EmptyConfig();
    m.layers.push_back(DescriptorFor(artifact_type, blob));
    Descriptor subj;
    subj.media_type =
        subject.media_type.empty() ? std::string(kMediaTypeImageManifest) : subject.media_type;
    subj.digest = subject.digest;
    subj.size = subject.size;
    m.subject = subj;
    m.annotations[std::string(kAnnotationVendor)] = std::string(kVendor);
    m.annotations[std::string(kAnnotationCreated)] = std::string(kReproducibleCreated);
    const std::string manifest = EncodeManifest(m);
    const std::string digest = DigestOf(manifest);
    const std::string tag = digest.substr(7);

    RegistryClient client(repo, options);
    AICR_RETURN_IF_ERROR(client.PushBlob(kMediaTypeEmptyJson, kEmptyJson).status());
    AICR_RETURN_IF_ERROR(client.PushBlob(artifact_type, blob).status());
    AICR_RETURN_IF_ERROR(client.PutManifest(tag, kMediaTypeImageManifest, manifest).status());

    if (!client.last_put_processed_subject()) {
      // No referrers API: maintain the sha256-<subject hex> tag-schema index.
      const std::string index_tag = "sha256-" + subject.digest.substr(7);
      Index index;
      auto existing = client.GetManifest(index_tag, std::size_t{4} * 1024 * 1024);
      if (existing.ok()) {
        auto decoded = DecodeIndex(existing->bytes);
        if (!decoded.ok()) {
          return decoded.status().WithContext("oci referrer: existing referrers tag " +
                                              Quote(index_tag));
        }
        index = std::move(*decoded);
      } else if (existing.status().code() != ErrorCode::kNotFound) {
        return existing.status();
      }
      Descriptor entry = DescriptorFor(kMediaTypeImageManifest, manifest);
      entry.artifact_type = std::string(artifact_type);
      entry.annotations = m.annotations;
      const bool present = std::any_of(index.manifests.begin(), index.manifests.end(),
                                       [&](const Descriptor& d) { return d.digest == digest; });
      if (!present) {
        index.manifests.push_back(std::move(entry));
        std::sort(index.manifests.begin(), index.manifests.end(),
                  [](const Descriptor& a, const Descriptor& b) { return a.digest < b.digest; });
        AICR_RETURN_IF_ERROR(
            client.PutManifest(index_tag, kMediaTypeImageIndex, EncodeIndex(index)).status());
      }
    }
    return ResultFor(repo, manifest, digest, tag);
  } catch (const std::exception& e) {
    return InternalError(std::string("oci referrer: ") + e.what());
  }
}

Result<std::vector<Descriptor>> ListReferrers(const Reference& subject_pinned,
                                              std::string_view artifact_type,
                                              const RegistryOptions& options) {
  if (subject_pinned.digest.empty()) {
    return InvalidRequestError("oci referrers: " + Quote(subject_pinned.String()) +
                               " must be pinned by digest");
  }
  RegistryClient client(subject_pinned, options);
  return client.Referrers(subject_pinned.digest, artifact_type);
}

Result<std::string> FetchReferrerBlob(const Reference& repo, const Descriptor& referrer,
                                      std::size_t max_bytes, const RegistryOptions& options) {
  RegistryClient client(repo, options);
  AICR_ASSIGN_OR_RETURN(const FetchedManifest fetched,
                        client.GetManifest(referrer.digest, std::size_t{4} * 1024 * 1024));
  AICR_ASSIGN_OR_RETURN(const Manifest m, DecodeManifest(fetched.bytes));
  if (m.layers.size() != 1) {
    return InvalidRequestError("oci referrer " + referrer.digest +
                               ": expected exactly one layer, got " +
                               std::to_string(m.layers.size()));
  }
  const Descriptor& layer = m.layers[0];
  if (layer.size < 0 || static_cast<std::uint64_t>(layer.size) > max_bytes) {
    return InvalidRequestError("oci referrer " + referrer.digest + ": blob of " +
                               std::to_string(layer.size) + " bytes exceeds " +
                               std::to_string(max_bytes));
  }
  AICR_ASSIGN_OR_RETURN(std::string blob,
                        client.GetBlob(layer.digest, static_cast<std::size_t>(layer.size)));
  if (static_cast<std::int64_t>(blob.size()) != layer.size) {
    return InvalidRequestError("oci referrer " + referrer.digest + ": blob size mismatch");
  }
  return blob;
}

}  // namespace aicr::oci
