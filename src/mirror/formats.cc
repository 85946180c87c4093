#include "mirror/formats.h"

#include <utility>

#include "base/strings.h"
#include "serialize/json_writer.h"
#include "serialize/yaml_writer.h"

namespace aicr::mirror {
namespace {

using serialize::Mapping;
using serialize::Value;

constexpr std::string_view kHaulerApiVersion = "content.hauler.cattle.io/v1";
constexpr std::string_view kZarfApiVersion = "zarf.dev/v1alpha1";

Value Strings(const std::vector<std::string>& items) {
  Value seq = Value::EmptySequence();
  for (const std::string& item : items) {
    seq.Append(item);
  }
  return seq;
}

Value Named(std::string_view name) {
  Mapping m;
  m.Set("name", std::string(name));
  return Value(std::move(m));
}

// A Hauler or Zarf header: apiVersion, kind, metadata.
Mapping Header(std::string_view api_version, std::string_view kind, Value metadata) {
  Mapping m;
  m.Set("apiVersion", std::string(api_version));
  m.Set("kind", std::string(kind));
  m.Set("metadata", std::move(metadata));
  return m;
}

}  // namespace

const std::vector<std::string>& SupportedFormats() {
  static const std::vector<std::string> kFormats = {"yaml", "json", "hauler", "zarf"};
  return kFormats;
}

Value ToValue(const MirrorList& list) {
  Value charts = Value::EmptySequence();
  for (const ChartRef& c : list.charts) {
    Mapping m;
    m.Set("name", c.name);
    m.Set("repository", c.repository);
    m.Set("chart", c.chart);
    m.Set("version", c.version);
    if (!c.namespace_.empty()) {
      m.Set("namespace", c.namespace_);
    }
    charts.Append(Value(std::move(m)));
  }
  Value components = Value::EmptySequence();
  for (const ComponentImages& c : list.components) {
    Mapping m;
    m.Set("component", c.component);
    m.Set("type", c.type);
    m.Set("images", Strings(c.images));
    if (!c.warnings.empty()) {
      m.Set("warnings", Strings(c.warnings));
    }
    components.Append(Value(std::move(m)));
  }
  Mapping metadata;
  if (!list.recipe_version.empty()) {
    metadata.Set("recipeVersion", list.recipe_version);
  }
  if (!list.criteria.empty()) {
    metadata.Set("criteria", list.criteria);
  }
  Mapping doc;
  doc.Set("images", Strings(list.images));
  doc.Set("charts", std::move(charts));
  doc.Set("components", std::move(components));
  doc.Set("metadata", Value(std::move(metadata)));
  return Value(std::move(doc));
}

std::vector<Value> HaulerDocuments(const MirrorList& list) {
  std::vector<Value> docs;
  Value images = Value::EmptySequence();
  for (const std::string& image : list.images) {
    images.Append(Named(image));
  }
  Mapping images_spec;
  images_spec.Set("images", std::move(images));
  Mapping images_doc = Header(kHaulerApiVersion, "Images", Named("aicr-images"));
  images_doc.Set("spec", Value(std::move(images_spec)));
  docs.emplace_back(std::move(images_doc));
  if (list.charts.empty()) {
    return docs;
  }
  Value charts = Value::EmptySequence();
  for (const ChartRef& c : list.charts) {
    Mapping m;
    m.Set("name", c.chart);
    m.Set("repoURL", c.repository);
    m.Set("version", c.version);
    charts.Append(Value(std::move(m)));
  }
  Mapping charts_spec;
  charts_spec.Set("charts", std::move(charts));
  Mapping charts_doc = Header(kHaulerApiVersion, "Charts", Named("aicr-charts"));
  charts_doc.Set("spec", Value(std::move(charts_spec)));
  docs.emplace_back(std::move(charts_doc));
  return docs;
}

Value ZarfPackage(const MirrorList& list) {
  Value charts = Value::EmptySequence();
  for (const ChartRef& c : list.charts) {
    Mapping m;
    m.Set("name", c.chart);
    // An OCI chart is addressed directly; a Helm repository by its URL plus the name.
    if (c.repository.rfind("oci://", 0) == 0) {
      std::string repo = c.repository;
      while (!repo.empty() && repo.back() == '/') {
        repo.pop_back();
      }
      m.Set("url", repo + "/" + c.chart);
    } else {
      m.Set("url", c.repository);
    }
    m.Set("version", c.version);
    if (!c.namespace_.empty()) {
      m.Set("namespace", c.namespace_);
    }
    charts.Append(Value(std::move(m)));
  }
  Mapping component;
  component.Set("name", "aicr-images");
  component.Set("required", true);
  component.Set("images", Strings(list.images));
  component.Set("charts", std::move(charts));
  Value components = Value::EmptySequence();
  components.Append(Value(std::move(component)));
  Mapping metadata;
  metadata.Set("name", "aicr");
  metadata.Set("version", "0.0.1");
  Mapping doc = Header(kZarfApiVersion, "ZarfPackageConfig", Value(std::move(metadata)));
  doc.Set("components", std::move(components));
  return Value(std::move(doc));
}

Result<std::string> Render(const MirrorList& list, std::string_view format) {
  const serialize::WriteOptions yaml{.sort_keys = false};
  if (format == "yaml") {
    return serialize::WriteYaml(ToValue(list), yaml);
  }
  if (format == "json") {
    return serialize::WriteJson(ToValue(list), serialize::JsonWriteOptions{.sort_keys = false});
  }
  if (format == "hauler") {
    return serialize::WriteYamlDocuments(HaulerDocuments(list), yaml);
  }
  if (format == "zarf") {
    return serialize::WriteYaml(ZarfPackage(list), yaml);
  }
  return InvalidRequestError("unknown output format " + Quote(format) +
                             " (supported: " + Join(SupportedFormats(), ", ") + ")");
}

}  // namespace aicr::mirror
