#include "evidence/oci_transport.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "archive/tar.h"
#include "base/atomic_file.h"
#include "base/status_macros.h"
#include "checksum/sha256.h"
#include "evidence/manifest.h"
#include "oci/manifest.h"
#include "oci/pull.h"
#include "oci/push.h"
#include "serialize/yaml_reader.h"
#include "serialize/yaml_writer.h"

namespace aicr::evidence {
namespace {

namespace fs = std::filesystem;

// The recipe name from pointer.yaml or the statement-derived slug fallback.
std::string Slug(const serialize::Value& pointer) {
  const serialize::Value* r = pointer.Find("recipe");
  std::string name = r != nullptr && r->is_string() ? *r->if_string() : "recipe";
  for (char& ch : name) {
    const bool ok =
        (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.';
    if (!ok) {
      ch = '-';
    }
  }
  return name.empty() ? "recipe" : name;
}

}  // namespace

Result<EvidencePushResult> PushEvidence(const std::string& dir, std::string_view ref,
                                        const oci::RegistryOptions& options) {
  AICR_ASSIGN_OR_RETURN(oci::Reference target, oci::ParseReference(ref));
  if (!target.digest.empty()) {
    return InvalidRequestError("--push \"" + std::string(ref) +
                               "\": push to a repository or tag, not a digest");
  }
  const fs::path summary = fs::path(dir) / kSummaryBundleDir;
  const fs::path pointer_path = fs::path(dir) / kPointerFile;
  AICR_ASSIGN_OR_RETURN(const std::vector<oci::BundleFile> collected,
                        oci::CollectBundleFiles(summary.string()));
  std::string pointer_text;
  {
    std::error_code ec;
    if (!fs::is_regular_file(pointer_path, ec)) {
      return NotFoundError("evidence directory \"" + dir + "\": no " + std::string(kPointerFile));
    }
  }
  std::vector<archive::TarFile> files;
  std::string manifest_json;
  std::string attestation;
  for (const oci::BundleFile& f : collected) {
    if (f.path == kManifestFile) {
      manifest_json = f.bytes;
    }
    if (f.path == kAttestationFile) {
      attestation = f.bytes;
    }
    files.push_back(archive::TarFile{f.path, f.bytes, false});
  }
  if (manifest_json.empty()) {
    return NotFoundError("evidence bundle \"" + summary.string() + "\": no manifest.json");
  }
  {
    std::ifstream in(pointer_path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    pointer_text = s.str();
  }
  Result<serialize::Value> pointer = serialize::ParseYaml(pointer_text);
  if (!pointer.ok()) {
    return pointer.status().WithContext(pointer_path.string());
  }
  if (target.tag.empty()) {
    target.tag = Slug(*pointer) + "-" + checksum::Sha256Hex(manifest_json).substr(0, 12);
  }
  AICR_ASSIGN_OR_RETURN(const std::string layer, archive::WriteTarGz(files));

  oci::Manifest m;
  m.artifact_type = std::string(kEvidenceArtifactType);
  m.config = oci::DescriptorFor(oci::kMediaTypeEmptyJson, oci::kEmptyJson);
  oci::Descriptor layer_desc = oci::DescriptorFor(oci::kMediaTypeImageLayerGzip, layer);
  layer_desc.annotations[std::string(oci::kAnnotationTitle)] = "summary-bundle.tar.gz";
  m.layers.push_back(layer_desc);
  m.annotations[std::string(oci::kAnnotationCreated)] = std::string(oci::kReproducibleCreated);
  m.annotations[std::string(oci::kAnnotationTitle)] = std::string(kEvidenceTitle);
  m.annotations[std::string(oci::kAnnotationDescription)] = std::string(kEvidenceDescription);
  m.annotations[std::string(oci::kAnnotationVendor)] = std::string(oci::kVendor);
  const std::string manifest = oci::EncodeManifest(m);

  oci::RegistryClient client(target, options);
  AICR_RETURN_IF_ERROR(client.PushBlob(oci::kMediaTypeEmptyJson, oci::kEmptyJson).status());
  AICR_RETURN_IF_ERROR(client.PushBlob(oci::kMediaTypeImageLayerGzip, layer).status());
  AICR_ASSIGN_OR_RETURN(const std::string digest,
                        client.PutManifest(target.tag, oci::kMediaTypeImageManifest, manifest));

  EvidencePushResult out;
  out.tag = target.tag;
  out.digest = digest;
  out.pinned = target;
  out.pinned.tag.clear();
  out.pinned.digest = digest;
  if (!attestation.empty()) {
    oci::PushResult subject;
    subject.digest = digest;
    subject.size = static_cast<std::int64_t>(manifest.size());
    subject.pinned = out.pinned;
    subject.tag = target.tag;
    AICR_RETURN_IF_ERROR(
        oci::PushReferrer(target, subject, oci::kMediaTypeSigstoreBundle, attestation, options)
            .status());
    out.signature_attached = true;
  }

  // Record the location in the pointer (a locator; the predicate stays authoritative).
  serialize::Value updated = *pointer;
  serialize::Value* bundle = nullptr;
  if (serialize::Value* atts = updated.Find("attestations"); atts != nullptr) {
    if (serialize::Sequence* seq = atts->if_sequence(); seq != nullptr && !seq->empty()) {
      bundle = seq->front().Find("bundle");
    }
  }
  if (bundle == nullptr || !bundle->is_mapping()) {
    return InvalidRequestError(pointer_path.string() + ": attestations[0].bundle missing");
  }
  oci::Reference tagged = target;
  bundle->Set("oci", std::string(oci::kOciScheme) + tagged.String());
  bundle->Set("digest", digest);
  AICR_RETURN_IF_ERROR(WriteFileAtomic(pointer_path.string(), serialize::WriteYaml(updated)));
  return out;
}

Status PullEvidence(const oci::Reference& ref, const std::string& dest,
                    const oci::RegistryOptions& options) {
  AICR_ASSIGN_OR_RETURN(const oci::PulledBundle pulled,
                        oci::PullBundle(ref, oci::PullLimits{}, options));
  return oci::WriteBundleFiles(pulled.files, dest);
}

}  // namespace aicr::evidence
