#include "k8s/configmap_store.h"

#include <chrono>
#include <string>
#include <utility>

#include "base/status_macros.h"
#include "k8s/resource.h"
#include "serialize/json_writer.h"

namespace aicr::k8s {
namespace {

constexpr std::chrono::seconds kCallTimeout{30};

Status TooLarge(const serialize::ConfigMapRef& ref, std::size_t bytes) {
  std::string size = bytes == 0 ? std::string("over the limit") : std::to_string(bytes) + " bytes";
  return InvalidRequestError(ref.ToUri() + ": the document does not fit in a ConfigMap (" + size +
                             " of data; Kubernetes allows at most " +
                             std::to_string(kConfigMapDataLimit) +
                             " bytes (1 MiB)); write it to a file or an OCI registry instead");
}

// The API server's own size answers: 413 (request entity too large) or 422
// with "Too long: must have at most 1048576 bytes".
bool IsSizeRejection(const Status& s) {
  const std::string& m = s.message();
  return s.code() == ErrorCode::kInvalidRequest &&
         (m.find("request entity too large") != std::string::npos ||
          m.find("Too long") != std::string::npos || m.find("too long") != std::string::npos);
}

CallOptions Call(const CancelToken& cancel) {
  CallOptions call;
  call.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(kCallTimeout);
  call.cancel = cancel;
  return call;
}

std::map<std::string, std::string> StringMap(const serialize::Value* v) {
  std::map<std::string, std::string> out;
  if (v == nullptr || !v->is_mapping()) {
    return out;
  }
  for (const auto& [key, value] : *v->if_mapping()) {
    if (const std::string* s = value.if_string()) {
      out[key] = *s;
    }
  }
  return out;
}

serialize::Value ToMapping(const std::map<std::string, std::string>& m) {
  serialize::Value out = serialize::Value::EmptyMapping();
  for (const auto& [k, v] : m) {
    out.Set(k, serialize::Value(v));
  }
  return out;
}

}  // namespace

std::size_t ConfigMapDataSize(const serialize::ConfigMapData& data) {
  std::size_t n = 0;
  for (const auto& [k, v] : data.data) {
    n += k.size() + v.size();
  }
  return n;
}

ConfigMapStore::ConfigMapStore(ResolveOptions resolve) : resolve_(std::move(resolve)) {}

ConfigMapStore::ConfigMapStore(std::shared_ptr<const Client> client)
    : client_(std::move(client)), tried_(true) {}

Result<std::shared_ptr<const Client>> ConfigMapStore::Connect() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!tried_) {
    tried_ = true;
    Result<std::shared_ptr<const Client>> made = [&]() -> Result<std::shared_ptr<const Client>> {
      AICR_ASSIGN_OR_RETURN(const RestConfig config, ResolveRestConfig(resolve_));
      AICR_ASSIGN_OR_RETURN(Client client, Client::Connect(config));
      return std::make_shared<const Client>(std::move(client));
    }();
    if (made.ok()) {
      client_ = std::move(*made);
    } else {
      connect_error_ = made.status();
    }
  }
  if (client_ == nullptr) {
    return connect_error_;
  }
  return client_;
}

Result<serialize::ConfigMapData> ConfigMapStore::Get(const serialize::ConfigMapRef& ref,
                                                     const CancelToken& cancel) {
  Result<std::shared_ptr<const Client>> client = Connect();
  if (!client.ok()) {
    return client.status().WithContext(ref.ToUri());
  }
  Result<serialize::Value> cm =
      (*client)->Get(resources::kConfigMaps, ref.ns, ref.name, Call(cancel));
  if (!cm.ok()) {
    return cm.status().WithContext(ref.ToUri());
  }
  serialize::ConfigMapData out;
  out.data = StringMap(cm->Find("data"));
  out.labels = StringMap(cm->FindPath("metadata.labels"));
  return out;
}

Status ConfigMapStore::Apply(const serialize::ConfigMapRef& ref,
                             const serialize::ConfigMapData& data, const CancelToken& cancel) {
  const std::size_t bytes = ConfigMapDataSize(data);
  if (bytes > kConfigMapDataLimit) {
    return TooLarge(ref, bytes);
  }
  Result<std::shared_ptr<const Client>> connected = Connect();
  if (!connected.ok()) {
    return connected.status().WithContext(ref.ToUri());
  }
  const std::shared_ptr<const Client>& client = *connected;
  serialize::Value object = serialize::Value::EmptyMapping();
  object.Set("apiVersion", "v1");
  object.Set("kind", "ConfigMap");
  serialize::Value& metadata = object.Set("metadata", serialize::Value::EmptyMapping());
  metadata.Set("name", ref.name);
  metadata.Set("namespace", ref.ns);
  if (!data.labels.empty()) {
    metadata.Set("labels", ToMapping(data.labels));
  }
  object.Set("data", ToMapping(data.data));
  AICR_ASSIGN_OR_RETURN(const std::string manifest, serialize::WriteJson(object));
  Result<serialize::Value> applied =
      client->Apply(resources::kConfigMaps, ref.ns, ref.name, manifest,
                    ApplyOptions{.field_manager = kFieldManager, .force = true}, Call(cancel));
  if (!applied.ok()) {
    if (IsSizeRejection(applied.status())) {
      return TooLarge(ref, 0);
    }
    return applied.status().WithContext(ref.ToUri());
  }
  return OkStatus();
}

}  // namespace aicr::k8s
