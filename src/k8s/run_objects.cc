#include "k8s/run_objects.h"

#include <algorithm>

#include "base/strings.h"
#include "serialize/value.h"

namespace aicr::k8s {
namespace {

using serialize::Value;

std::string StringAtPath(const Value& v, std::string_view path) {
  const Value* found = v.FindPath(path);
  return found != nullptr && found->is_string() ? *found->if_string() : std::string();
}

CallOptions Bounded(std::chrono::steady_clock::time_point deadline) {
  CallOptions c;
  c.timeout =
      std::max(std::chrono::milliseconds(1), std::chrono::duration_cast<std::chrono::milliseconds>(
                                                 deadline - std::chrono::steady_clock::now()));
  return c;
}

}  // namespace

CleanupOutcome DeleteCreatedObjects(const Client& client, const std::vector<CreatedObject>& objects,
                                    std::string_view run_label, std::string_view run_id,
                                    std::chrono::steady_clock::time_point deadline) {
  CleanupOutcome out;
  for (auto it = objects.rbegin(); it != objects.rend(); ++it) {
    CreatedObject c = *it;
    const std::string what = DescribeObject(*c.resource, c.ns, c.name);
    if (c.uid.empty()) {
      Result<Value> got = client.Get(*c.resource, c.ns, c.name, Bounded(deadline));
      if (!got.ok()) {
        if (got.status().code() != ErrorCode::kNotFound) {
          out.errors.push_back(got.status().message());
        }
        continue;
      }
      const Value* labels = got->FindPath("metadata.labels");
      const Value* id = labels != nullptr ? labels->Find(run_label) : nullptr;
      if (id == nullptr || !id->is_string() || *id->if_string() != run_id) {
        out.notes.push_back("cleanup: " + what + " is not labelled with run id " +
                            std::string(run_id) + "; left in place");
        continue;
      }
      c.uid = StringAtPath(*got, "metadata.uid");
    }
    DeleteOptions d;
    d.precondition_uid = c.uid;
    if (c.resource == &resources::kJobs) {
      d.propagation_policy = "Foreground";
      out.jobs.push_back(c);
    }
    Result<Value> del = client.Delete(*c.resource, c.ns, c.name, d, Bounded(deadline));
    if (!del.ok() && del.status().code() != ErrorCode::kNotFound) {
      if (del.status().code() == ErrorCode::kConflict) {
        out.notes.push_back("cleanup: " + what + " was replaced by another object; left alone");
        continue;
      }
      out.errors.push_back(del.status().message());
    }
  }
  return out;
}

Status EnsureNamespace(const Client& client, std::string_view name, bool label_existing,
                       const CallOptions& call, std::vector<std::string>* warnings) {
  const std::string ns(name);
  Result<Value> got = client.Get(resources::kNamespaces, "", ns, call);
  if (got.ok()) {
    const Value* labels = got->FindPath("metadata.labels");
    if (!label_existing ||
        (labels != nullptr && labels->Find("app.kubernetes.io/name") != nullptr)) {
      return OkStatus();
    }
    Value label;
    label.Set("app.kubernetes.io/name", "aicr");
    Value meta;
    meta.Set("labels", label);
    Value patch;
    patch.Set("metadata", meta);
    Result<Value> patched = client.Patch(resources::kNamespaces, "", ns, patch, call);
    if (!patched.ok()) {
      if (patched.status().code() == ErrorCode::kCanceled) {
        return patched.status();
      }
      warnings->push_back("namespace " + Quote(ns) +
                          " not labelled: " + patched.status().message());
    }
    return OkStatus();
  }
  if (got.status().code() == ErrorCode::kUnauthorized) {
    warnings->push_back("namespace " + Quote(ns) + " not checked: " + got.status().message());
    return OkStatus();
  }
  if (got.status().code() != ErrorCode::kNotFound) {
    return got.status();
  }
  Value labels;
  labels.Set("app.kubernetes.io/managed-by", "aicr");
  labels.Set("app.kubernetes.io/name", "aicr");
  Value meta;
  meta.Set("name", ns);
  meta.Set("labels", labels);
  Value object;
  object.Set("apiVersion", "v1");
  object.Set("kind", "Namespace");
  object.Set("metadata", meta);
  Result<Value> created = client.Create(resources::kNamespaces, "", object, call);
  if (!created.ok() && created.status().code() != ErrorCode::kConflict) {
    return created.status();
  }
  return OkStatus();
}

}  // namespace aicr::k8s
