#include "layout/vendored.h"

#include <utility>

#include "serialize/yaml_writer.h"

namespace aicr::layout {

using serialize::Mapping;
using serialize::Sequence;
using serialize::Value;

std::string VendoredSubchartName(const ComponentPlan& c) {
  const std::string& chart = c.chart.empty() ? c.name : c.chart;
  const std::size_t slash = chart.find_last_of('/');
  return slash == std::string::npos ? chart : chart.substr(slash + 1);
}

std::string VendoredDependencyVersion(const std::string& version) {
  if (!version.empty() && version.front() == 'v') {
    return version.substr(1);
  }
  return version;
}

std::string RenderWrapperChartYaml(const ComponentPlan& c, const std::string& release,
                                   const std::string& chart_version) {
  Mapping annotations;
  annotations.Set("aicr.run/component-version", c.version);
  annotations.Set("aicr.run/generated-by", chart_version);
  Mapping dependency;
  dependency.Set("name", VendoredSubchartName(c));
  dependency.Set("version", VendoredDependencyVersion(c.version));
  dependency.Set("repository", "");
  Sequence dependencies;
  dependencies.push_back(Value(std::move(dependency)));
  Mapping chart;
  chart.Set("apiVersion", "v2");
  chart.Set("name", release);
  chart.Set("description",
            "Vendored chart " + VendoredSubchartName(c) + " wrapped by AICR for " + c.name);
  chart.Set("type", "application");
  chart.Set("version", chart_version);
  chart.Set("appVersion", c.version);
  chart.Set("annotations", Value(std::move(annotations)));
  chart.Set("dependencies", Value(std::move(dependencies)));
  return serialize::WriteYaml(Value(std::move(chart)), serialize::WriteOptions{.sort_keys = false});
}

Value NestUnderSubchart(const Value& values, const std::string& subchart) {
  if (values.is_null() || (values.is_mapping() && values.size() == 0)) {
    return Value::EmptyMapping();
  }
  Mapping nested;
  nested.Set(subchart, values);
  return Value(std::move(nested));
}

}  // namespace aicr::layout
