#include "tests/k8s-apiserver/store.h"

#include <algorithm>

#include "tests/k8s-apiserver/apply.h"
#include "tests/k8s-apiserver/util.h"
#include "tests/k8s-apiserver/yaml_json.h"

namespace aicr::testing::apiserver {
namespace {

using nlohmann::json;

constexpr std::size_t kHistoryCap = 20000;
constexpr std::size_t kConfigMapDataLimit = 1048576;

std::string NowString() { return Rfc3339(std::chrono::system_clock::now()); }

json& Meta(json& obj) {
  if (!obj.contains("metadata") || !obj["metadata"].is_object()) {
    obj["metadata"] = json::object();
  }
  return obj["metadata"];
}

std::string MetaString(const json& obj, const char* field) {
  if (obj.is_object() && obj.contains("metadata") && obj["metadata"].is_object()) {
    const json& m = obj["metadata"];
    if (m.contains(field) && m[field].is_string()) {
      return m[field].get<std::string>();
    }
  }
  return "";
}

// The object without the fields every write changes, to detect no-op writes.
json Comparable(json obj) {
  if (obj.contains("metadata") && obj["metadata"].is_object()) {
    obj["metadata"].erase("managedFields");
    obj["metadata"].erase("resourceVersion");
    obj["metadata"].erase("generation");
  }
  return obj;
}

json StripTimes(json fields) {
  if (fields.is_array()) {
    for (json& e : fields) {
      if (e.is_object()) {
        e.erase("time");
      }
    }
  }
  return fields;
}

json SpecPart(json obj) {
  obj.erase("metadata");
  obj.erase("status");
  obj.erase("apiVersion");
  obj.erase("kind");
  return obj;
}

std::string EncodeContinue(std::uint64_t rv, const std::string& ns, const std::string& name) {
  return Base64Encode(json{{"rv", rv}, {"ns", ns}, {"name", name}}.dump());
}

}  // namespace

Store::Store(Registry* registry, std::size_t max_object_bytes)
    : registry_(registry), max_object_bytes_(max_object_bytes) {
  for (const char* ns : {"default", "kube-system", "kube-public"}) {
    json obj = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}};
    std::vector<json> created;
    const auto info = registry_->Find("", "v1", "namespaces");
    std::lock_guard<std::mutex> lock(mu_);
    (void)CreateLocked(*info, "", obj, WriteOptions{"kube-apiserver"}, &created);
  }
}

void Store::SetHooks(Hook on_created, Hook on_deleted) {
  on_created_ = std::move(on_created);
  on_deleted_ = std::move(on_deleted);
}

json Store::Output(const ResourceInfo& info, json obj) const {
  obj["apiVersion"] = info.ApiVersion();
  obj["kind"] = info.kind;
  return obj;
}

std::optional<ResourceInfo> Store::InfoForGroupResource(const std::string& gr) const {
  const std::size_t dot = gr.find('.');
  const std::string resource = gr.substr(0, dot);
  const std::string group = dot == std::string::npos ? "" : gr.substr(dot + 1);
  for (const char* v : {"v1", "v1beta1", "v1alpha1", "v2"}) {
    if (auto info = registry_->Find(group, v, resource)) {
      return info;
    }
  }
  return std::nullopt;
}

void Store::EmitLocked(const std::string& type, const std::string& group_resource,
                       const std::string& ns, const json& obj, const json& prev) {
  WatchEvent e;
  e.rv = rv_;
  e.type = type;
  e.group_resource = group_resource;
  e.ns = ns;
  e.object = obj;
  e.previous = prev;
  history_.push_back(std::move(e));
  while (history_.size() > kHistoryCap) {
    compacted_rv_ = history_.front().rv;
    history_.pop_front();
  }
  cv_.notify_all();
}

Reply Store::Get(const ResourceInfo& info, const std::string& ns, const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  const Bucket& bucket = objects_[info.GroupResource()];
  auto it = bucket.find({info.namespaced ? ns : "", name});
  if (it == bucket.end()) {
    return NotFound(info.GroupResource(), name);
  }
  return Reply{200, Output(info, it->second)};
}

std::string Store::ListStartKey(const std::string& token, std::uint64_t* rv, bool* ok) {
  std::string raw;
  *ok = false;
  if (!Base64Decode(token, &raw)) {
    return "";
  }
  const json j = json::parse(raw, nullptr, false);
  if (!j.is_object() || !j.contains("rv") || !j["rv"].is_number_unsigned()) {
    return "";
  }
  *rv = j["rv"].get<std::uint64_t>();
  *ok = true;
  return j.value("ns", "") + std::string(1, '\0') + j.value("name", "");
}

Reply Store::List(const ResourceInfo& info, const std::string& ns, const ListOptions& options) {
  std::lock_guard<std::mutex> lock(mu_);
  Key start;
  bool has_start = false;
  if (!options.continue_token.empty()) {
    std::uint64_t token_rv = 0;
    bool ok = false;
    const std::string k = ListStartKey(options.continue_token, &token_rv, &ok);
    if (!ok) {
      return BadRequest("continue key is not valid: illegal base64 data");
    }
    if (token_rv < compacted_rv_) {
      return StatusError(410, "Expired",
                         "The provided continue parameter is too old to display a consistent "
                         "list result. You can start a new list without the continue "
                         "parameter.");
    }
    const std::size_t nul = k.find('\0');
    start = {k.substr(0, nul), k.substr(nul + 1)};
    has_start = true;
  }
  const Bucket& bucket = objects_[info.GroupResource()];
  auto it = has_start ? bucket.upper_bound(start) : bucket.begin();
  json items = json::array();
  std::string cont;
  for (; it != bucket.end(); ++it) {
    if (info.namespaced && !ns.empty() && it->first.first != ns) {
      continue;
    }
    if (!options.labels.Matches(it->second) || !options.fields.Matches(it->second)) {
      continue;
    }
    if (options.limit > 0 && static_cast<std::int64_t>(items.size()) >= options.limit) {
      // Resume after the last object returned.
      const json& prev_item = items.back();
      cont = EncodeContinue(rv_, MetaString(prev_item, "namespace"), MetaString(prev_item, "name"));
      break;
    }
    items.push_back(Output(info, it->second));
  }
  json meta = {{"resourceVersion", std::to_string(rv_)}};
  if (!cont.empty()) {
    meta["continue"] = cont;
  }
  return Reply{200, json{{"apiVersion", info.ApiVersion()},
                         {"kind", info.kind + "List"},
                         {"metadata", meta},
                         {"items", items}}};
}

Reply Store::ValidateLocked(const ResourceInfo& info, const json& obj) {
  const std::string name = MetaString(obj, "name");
  std::string err;
  if (info.resource == "namespaces") {
    err = Dns1123LabelError(name);
  } else if (info.group == "rbac.authorization.k8s.io") {
    err = PathSegmentError(name);
  } else {
    err = Dns1123SubdomainError(name);
  }
  if (!err.empty()) {
    return Invalid(info.kind, name, "metadata.name", "FieldValueInvalid",
                   "Invalid value: \"" + name + "\": " + err);
  }
  const json& meta = obj["metadata"];
  if (meta.contains("labels") && !meta["labels"].is_object() && !meta["labels"].is_null()) {
    return Invalid(info.kind, name, "metadata.labels", "FieldValueInvalid",
                   "Invalid value: must be a map");
  }
  if (info.resource == "configmaps") {
    std::size_t total = 0;
    for (const char* field : {"data", "binaryData"}) {
      if (obj.contains(field) && obj[field].is_object()) {
        for (const auto& [k, v] : obj[field].items()) {
          total += k.size() + (v.is_string() ? v.get<std::string>().size() : v.dump().size());
        }
      }
    }
    if (total > kConfigMapDataLimit) {
      return Invalid(info.kind, name, "[]", "FieldValueTooLong",
                     "Too long: must have at most 1048576 bytes");
    }
  }
  if (obj.dump().size() > max_object_bytes_) {
    return StatusError(413, "RequestEntityTooLarge",
                       "Request entity too large: limit is " + std::to_string(max_object_bytes_));
  }
  return Reply{};
}

Reply Store::Create(const ResourceInfo& info, const std::string& ns, json obj,
                    const WriteOptions& options, bool run_hooks) {
  std::vector<json> created;
  Reply reply;
  {
    std::lock_guard<std::mutex> lock(mu_);
    reply = CreateLocked(info, ns, std::move(obj), options, &created);
  }
  if (run_hooks && on_created_) {
    for (const json& c : created) {
      on_created_(c);
    }
  }
  return reply;
}

Reply Store::CreateLocked(const ResourceInfo& info, const std::string& ns, json obj,
                          const WriteOptions& options, std::vector<json>* created) {
  if (!obj.is_object()) {
    return BadRequest("the body of the request was not a JSON object");
  }
  if (obj.contains("apiVersion") && obj["apiVersion"] != info.ApiVersion()) {
    return BadRequest("the API version in the data (" + obj["apiVersion"].dump() +
                      ") does not match the expected API version (" + info.ApiVersion() + ")");
  }
  if (obj.contains("kind") && obj["kind"] != info.kind) {
    return BadRequest("the kind in the data (" + obj["kind"].dump() +
                      ") does not match the expected kind (" + info.kind + ")");
  }
  obj["apiVersion"] = info.ApiVersion();
  obj["kind"] = info.kind;
  json& meta = Meta(obj);
  std::string name = MetaString(obj, "name");
  const std::string generate = MetaString(obj, "generateName");
  if (name.empty() && !generate.empty()) {
    name = generate + RandomSuffix(5);
    meta["name"] = name;
  }
  if (name.empty()) {
    return Invalid(info.kind, "", "metadata.name", "FieldValueRequired",
                   "Required value: name or generateName is required");
  }
  if (info.namespaced) {
    const std::string body_ns = MetaString(obj, "namespace");
    if (!body_ns.empty() && !ns.empty() && body_ns != ns) {
      return BadRequest(
          "the namespace of the provided object does not match the namespace sent on the request");
    }
    meta["namespace"] = ns.empty() ? body_ns : ns;
  } else {
    meta.erase("namespace");
  }
  const std::string obj_ns = info.namespaced ? meta["namespace"].get<std::string>() : "";
  if (info.namespaced && obj_ns.empty()) {
    return BadRequest("the server could not find the requested resource (namespace required)");
  }
  if (Reply v = ValidateLocked(info, obj); !v.ok()) {
    return v;
  }
  if (info.namespaced && objects_["namespaces"].count({"", obj_ns}) == 0) {
    return NotFound("namespaces", obj_ns);
  }
  Bucket& bucket = objects_[info.GroupResource()];
  const Key key{obj_ns, name};
  if (bucket.count(key) != 0) {
    return AlreadyExists(info.GroupResource(), name);
  }
  if (info.resource == "customresourcedefinitions") {
    std::string err;
    Registry probe;
    if (!probe.AddCrd(obj, &err)) {
      return Invalid(info.kind, name, "spec", "FieldValueInvalid", err);
    }
    const json names = obj["spec"].value("names", json::object());
    obj["status"] = {
        {"acceptedNames", names},
        {"storedVersions", json::array()},
        {"conditions",
         json::array(
             {json{{"type", "NamesAccepted"}, {"status", "True"}, {"reason", "NoConflicts"}},
              json{{"type", "Established"},
                   {"status", "True"},
                   {"reason", "InitialNamesAccepted"}}})}};
  }
  if (info.resource == "namespaces" && !obj.contains("status")) {
    obj["status"] = {{"phase", "Active"}};
  }
  json& m = Meta(obj);
  m.erase("resourceVersion");
  m["uid"] = NewUid();
  m["creationTimestamp"] = NowString();
  if (obj.contains("spec")) {
    m["generation"] = 1;
  } else {
    m.erase("generation");
  }
  m.erase("managedFields");
  RecordUpdate(nullptr, &obj, options.manager, NowString());
  if (options.dry_run) {
    return Reply{201, Output(info, obj)};
  }
  ++rv_;
  Meta(obj)["resourceVersion"] = std::to_string(rv_);
  if (info.resource == "customresourcedefinitions") {
    std::string err;
    (void)registry_->AddCrd(obj, &err);
  }
  bucket[key] = obj;
  EmitLocked("ADDED", info.GroupResource(), obj_ns, obj, nullptr);
  created->push_back(obj);
  return Reply{201, Output(info, obj)};
}

Reply Store::CommitLocked(const ResourceInfo& info, const Key& key, const json& old, json updated,
                          const WriteOptions& options, bool is_apply) {
  const std::string name = key.second;
  if (!updated.is_object()) {
    return BadRequest("the body of the request was not a JSON object");
  }
  const std::string body_rv = MetaString(updated, "resourceVersion");
  if (!body_rv.empty() && body_rv != MetaString(old, "resourceVersion")) {
    return ModifiedConflict(info.GroupResource(), name);
  }
  const std::string body_uid = MetaString(updated, "uid");
  if (!body_uid.empty() && body_uid != MetaString(old, "uid")) {
    return StatusError(409, "Conflict",
                       "Operation cannot be fulfilled on " + info.GroupResource() + " \"" + name +
                           "\": Precondition failed: UID in precondition: " + body_uid +
                           ", UID in object meta: " + MetaString(old, "uid"));
  }
  const std::string body_name = MetaString(updated, "name");
  if (!body_name.empty() && body_name != name) {
    return BadRequest("the name of the object (" + body_name +
                      ") does not match the name on the URL (" + name + ")");
  }
  json next;
  if (options.status_only) {
    next = old;
    if (updated.contains("status")) {
      next["status"] = updated["status"];
    } else {
      next.erase("status");
    }
  } else {
    next = std::move(updated);
    if (info.HasSubresource("status") || info.resource == "pods") {
      if (old.contains("status")) {
        next["status"] = old["status"];
      } else {
        next.erase("status");
      }
    }
  }
  next["apiVersion"] = info.ApiVersion();
  next["kind"] = info.kind;
  json& m = Meta(next);
  const json& om = old["metadata"];
  for (const char* f : {"name", "namespace", "uid", "creationTimestamp", "deletionTimestamp"}) {
    if (om.contains(f)) {
      m[f] = om[f];
    } else {
      m.erase(f);
    }
  }
  m["resourceVersion"] = om.value("resourceVersion", "");
  if (om.contains("generation") || next.contains("spec")) {
    std::int64_t generation = om.value("generation", 1);
    if (SpecPart(next) != SpecPart(old)) {
      ++generation;
    }
    m["generation"] = generation;
  } else {
    m.erase("generation");
  }
  if (!is_apply) {
    m["managedFields"] = om.contains("managedFields") ? om["managedFields"] : json::array();
    RecordUpdate(old, &next, options.manager, NowString());
  }
  if (Reply v = ValidateLocked(info, next); !v.ok()) {
    return v;
  }
  if (Comparable(next) == Comparable(old) &&
      StripTimes(Meta(next).value("managedFields", json())) ==
          StripTimes(om.value("managedFields", json()))) {
    return Reply{200, Output(info, old)};  // no-op write: no new resourceVersion
  }
  if (options.dry_run) {
    return Reply{200, Output(info, next)};
  }
  ++rv_;
  Meta(next)["resourceVersion"] = std::to_string(rv_);
  if (info.resource == "customresourcedefinitions") {
    std::string err;
    (void)registry_->AddCrd(next, &err);
  }
  objects_[info.GroupResource()][key] = next;
  EmitLocked("MODIFIED", info.GroupResource(), key.first, next, old);
  return Reply{200, Output(info, next)};
}

Reply Store::Update(const ResourceInfo& info, const std::string& ns, const std::string& name,
                    json obj, const WriteOptions& options) {
  std::lock_guard<std::mutex> lock(mu_);
  if (obj.is_object() && obj.contains("kind") && obj["kind"] != info.kind) {
    return BadRequest("the kind in the data (" + obj["kind"].dump() +
                      ") does not match the expected kind (" + info.kind + ")");
  }
  const Key key{info.namespaced ? ns : "", name};
  Bucket& bucket = objects_[info.GroupResource()];
  auto it = bucket.find(key);
  if (it == bucket.end()) {
    return NotFound(info.GroupResource(), name);
  }
  const json old = it->second;
  return CommitLocked(info, key, old, std::move(obj), options, false);
}

Reply Store::Patch(const ResourceInfo& info, const std::string& ns, const std::string& name,
                   const std::string& content_type, const std::string& body,
                   const WriteOptions& options) {
  const bool apply = content_type.find("application/apply-patch") != std::string::npos;
  json patch;
  if (apply) {
    std::vector<json> docs;
    std::string err;
    if (!ParseYamlDocuments(body, &docs, &err) || docs.size() != 1 || !docs[0].is_object()) {
      return BadRequest("error decoding YAML: " + (err.empty() ? "expected one object" : err));
    }
    patch = docs[0];
    if (options.manager.empty()) {
      return BadRequest(
          "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required "
          "for apply patch");
    }
  } else {
    patch = json::parse(body, nullptr, false);
    if (patch.is_discarded()) {
      return BadRequest("error decoding patch: invalid JSON");
    }
  }
  std::vector<json> created;
  Reply reply;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const Key key{info.namespaced ? ns : "", name};
    Bucket& bucket = objects_[info.GroupResource()];
    auto it = bucket.find(key);
    if (it == bucket.end()) {
      if (!apply) {
        return NotFound(info.GroupResource(), name);
      }
      if (MetaString(patch, "name").empty()) {
        Meta(patch)["name"] = name;
      }
      ApplyOutcome out =
          ServerSideApply(nullptr, patch, options.manager, options.force, NowString());
      reply = CreateLocked(info, ns, patch, options, &created);
      if (reply.ok() && !options.dry_run) {
        json& stored = bucket[key];
        Meta(stored)["managedFields"] = out.object["metadata"].value("managedFields", json());
        Meta(stored)["managedFields"][0]["time"] = MetaString(stored, "creationTimestamp");
        history_.back().object = stored;
        created.back() = stored;
        reply.body = Output(info, stored);
      }
    } else {
      const json old = it->second;
      json updated;
      if (apply) {
        if (patch.contains("kind") && patch["kind"] != info.kind) {
          return BadRequest("the kind in the data does not match the expected kind (" + info.kind +
                            ")");
        }
        ApplyOutcome out = ServerSideApply(old, patch, options.manager, options.force, NowString());
        if (!out.ok) {
          json causes = json::array();
          for (const auto& [mgr, path] : out.conflicts) {
            causes.push_back({{"reason", "FieldManagerConflict"},
                              {"message", "conflict with \"" + mgr + "\""},
                              {"field", PathString(path)}});
          }
          return StatusError(409, "Conflict", ConflictMessage(out.conflicts),
                             json{{"name", name}, {"kind", info.resource}, {"causes", causes}});
        }
        updated = std::move(out.object);
        if (!MetaString(patch, "resourceVersion").empty()) {
          Meta(updated)["resourceVersion"] = MetaString(patch, "resourceVersion");
        } else {
          Meta(updated).erase("resourceVersion");
        }
      } else if (content_type.find("json-patch") != std::string::npos) {
        try {
          updated = old.patch(patch);
        } catch (const std::exception& e) {
          return StatusError(
              422, "Invalid",
              std::string("the server rejected our request due to an error in our request: ") +
                  e.what());
        }
      } else {
        if (!patch.is_object()) {
          return BadRequest("error decoding patch: a merge patch must be a JSON object");
        }
        updated = old;
        updated.merge_patch(patch);
      }
      if (!apply && MetaString(updated, "resourceVersion") == MetaString(old, "resourceVersion")) {
        Meta(updated).erase("resourceVersion");
      }
      reply = CommitLocked(info, key, old, std::move(updated), options, apply);
    }
  }
  if (on_created_) {
    for (const json& c : created) {
      on_created_(c);
    }
  }
  return reply;
}

void Store::DeleteLocked(const ResourceInfo& info, const Key& key, bool cascade,
                         std::vector<json>* deleted) {
  Bucket& bucket = objects_[info.GroupResource()];
  auto it = bucket.find(key);
  if (it == bucket.end()) {
    return;
  }
  json obj = it->second;
  bucket.erase(it);
  ++rv_;
  Meta(obj)["resourceVersion"] = std::to_string(rv_);
  EmitLocked("DELETED", info.GroupResource(), key.first, obj, nullptr);
  deleted->push_back(Output(info, obj));
  const std::string uid = MetaString(obj, "uid");
  if (info.resource == "namespaces") {
    for (auto& [gr, other] : objects_) {
      auto other_info = InfoForGroupResource(gr);
      if (!other_info || !other_info->namespaced) {
        continue;
      }
      std::vector<Key> keys;
      for (const auto& [k, v] : other) {
        if (k.first == key.second) {
          keys.push_back(k);
        }
      }
      for (const Key& k : keys) {
        DeleteLocked(*other_info, k, false, deleted);
      }
    }
  }
  if (info.resource == "customresourcedefinitions") {
    const json spec = obj.value("spec", json::object());
    const std::string gr =
        spec.value("names", json::object()).value("plural", "") + "." + spec.value("group", "");
    if (auto cr_info = InfoForGroupResource(gr)) {
      std::vector<Key> keys;
      for (const auto& [k, v] : objects_[gr]) {
        keys.push_back(k);
      }
      for (const Key& k : keys) {
        DeleteLocked(*cr_info, k, false, deleted);
      }
    }
    registry_->RemoveCrd(key.second);
  }
  if (cascade) {
    for (auto& [gr, other] : objects_) {
      std::vector<Key> keys;
      for (const auto& [k, v] : other) {
        const json refs = v["metadata"].value("ownerReferences", json::array());
        for (const json& ref : refs) {
          if (ref.is_object() && ref.value("uid", "") == uid) {
            keys.push_back(k);
          }
        }
      }
      if (keys.empty()) {
        continue;
      }
      auto other_info = InfoForGroupResource(gr);
      if (!other_info) {
        continue;
      }
      for (const Key& k : keys) {
        DeleteLocked(*other_info, k, true, deleted);
      }
    }
  }
}

Reply Store::Delete(const ResourceInfo& info, const std::string& ns, const std::string& name,
                    const json& delete_options, bool dry_run) {
  std::vector<json> deleted;
  Reply reply;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const Key key{info.namespaced ? ns : "", name};
    Bucket& bucket = objects_[info.GroupResource()];
    auto it = bucket.find(key);
    if (it == bucket.end()) {
      return NotFound(info.GroupResource(), name);
    }
    const json& obj = it->second;
    std::string policy = info.resource == "jobs" ? "Orphan" : "Background";
    if (delete_options.is_object()) {
      policy = delete_options.value("propagationPolicy", policy);
      if (delete_options.value("orphanDependents", false)) {
        policy = "Orphan";
      }
      const json pre = delete_options.value("preconditions", json::object());
      if (pre.is_object()) {
        const std::string uid = pre.value("uid", "");
        if (!uid.empty() && uid != MetaString(obj, "uid")) {
          return StatusError(409, "Conflict",
                             "Operation cannot be fulfilled on " + info.GroupResource() + " \"" +
                                 name + "\": Precondition failed: UID in precondition: " + uid +
                                 ", UID in object meta: " + MetaString(obj, "uid"));
        }
        const std::string rv = pre.value("resourceVersion", "");
        if (!rv.empty() && rv != MetaString(obj, "resourceVersion")) {
          return StatusError(
              409, "Conflict",
              "Operation cannot be fulfilled on " + info.GroupResource() + " \"" + name +
                  "\": Precondition failed: ResourceVersion in "
                  "precondition: " +
                  rv + ", ResourceVersion in object meta: " + MetaString(obj, "resourceVersion"));
        }
      }
    }
    if (dry_run) {
      return Reply{200, Output(info, obj)};
    }
    DeleteLocked(info, key, policy != "Orphan", &deleted);
    reply = Reply{200, deleted.front()};
  }
  if (on_deleted_) {
    for (const json& d : deleted) {
      on_deleted_(d);
    }
  }
  return reply;
}

Reply Store::DeleteCollection(const ResourceInfo& info, const std::string& ns,
                              const ListOptions& options) {
  std::vector<json> deleted;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<Key> keys;
    for (const auto& [k, v] : objects_[info.GroupResource()]) {
      if (info.namespaced && !ns.empty() && k.first != ns) {
        continue;
      }
      if (options.labels.Matches(v) && options.fields.Matches(v)) {
        keys.push_back(k);
      }
    }
    for (const Key& k : keys) {
      DeleteLocked(info, k, info.resource != "jobs", &deleted);
    }
  }
  if (on_deleted_) {
    for (const json& d : deleted) {
      on_deleted_(d);
    }
  }
  json items = json::array();
  for (const json& d : deleted) {
    if (d.value("kind", "") == info.kind) {
      items.push_back(d);
    }
  }
  return Reply{200, json{{"apiVersion", info.ApiVersion()},
                         {"kind", info.kind + "List"},
                         {"metadata", {{"resourceVersion", std::to_string(CurrentRv())}}},
                         {"items", items}}};
}

bool Store::UpdateStatus(const std::string& group, const std::string& resource,
                         const std::string& ns, const std::string& name, const json& status) {
  const std::string gr = group.empty() ? resource : resource + "." + group;
  auto info = InfoForGroupResource(gr);
  if (!info) {
    return false;
  }
  std::lock_guard<std::mutex> lock(mu_);
  const Key key{info->namespaced ? ns : "", name};
  auto it = objects_[gr].find(key);
  if (it == objects_[gr].end()) {
    return false;
  }
  const json old = it->second;
  json next = old;
  next["status"] = status;
  WriteOptions opts;
  opts.manager = "kubelet";
  opts.status_only = true;
  Meta(next).erase("resourceVersion");
  return CommitLocked(*info, key, old, next, opts, false).ok();
}

std::optional<json> Store::Lookup(const std::string& group, const std::string& resource,
                                  const std::string& ns, const std::string& name) {
  const std::string gr = group.empty() ? resource : resource + "." + group;
  auto info = InfoForGroupResource(gr);
  if (!info) {
    return std::nullopt;
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto it = objects_[gr].find({info->namespaced ? ns : "", name});
  if (it == objects_[gr].end()) {
    return std::nullopt;
  }
  return Output(*info, it->second);
}

std::vector<json> Store::Snapshot(const ResourceInfo& info, const std::string& ns,
                                  std::uint64_t* rv) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<json> out;
  for (const auto& [k, v] : objects_[info.GroupResource()]) {
    if (info.namespaced && !ns.empty() && k.first != ns) {
      continue;
    }
    out.push_back(Output(info, v));
  }
  *rv = rv_;
  return out;
}

bool Store::EventsAfter(std::uint64_t after, std::chrono::milliseconds wait,
                        std::vector<WatchEvent>* out, std::uint64_t* seen) {
  std::unique_lock<std::mutex> lock(mu_);
  if (after < compacted_rv_) {
    return false;
  }
  const std::uint64_t epoch = epoch_;
  cv_.wait_for(lock, wait, [&] { return rv_ > after || shutdown_ || epoch_ != epoch; });
  if (after < compacted_rv_) {
    return false;
  }
  auto it = std::upper_bound(history_.begin(), history_.end(), after,
                             [](std::uint64_t rv, const WatchEvent& e) { return rv < e.rv; });
  out->insert(out->end(), it, history_.end());
  *seen = rv_;
  return true;
}

std::uint64_t Store::CurrentRv() {
  std::lock_guard<std::mutex> lock(mu_);
  return rv_;
}

std::uint64_t Store::CompactedRv() {
  std::lock_guard<std::mutex> lock(mu_);
  return compacted_rv_;
}

void Store::Compact() {
  std::lock_guard<std::mutex> lock(mu_);
  history_.clear();
  compacted_rv_ = rv_;
  cv_.notify_all();
}

std::uint64_t Store::WatchEpoch() {
  std::lock_guard<std::mutex> lock(mu_);
  return epoch_;
}

void Store::CloseWatches() {
  std::lock_guard<std::mutex> lock(mu_);
  ++epoch_;
  cv_.notify_all();
}

void Store::Shutdown() {
  std::lock_guard<std::mutex> lock(mu_);
  shutdown_ = true;
  ++epoch_;
  cv_.notify_all();
}

bool Store::ShuttingDown() {
  std::lock_guard<std::mutex> lock(mu_);
  return shutdown_;
}

}  // namespace aicr::testing::apiserver
