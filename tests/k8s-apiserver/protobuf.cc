#include "tests/k8s-apiserver/protobuf.h"

#include <cstdint>
#include <map>

#include "tests/k8s-apiserver/util.h"

namespace aicr::testing::apiserver {
namespace {

using nlohmann::json;

enum class T { kString, kBytes, kInt, kBool, kMessage, kStringMap, kBytesMap, kStrings, kMessages };

struct Field {
  std::string name;
  T type;
  std::string message;  // for kMessage / kMessages
};

using Schema = std::map<int, Field>;

const std::map<std::string, Schema>& Schemas() {
  static const std::map<std::string, Schema> kSchemas = {
      {"TypeMeta", {{1, {"apiVersion", T::kString, ""}}, {2, {"kind", T::kString, ""}}}},
      {"Unknown",
       {{1, {"typeMeta", T::kMessage, "TypeMeta"}},
        {2, {"raw", T::kBytes, ""}},
        {3, {"contentEncoding", T::kString, ""}},
        {4, {"contentType", T::kString, ""}}}},
      {"OwnerReference",
       {{1, {"kind", T::kString, ""}},
        {3, {"name", T::kString, ""}},
        {4, {"uid", T::kString, ""}},
        {5, {"apiVersion", T::kString, ""}},
        {6, {"controller", T::kBool, ""}},
        {7, {"blockOwnerDeletion", T::kBool, ""}}}},
      {"ObjectMeta",
       {{1, {"name", T::kString, ""}},
        {2, {"generateName", T::kString, ""}},
        {3, {"namespace", T::kString, ""}},
        {5, {"uid", T::kString, ""}},
        {6, {"resourceVersion", T::kString, ""}},
        {11, {"labels", T::kStringMap, ""}},
        {12, {"annotations", T::kStringMap, ""}},
        {13, {"ownerReferences", T::kMessages, "OwnerReference"}},
        {14, {"finalizers", T::kStrings, ""}}}},
      {"ConfigMap",
       {{1, {"metadata", T::kMessage, "ObjectMeta"}},
        {2, {"data", T::kStringMap, ""}},
        {3, {"binaryData", T::kBytesMap, ""}},
        {4, {"immutable", T::kBool, ""}}}},
      {"Secret",
       {{1, {"metadata", T::kMessage, "ObjectMeta"}},
        {2, {"data", T::kBytesMap, ""}},
        {3, {"type", T::kString, ""}},
        {4, {"stringData", T::kStringMap, ""}},
        {5, {"immutable", T::kBool, ""}}}},
      {"Namespace", {{1, {"metadata", T::kMessage, "ObjectMeta"}}}},
      {"ServiceAccount",
       {{1, {"metadata", T::kMessage, "ObjectMeta"}},
        {4, {"automountServiceAccountToken", T::kBool, ""}}}},
      {"ResourceAttributes",
       {{1, {"namespace", T::kString, ""}},
        {2, {"verb", T::kString, ""}},
        {3, {"group", T::kString, ""}},
        {4, {"version", T::kString, ""}},
        {5, {"resource", T::kString, ""}},
        {6, {"subresource", T::kString, ""}},
        {7, {"name", T::kString, ""}}}},
      {"NonResourceAttributes", {{1, {"path", T::kString, ""}}, {2, {"verb", T::kString, ""}}}},
      {"SelfSubjectAccessReviewSpec",
       {{1, {"resourceAttributes", T::kMessage, "ResourceAttributes"}},
        {2, {"nonResourceAttributes", T::kMessage, "NonResourceAttributes"}}}},
      {"SubjectAccessReviewSpec",
       {{1, {"resourceAttributes", T::kMessage, "ResourceAttributes"}},
        {2, {"nonResourceAttributes", T::kMessage, "NonResourceAttributes"}},
        {3, {"user", T::kString, ""}},
        {4, {"groups", T::kStrings, ""}},
        {6, {"uid", T::kString, ""}}}},
      {"SelfSubjectAccessReview",
       {{1, {"metadata", T::kMessage, "ObjectMeta"}},
        {2, {"spec", T::kMessage, "SelfSubjectAccessReviewSpec"}}}},
      {"SubjectAccessReview",
       {{1, {"metadata", T::kMessage, "ObjectMeta"}},
        {2, {"spec", T::kMessage, "SubjectAccessReviewSpec"}}}},
      {"MapEntry", {{1, {"key", T::kString, ""}}, {2, {"value", T::kBytes, ""}}}},
  };
  return kSchemas;
}

class Reader {
 public:
  explicit Reader(const std::string& data) : data_(data) {}
  bool done() const { return pos_ >= data_.size(); }
  bool Varint(std::uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) {
        return false;
      }
      const auto b = static_cast<unsigned char>(data_[pos_++]);
      *v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return true;
      }
    }
    return false;
  }
  bool Bytes(std::string* out) {
    std::uint64_t n = 0;
    if (!Varint(&n) || n > data_.size() - pos_) {
      return false;
    }
    *out = data_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool Skip(int wire) {
    std::uint64_t v = 0;
    std::string s;
    switch (wire) {
      case 0:
        return Varint(&v);
      case 1:
        pos_ += 8;
        return pos_ <= data_.size();
      case 2:
        return Bytes(&s);
      case 5:
        pos_ += 4;
        return pos_ <= data_.size();
      default:
        return false;
    }
  }

 private:
  const std::string& data_;
  std::size_t pos_ = 0;
};

bool Decode(const std::string& data, const std::string& message, json* out, int depth) {
  if (depth > 16) {
    return false;
  }
  const Schema& schema = Schemas().at(message);
  *out = json::object();
  Reader r(data);
  while (!r.done()) {
    std::uint64_t key = 0;
    if (!r.Varint(&key)) {
      return false;
    }
    const int number = static_cast<int>(key >> 3);
    const int wire = static_cast<int>(key & 7);
    auto it = schema.find(number);
    if (it == schema.end()) {
      if (!r.Skip(wire)) {
        return false;
      }
      continue;
    }
    const Field& f = it->second;
    if (f.type == T::kInt || f.type == T::kBool) {
      std::uint64_t v = 0;
      if (wire != 0 || !r.Varint(&v)) {
        return false;
      }
      (*out)[f.name] = f.type == T::kBool ? json(v != 0) : json(static_cast<std::int64_t>(v));
      continue;
    }
    std::string bytes;
    if (wire != 2 || !r.Bytes(&bytes)) {
      return false;
    }
    switch (f.type) {
      case T::kString:
        if (!bytes.empty()) {  // proto2 writes empty optionals; JSON omits them
          (*out)[f.name] = bytes;
        }
        break;
      case T::kBytes:
        (*out)[f.name] = bytes;
        break;
      case T::kStrings:
        (*out)[f.name].push_back(bytes);
        break;
      case T::kMessage:
      case T::kMessages: {
        json child;
        if (!Decode(bytes, f.message, &child, depth + 1)) {
          return false;
        }
        if (f.type == T::kMessage) {
          (*out)[f.name] = child;
        } else {
          (*out)[f.name].push_back(child);
        }
        break;
      }
      case T::kStringMap:
      case T::kBytesMap: {
        json entry;
        if (!Decode(bytes, "MapEntry", &entry, depth + 1)) {
          return false;
        }
        const std::string value = entry.value("value", "");
        (*out)[f.name][entry.value("key", "")] =
            f.type == T::kBytesMap ? Base64Encode(value) : value;
        break;
      }
      default:
        break;
    }
  }
  return true;
}

}  // namespace

bool DecodeProtobufObject(const std::string& body, json* out, std::string* err) {
  static const std::string kMagic("k8s\0", 4);
  if (body.compare(0, 4, kMagic) != 0) {
    *err = "protobuf body without the k8s envelope";
    return false;
  }
  json unknown;
  if (!Decode(body.substr(4), "Unknown", &unknown, 0)) {
    *err = "malformed protobuf envelope";
    return false;
  }
  const json tm = unknown.value("typeMeta", json::object());
  const std::string kind = tm.value("kind", "");
  if (Schemas().count(kind) == 0 || kind == "Unknown" || kind == "TypeMeta" ||
      kind == "ObjectMeta" || kind == "MapEntry") {
    *err =
        "the body of the request was in an unknown format - accepted media types include: "
        "application/json, application/yaml";
    return false;
  }
  if (!Decode(unknown.value("raw", ""), kind, out, 0)) {
    *err = "malformed protobuf " + kind;
    return false;
  }
  (*out)["apiVersion"] = tm.value("apiVersion", "");
  (*out)["kind"] = kind;
  return true;
}

}  // namespace aicr::testing::apiserver
