#include "measurement/fingerprint.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "base/status_macros.h"
#include "measurement/snapshot.h"

namespace aicr::measurement {
namespace {

using serialize::Mapping;
using serialize::Value;

constexpr std::string_view kLabelGpuProduct = "nvidia.com/gpu.product";
constexpr std::string_view kLabelRegion = "topology.kubernetes.io/region";

constexpr std::string_view kSourceService = "k8s.node.provider";
constexpr std::string_view kSourceGpuHardware = "gpu.hardware.model";
constexpr std::string_view kSourceOsRelease = "os.release";
constexpr std::string_view kSourceK8sVersion = "k8s.server.version";
constexpr std::string_view kSourceNodeCount = "nodeTopology.summary.node-count";
constexpr std::string_view kSourceRegion = "nodeTopology.label.topology.kubernetes.io/region";
constexpr std::string_view kSourceGpuLabel = "nodeTopology.label.nvidia.com/gpu.product";

constexpr std::string_view kNoteMultiRegion = "multi-region";
constexpr std::string_view kNoteMultiGpu = "multi-gpu";
constexpr std::string_view kNoteUnknownSku = "unknown-sku";

// Whole-token product name sequences and the accelerator each names.
struct SkuRule {
  std::vector<std::string_view> tokens;
  std::string_view sku;
};

const std::vector<SkuRule>& SkuRules() {
  static const std::vector<SkuRule> kRules = {
      {{"GB200"}, "gb200"},
      {{"GB300"}, "gb300"},
      {{"B200"}, "b200"},
      {{"H100"}, "h100"},
      {{"H200"}, "h200"},
      {{"A100"}, "a100"},
      {{"RTX", "PRO", "6000"}, "rtx-pro-6000"},
      {{"L40S"}, "l40s"},
      {{"L40"}, "l40"},
  };
  return kRules;
}

std::vector<std::string> Tokenize(std::string_view product) {
  std::vector<std::string> tokens;
  std::string current;
  for (char c : product) {
    if (std::isspace(static_cast<unsigned char>(c)) != 0 || c == '-') {
      if (!current.empty()) {
        tokens.push_back(std::move(current));
        current.clear();
      }
      continue;
    }
    current += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (!current.empty()) {
    tokens.push_back(std::move(current));
  }
  return tokens;
}

bool ContainsSequence(const std::vector<std::string>& tokens,
                      const std::vector<std::string_view>& seq) {
  if (seq.empty() || seq.size() > tokens.size()) {
    return false;
  }
  for (std::size_t i = 0; i + seq.size() <= tokens.size(); ++i) {
    if (std::equal(seq.begin(), seq.end(), tokens.begin() + static_cast<std::ptrdiff_t>(i))) {
      return true;
    }
  }
  return false;
}

// The topology collector encodes a label as `<value>|<node1,node2,...>`.
std::pair<std::string, std::string> SplitLabelEncoding(std::string_view raw) {
  const std::size_t bar = raw.find('|');
  if (bar == std::string_view::npos) {
    return {std::string(raw), std::string()};
  }
  return {std::string(raw.substr(0, bar)), std::string(raw.substr(bar + 1))};
}

// Whether the label subtype holds several disambiguated `<label>.<value>` keys, which
// the topology collector writes when nodes disagree on the label's value.
bool HasMultiValueKeys(const Subtype& labels, std::string_view label) {
  const std::string prefix = std::string(label) + ".";
  int count = 0;
  for (const auto& [key, reading] : labels.data) {
    if (key.compare(0, prefix.size(), prefix) == 0 && ++count > 1) {
      return true;
    }
  }
  return false;
}

std::int64_t CountGpuNodes(const Subtype& labels) {
  const std::string prefix = std::string(kLabelGpuProduct) + ".";
  std::set<std::string> nodes;
  for (const auto& [key, reading] : labels.data) {
    if (key != kLabelGpuProduct && key.compare(0, prefix.size(), prefix) != 0) {
      continue;
    }
    const std::string node_list = SplitLabelEncoding(reading.String()).second;
    std::size_t start = 0;
    while (start <= node_list.size() && !node_list.empty()) {
      std::size_t comma = node_list.find(',', start);
      if (comma == std::string::npos) {
        comma = node_list.size();
      }
      std::string_view node(node_list.data() + start, comma - start);
      while (!node.empty() && std::isspace(static_cast<unsigned char>(node.front())) != 0) {
        node.remove_prefix(1);
      }
      while (!node.empty() && std::isspace(static_cast<unsigned char>(node.back())) != 0) {
        node.remove_suffix(1);
      }
      if (!node.empty()) {
        nodes.emplace(node);
      }
      start = comma + 1;
    }
  }
  return static_cast<std::int64_t>(nodes.size());
}

void FromK8s(Fingerprint& fp, const Measurement& m) {
  if (const Subtype* server = m.FindSubtype("server")) {
    if (std::optional<std::string> v = server->GetString("version"); v && !v->empty()) {
      std::string_view text = *v;
      if (text.front() == 'v') {
        text.remove_prefix(1);
      }
      fp.k8s_version = Dimension{std::string(text), std::string(kSourceK8sVersion), ""};
    }
  }
  if (const Subtype* node = m.FindSubtype("node")) {
    if (std::optional<std::string> v = node->GetString("provider"); v && !v->empty()) {
      fp.service = Dimension{*v, std::string(kSourceService), ""};
    }
  }
}

void FromOs(Fingerprint& fp, const Measurement& m) {
  const Subtype* release = m.FindSubtype("release");
  if (release == nullptr) {
    return;
  }
  const std::string kind = NormalizeOsId(release->GetString("ID").value_or(""));
  if (kind.empty()) {
    return;  // a version without a recognised kind says nothing actionable
  }
  fp.os = OsDimension{kind, release->GetString("VERSION_ID").value_or(""),
                      std::string(kSourceOsRelease)};
}

void FromTopology(Fingerprint& fp, const Measurement& m) {
  if (const Subtype* summary = m.FindSubtype("summary")) {
    if (const Reading* r = summary->Find("node-count")) {
      if (std::optional<std::int64_t> n = r->AsInteger()) {
        fp.node_count = IntDimension{*n, std::string(kSourceNodeCount)};
      }
    }
  }
  const Subtype* labels = m.FindSubtype("label");
  if (labels == nullptr) {
    return;
  }
  if (HasMultiValueKeys(*labels, kLabelRegion)) {
    fp.region = Dimension{"", std::string(kSourceRegion), std::string(kNoteMultiRegion)};
  } else if (std::optional<std::string> raw = labels->GetString(kLabelRegion); raw) {
    std::string region = SplitLabelEncoding(*raw).first;
    if (!region.empty()) {
      fp.region = Dimension{std::move(region), std::string(kSourceRegion), ""};
    }
  }
  fp.gpu_node_count = IntDimension{CountGpuNodes(*labels), std::string(kSourceGpuLabel)};
}

// The GPU product label is the primary accelerator source: it covers every GPU node.
void ReconcileAccelerator(Fingerprint& fp, const Measurement& topology) {
  const Subtype* labels = topology.FindSubtype("label");
  if (labels == nullptr) {
    return;
  }
  if (HasMultiValueKeys(*labels, kLabelGpuProduct)) {
    fp.accelerator = Dimension{"", std::string(kSourceGpuLabel), std::string(kNoteMultiGpu)};
    return;
  }
  if (!fp.accelerator.value.empty()) {
    return;
  }
  std::optional<std::string> raw = labels->GetString(kLabelGpuProduct);
  if (!raw || raw->empty()) {
    return;
  }
  if (std::string sku = ParseGpuSku(SplitLabelEncoding(*raw).first); !sku.empty()) {
    fp.accelerator = Dimension{std::move(sku), std::string(kSourceGpuLabel), ""};
    return;
  }
  if (fp.accelerator.note.empty()) {
    fp.accelerator = Dimension{"", std::string(kSourceGpuLabel), std::string(kNoteUnknownSku)};
  }
}

// GPU.hardware.model always describes gpuModel; it fills the accelerator only when
// the label left it open and the model is a recipe accelerator.
void FromGpuHardware(Fingerprint& fp, const Measurement& gpu) {
  const Subtype* hardware = gpu.FindSubtype("hardware");
  if (hardware == nullptr) {
    return;
  }
  std::optional<std::string> sku = hardware->GetString("model");
  if (!sku || sku->empty()) {
    return;
  }
  fp.gpu_model = Dimension{*sku, std::string(kSourceGpuHardware), ""};
  if (!fp.accelerator.value.empty() || fp.accelerator.note == kNoteMultiGpu) {
    return;
  }
  if (IsSupportedAccelerator(*sku)) {
    fp.accelerator = Dimension{*sku, std::string(kSourceGpuHardware), ""};
    return;
  }
  if (fp.accelerator.note.empty()) {
    fp.accelerator = Dimension{"", std::string(kSourceGpuHardware), std::string(kNoteUnknownSku)};
  }
}

// --- encoding ---------------------------------------------------------------

Value EncodeDimension(const Dimension& d) {
  Mapping m;
  m.Set("value", Value(d.value));
  if (!d.source.empty()) {
    m.Set("source", Value(d.source));
  }
  if (!d.note.empty()) {
    m.Set("note", Value(d.note));
  }
  return Value(std::move(m));
}

Value EncodeIntDimension(const IntDimension& d) {
  Mapping m;
  m.Set("value", Value(d.value));
  if (!d.source.empty()) {
    m.Set("source", Value(d.source));
  }
  return Value(std::move(m));
}

Status FieldError(std::string_view field, std::string_view problem) {
  return InvalidRequestError("fingerprint." + std::string(field) + ": " + std::string(problem));
}

Result<std::string> DecodeString(const Mapping& m, std::string_view key, std::string_view field) {
  const Value* v = m.Find(key);
  if (v == nullptr || v->is_null()) {
    return std::string();
  }
  if (const std::string* s = v->if_string()) {
    return *s;
  }
  if (v->is_scalar()) {
    return Reading::FromValue(*v).String();
  }
  return FieldError(std::string(field) + "." + std::string(key),
                    "expected string, got " + std::string(serialize::ValueTypeName(v->type())));
}

Result<const Mapping*> FieldMapping(const Mapping& root, std::string_view field) {
  static const Mapping kEmpty;
  const Value* v = root.Find(field);
  if (v == nullptr || v->is_null()) {
    return &kEmpty;
  }
  if (const Mapping* m = v->if_mapping()) {
    return m;
  }
  return FieldError(field,
                    "expected mapping, got " + std::string(serialize::ValueTypeName(v->type())));
}

Result<Dimension> DecodeDimension(const Mapping& root, std::string_view field) {
  AICR_ASSIGN_OR_RETURN(const Mapping* m, FieldMapping(root, field));
  Dimension d;
  AICR_ASSIGN_OR_RETURN(d.value, DecodeString(*m, "value", field));
  AICR_ASSIGN_OR_RETURN(d.source, DecodeString(*m, "source", field));
  AICR_ASSIGN_OR_RETURN(d.note, DecodeString(*m, "note", field));
  return d;
}

Result<IntDimension> DecodeIntDimension(const Mapping& root, std::string_view field) {
  AICR_ASSIGN_OR_RETURN(const Mapping* m, FieldMapping(root, field));
  IntDimension d;
  if (const Value* v = m->Find("value"); v != nullptr && !v->is_null()) {
    std::optional<std::int64_t> n;
    if (v->is_int() || v->is_float()) {
      n = Reading::FromValue(*v).AsInteger();
    }
    if (!n) {
      return FieldError(std::string(field) + ".value",
                        "expected integer, got " + Reading::FromValue(*v).String());
    }
    d.value = *n;
  }
  AICR_ASSIGN_OR_RETURN(d.source, DecodeString(*m, "source", field));
  return d;
}

}  // namespace

const std::vector<std::string>& SupportedAccelerators() {
  static const std::vector<std::string> kAccelerators = {
      "a100", "b200", "gb200", "gb300", "h100", "h200", "l40", "l40s", "rtx-pro-6000"};
  return kAccelerators;
}

bool IsSupportedAccelerator(std::string_view accelerator) {
  const std::vector<std::string>& all = SupportedAccelerators();
  return std::find(all.begin(), all.end(), accelerator) != all.end();
}

std::string ParseGpuSku(std::string_view product) {
  const std::vector<std::string> tokens = Tokenize(product);
  for (const SkuRule& rule : SkuRules()) {
    if (ContainsSequence(tokens, rule.tokens)) {
      return std::string(rule.sku);
    }
  }
  return std::string();
}

std::string NormalizeOsId(std::string_view id) {
  while (!id.empty() && std::isspace(static_cast<unsigned char>(id.front())) != 0) {
    id.remove_prefix(1);
  }
  while (!id.empty() && std::isspace(static_cast<unsigned char>(id.back())) != 0) {
    id.remove_suffix(1);
  }
  std::string v;
  for (char c : id) {
    v += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (v == "ubuntu" || v == "cos" || v == "ol" || v == "talos") {
    return v;
  }
  if (v == "rhel" || v == "redhatenterpriselinux" || v == "redhat") {
    return "rhel";
  }
  if (v == "amazonlinux" || v == "amzn" || v == "amazon" || v == "al2" || v == "al2023") {
    return "amazonlinux";
  }
  return std::string();
}

Fingerprint FromMeasurements(const std::vector<Measurement>& measurements) {
  Fingerprint fp;
  const Measurement* topology = nullptr;
  const Measurement* gpu = nullptr;
  for (const Measurement& m : measurements) {
    if (m.type == "K8s") {
      FromK8s(fp, m);
    } else if (m.type == "GPU") {
      gpu = &m;
    } else if (m.type == "OS") {
      FromOs(fp, m);
    } else if (m.type == "NodeTopology") {
      FromTopology(fp, m);
      topology = &m;
    }
    // SystemD and NetworkTopology do not contribute.
  }
  if (topology != nullptr) {
    ReconcileAccelerator(fp, *topology);
  }
  if (gpu != nullptr) {
    FromGpuHardware(fp, *gpu);
  }
  return fp;
}

FingerprintCriteria ToCriteria(const Fingerprint& fp) {
  FingerprintCriteria c;
  c.service = fp.service.value;
  c.accelerator = fp.accelerator.value;
  c.os = fp.os.value;
  c.os_version = fp.os.version;
  c.k8s_version = fp.k8s_version.value;
  c.region = fp.region.value;
  c.node_count = fp.node_count.value;
  c.gpu_node_count = fp.gpu_node_count.value;
  return c;
}

Value EncodeFingerprint(const Fingerprint& fp) {
  Mapping m;
  m.Set("service", EncodeDimension(fp.service));
  m.Set("accelerator", EncodeDimension(fp.accelerator));
  if (!fp.gpu_model.empty()) {
    m.Set("gpuModel", EncodeDimension(fp.gpu_model));
  }
  Mapping os;
  os.Set("value", Value(fp.os.value));
  if (!fp.os.version.empty()) {
    os.Set("version", Value(fp.os.version));
  }
  if (!fp.os.source.empty()) {
    os.Set("source", Value(fp.os.source));
  }
  m.Set("os", Value(std::move(os)));
  m.Set("k8sVersion", EncodeDimension(fp.k8s_version));
  if (!fp.region.empty()) {
    m.Set("region", EncodeDimension(fp.region));
  }
  m.Set("nodeCount", EncodeIntDimension(fp.node_count));
  m.Set("gpuNodeCount", EncodeIntDimension(fp.gpu_node_count));
  return Value(std::move(m));
}

Result<Fingerprint> DecodeFingerprint(const Value& value) {
  const Mapping* root = value.if_mapping();
  if (root == nullptr) {
    return InvalidRequestError("fingerprint: expected mapping, got " +
                               std::string(serialize::ValueTypeName(value.type())));
  }
  Fingerprint fp;
  AICR_ASSIGN_OR_RETURN(fp.service, DecodeDimension(*root, "service"));
  AICR_ASSIGN_OR_RETURN(fp.accelerator, DecodeDimension(*root, "accelerator"));
  AICR_ASSIGN_OR_RETURN(fp.gpu_model, DecodeDimension(*root, "gpuModel"));
  AICR_ASSIGN_OR_RETURN(const Mapping* os, FieldMapping(*root, "os"));
  AICR_ASSIGN_OR_RETURN(fp.os.value, DecodeString(*os, "value", "os"));
  AICR_ASSIGN_OR_RETURN(fp.os.version, DecodeString(*os, "version", "os"));
  AICR_ASSIGN_OR_RETURN(fp.os.source, DecodeString(*os, "source", "os"));
  AICR_ASSIGN_OR_RETURN(fp.k8s_version, DecodeDimension(*root, "k8sVersion"));
  AICR_ASSIGN_OR_RETURN(fp.region, DecodeDimension(*root, "region"));
  AICR_ASSIGN_OR_RETURN(fp.node_count, DecodeIntDimension(*root, "nodeCount"));
  AICR_ASSIGN_OR_RETURN(fp.gpu_node_count, DecodeIntDimension(*root, "gpuNodeCount"));
  return fp;
}

}  // namespace aicr::measurement
