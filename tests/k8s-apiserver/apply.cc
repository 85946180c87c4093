#include "tests/k8s-apiserver/apply.h"

#include <algorithm>
#include <functional>
#include <map>

namespace aicr::testing::apiserver {
namespace {

using nlohmann::json;

const std::set<std::string> kSystemMetadata = {
    "name",       "namespace",         "uid",           "resourceVersion",
    "generation", "creationTimestamp", "managedFields", "deletionTimestamp",
    "selfLink"};

void Walk(const json& v, FieldPath* prefix, FieldSet* out) {
  if (v.is_object() && !v.empty()) {
    for (const auto& [k, child] : v.items()) {
      prefix->push_back(k);
      Walk(child, prefix, out);
      prefix->pop_back();
    }
    return;
  }
  out->insert(*prefix);
}

const json* At(const json& obj, const FieldPath& p) {
  const json* cur = &obj;
  for (const std::string& k : p) {
    if (!cur->is_object() || !cur->contains(k)) {
      return nullptr;
    }
    cur = &(*cur)[k];
  }
  return cur;
}

void Remove(json* obj, const FieldPath& p, std::size_t i = 0) {
  if (!obj->is_object() || !obj->contains(p[i])) {
    return;
  }
  if (i + 1 == p.size()) {
    obj->erase(p[i]);
    return;
  }
  json& child = (*obj)[p[i]];
  Remove(&child, p, i + 1);
  if (child.is_object() && child.empty()) {
    obj->erase(p[i]);
  }
}

bool Overlaps(const FieldPath& a, const FieldPath& b) {
  const std::size_t n = std::min(a.size(), b.size());
  return std::equal(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(n), b.begin());
}

struct Entry {
  std::string manager;
  std::string operation;
  std::string api_version;
  std::string time;
  FieldSet fields;
};

std::vector<Entry> ReadEntries(const json& obj) {
  std::vector<Entry> entries;
  if (!obj.is_object() || !obj.contains("metadata") || !obj["metadata"].contains("managedFields")) {
    return entries;
  }
  for (const json& e : obj["metadata"]["managedFields"]) {
    if (!e.is_object()) {
      continue;
    }
    Entry entry;
    entry.manager = e.value("manager", "");
    entry.operation = e.value("operation", "Update");
    entry.api_version = e.value("apiVersion", "");
    entry.time = e.value("time", "");
    entry.fields = DecodeFieldsV1(e.value("fieldsV1", json::object()));
    entries.push_back(std::move(entry));
  }
  return entries;
}

void WriteEntries(json* obj, const std::vector<Entry>& entries) {
  json arr = json::array();
  for (const Entry& e : entries) {
    if (e.fields.empty()) {
      continue;
    }
    arr.push_back({{"manager", e.manager},
                   {"operation", e.operation},
                   {"apiVersion", e.api_version},
                   {"time", e.time},
                   {"fieldsType", "FieldsV1"},
                   {"fieldsV1", EncodeFieldsV1(e.fields)}});
  }
  if (arr.empty()) {
    (*obj)["metadata"].erase("managedFields");
  } else {
    (*obj)["metadata"]["managedFields"] = arr;
  }
}

Entry* FindEntry(std::vector<Entry>* entries, const std::string& manager,
                 const std::string& operation, const std::string& api_version,
                 const std::string& now) {
  for (Entry& e : *entries) {
    if (e.manager == manager && e.operation == operation) {
      e.time = now;
      e.api_version = api_version;
      return &e;
    }
  }
  entries->push_back(Entry{manager, operation, api_version, now, {}});
  return &entries->back();
}

}  // namespace

FieldSet LeafFields(const json& obj) {
  FieldSet out;
  if (!obj.is_object()) {
    return out;
  }
  FieldPath prefix;
  for (const auto& [k, v] : obj.items()) {
    if (k == "apiVersion" || k == "kind" || k == "status") {
      continue;
    }
    if (k == "metadata" && v.is_object()) {
      for (const auto& [mk, mv] : v.items()) {
        if (kSystemMetadata.count(mk) != 0) {
          continue;
        }
        prefix = {"metadata", mk};
        Walk(mv, &prefix, &out);
      }
      continue;
    }
    prefix = {k};
    Walk(v, &prefix, &out);
  }
  return out;
}

json EncodeFieldsV1(const FieldSet& fields) {
  json root = json::object();
  for (const FieldPath& p : fields) {
    json* cur = &root;
    for (const std::string& k : p) {
      json& next = (*cur)["f:" + k];
      if (next.is_null()) {
        next = json::object();
      }
      cur = &next;
    }
  }
  return root;
}

FieldSet DecodeFieldsV1(const json& v1) {
  FieldSet out;
  FieldPath prefix;
  std::function<void(const json&)> walk = [&](const json& node) {
    bool child = false;
    if (node.is_object()) {
      for (const auto& [k, v] : node.items()) {
        if (k.rfind("f:", 0) == 0) {
          child = true;
          prefix.push_back(k.substr(2));
          walk(v);
          prefix.pop_back();
        }
      }
    }
    if (!child && !prefix.empty()) {
      out.insert(prefix);
    }
  };
  walk(v1);
  return out;
}

json DeepMerge(json base, const json& overlay) {
  if (!base.is_object() || !overlay.is_object()) {
    return overlay;
  }
  for (const auto& [k, v] : overlay.items()) {
    if (base.contains(k) && base[k].is_object() && v.is_object()) {
      base[k] = DeepMerge(base[k], v);
    } else {
      base[k] = v;
    }
  }
  return base;
}

std::string PathString(const FieldPath& p) {
  std::string s;
  for (const std::string& k : p) {
    s += "." + k;
  }
  return s;
}

std::string ConflictMessage(const std::vector<std::pair<std::string, FieldPath>>& conflicts) {
  std::string msg = "Apply failed with " + std::to_string(conflicts.size()) + " conflict" +
                    (conflicts.size() == 1 ? "" : "s") + ": ";
  for (std::size_t i = 0; i < conflicts.size(); ++i) {
    if (i > 0) {
      msg += "\n";
    }
    msg += "conflict with \"" + conflicts[i].first + "\": " + PathString(conflicts[i].second);
  }
  return msg;
}

ApplyOutcome ServerSideApply(const json& live, const json& applied, const std::string& manager,
                             bool force, const std::string& now) {
  ApplyOutcome outcome;
  const std::string api_version = applied.value("apiVersion", "");
  const FieldSet mine_new = LeafFields(applied);
  std::vector<Entry> entries = live.is_null() ? std::vector<Entry>{} : ReadEntries(live);
  // Conflicts with other owners of the applied leaves.
  std::map<std::size_t, FieldSet> taken;  // entry index → fields forced away
  for (const FieldPath& p : mine_new) {
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const Entry& e = entries[i];
      if (e.manager == manager && e.operation == "Apply") {
        continue;
      }
      for (const FieldPath& q : e.fields) {
        if (!Overlaps(p, q)) {
          continue;
        }
        // An applied empty map next to another manager's keys is no conflict.
        const FieldPath& shorter = p.size() < q.size() ? p : q;
        const json* at_short = At(p.size() < q.size() ? applied : live, shorter);
        if (p != q && at_short != nullptr && at_short->is_object()) {
          continue;
        }
        const json* have = At(live, q);
        const json* want = At(applied, q);
        if (have != nullptr && want != nullptr && *have == *want) {
          continue;  // same value: shared ownership
        }
        if (force) {
          taken[i].insert(q);
        } else {
          outcome.conflicts.emplace_back(e.manager, q);
        }
      }
    }
  }
  if (!outcome.conflicts.empty()) {
    outcome.ok = false;
    return outcome;
  }
  for (const auto& [i, fields] : taken) {
    for (const FieldPath& q : fields) {
      entries[i].fields.erase(q);
    }
  }
  json merged = live.is_null() ? applied : DeepMerge(live, applied);
  Entry* mine = FindEntry(&entries, manager, "Apply", api_version, now);
  for (const FieldPath& p : mine->fields) {
    if (mine_new.count(p) != 0) {
      continue;
    }
    bool other = false;
    for (const Entry& e : entries) {
      if (&e != mine && e.fields.count(p) != 0) {
        other = true;
      }
    }
    if (!other) {
      Remove(&merged, p);
    }
  }
  mine->fields = mine_new;
  if (!merged.contains("metadata") || !merged["metadata"].is_object()) {
    merged["metadata"] = json::object();
  }
  WriteEntries(&merged, entries);
  outcome.object = std::move(merged);
  return outcome;
}

void RecordUpdate(const json& old, json* updated, const std::string& manager,
                  const std::string& now) {
  std::vector<Entry> entries = old.is_null() ? std::vector<Entry>{} : ReadEntries(old);
  const FieldSet before = LeafFields(old);
  const FieldSet after = LeafFields(*updated);
  FieldSet changed;
  for (const FieldPath& p : after) {
    const json* a = At(old, p);
    if (a == nullptr || *a != *At(*updated, p)) {
      changed.insert(p);
    }
  }
  for (Entry& e : entries) {
    for (auto it = e.fields.begin(); it != e.fields.end();) {
      const bool gone = after.count(*it) == 0;
      const bool retaken = changed.count(*it) != 0;
      it = (gone || retaken) ? e.fields.erase(it) : std::next(it);
    }
  }
  (void)before;
  if (!changed.empty()) {
    Entry* mine =
        FindEntry(&entries, manager, "Update", updated->value("apiVersion", std::string()), now);
    mine->fields.insert(changed.begin(), changed.end());
  }
  if (!updated->contains("metadata") || !(*updated)["metadata"].is_object()) {
    (*updated)["metadata"] = json::object();
  }
  WriteEntries(updated, entries);
}

}  // namespace aicr::testing::apiserver
