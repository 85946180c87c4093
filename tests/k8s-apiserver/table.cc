#include "tests/k8s-apiserver/table.h"

#include <chrono>

#include "tests/k8s-apiserver/util.h"

namespace aicr::testing::apiserver {
namespace {

using nlohmann::json;

json Column(const std::string& name, const std::string& type, const std::string& format,
            int priority, const std::string& description) {
  return {{"name", name},
          {"type", type},
          {"format", format},
          {"description", description},
          {"priority", priority}};
}

std::string Age(const json& obj) {
  std::chrono::system_clock::time_point t;
  const std::string ts = obj["metadata"].value("creationTimestamp", "");
  if (ts.empty() || !ParseRfc3339(ts, &t)) {
    return "<unknown>";
  }
  return HumanAge(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now() - t));
}

}  // namespace

bool WantsTable(const std::string& accept) { return accept.find("as=Table") != std::string::npos; }

json RenderTable(const ResourceInfo& info, const json& objects, const std::string& include_object,
                 const json& list_meta) {
  json columns = json::array(
      {Column("Name", "string", "name", 0,
              "Name must be unique within a namespace. Cannot be updated."),
       Column("Age", "string", "", 0, "CreationTimestamp is the time the object was created.")});
  const bool pods = info.resource == "pods";
  const bool jobs = info.resource == "jobs";
  if (pods) {
    columns.insert(
        columns.begin() + 1,
        {Column("Ready", "string", "", 0, "The aggregate readiness state of this pod."),
         Column("Status", "string", "", 0, "The aggregate status of the pod."),
         Column("Restarts", "string", "", 0, "The number of times the containers restarted.")});
  }
  if (info.resource == "configmaps") {
    columns.insert(columns.begin() + 1, Column("Data", "integer", "", 0, "Number of data keys."));
  }
  if (info.resource == "namespaces") {
    columns.insert(columns.begin() + 1,
                   Column("Status", "string", "", 0, "The status of the namespace"));
  }
  if (jobs) {
    columns.insert(columns.begin() + 1, Column("Status", "string", "", 0, "Status of the job."));
  }
  json rows = json::array();
  const json list = objects.is_array() ? objects : json::array({objects});
  for (const json& obj : list) {
    json cells = json::array({obj["metadata"].value("name", "")});
    if (pods) {
      const std::size_t total =
          obj.value("spec", json::object()).value("containers", json::array()).size();
      const json st = obj.value("status", json::object());
      std::size_t ready = 0;
      long long restarts = 0;
      std::string phase = st.value("phase", "Pending");
      std::string reason = phase == "Succeeded" ? "Completed" : phase == "Failed" ? "Error" : phase;
      for (const json& cs : st.value("containerStatuses", json::array())) {
        ready += cs.value("ready", false) ? 1 : 0;
        restarts += cs.value("restartCount", 0);
        const json state = cs.value("state", json::object());
        for (const char* k : {"waiting", "terminated"}) {
          if (state.contains(k) && state[k].is_object() && !state[k].value("reason", "").empty() &&
              phase != "Succeeded") {
            reason = state[k].value("reason", "");
          }
        }
      }
      if (obj["metadata"].contains("deletionTimestamp")) {
        reason = "Terminating";
      }
      cells.push_back(std::to_string(ready) + "/" + std::to_string(total));
      cells.push_back(reason);
      cells.push_back(std::to_string(restarts));
    }
    if (info.resource == "configmaps") {
      std::size_t n = 0;
      for (const char* f : {"data", "binaryData"}) {
        if (obj.contains(f) && obj[f].is_object()) {
          n += obj[f].size();
        }
      }
      cells.push_back(n);
    }
    if (info.resource == "namespaces") {
      cells.push_back(obj.value("status", json::object()).value("phase", "Active"));
    }
    if (jobs) {
      const json st = obj.value("status", json::object());
      std::string s = "Running";
      for (const json& c : st.value("conditions", json::array())) {
        if (c.value("status", "") == "True" &&
            (c.value("type", "") == "Complete" || c.value("type", "") == "Failed")) {
          s = c.value("type", "");
        }
      }
      cells.push_back(s);
    }
    cells.push_back(Age(obj));
    json row = {{"cells", cells}};
    if (include_object == "Object") {
      row["object"] = obj;
    } else if (include_object != "None") {
      row["object"] = {{"kind", "PartialObjectMetadata"},
                       {"apiVersion", "meta.k8s.io/v1"},
                       {"metadata", obj["metadata"]}};
    }
    rows.push_back(row);
  }
  json meta = list_meta.is_object() ? list_meta : json::object();
  return {{"kind", "Table"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", meta},
          {"columnDefinitions", columns},
          {"rows", rows}};
}

}  // namespace aicr::testing::apiserver
