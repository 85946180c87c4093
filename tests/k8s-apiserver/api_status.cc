#include "tests/k8s-apiserver/api_status.h"

namespace aicr::testing::apiserver {
namespace {

using nlohmann::json;

json Details(const std::string& group_resource, const std::string& name) {
  const std::size_t dot = group_resource.find('.');
  json d = {{"name", name}, {"kind", group_resource.substr(0, dot)}};
  if (dot != std::string::npos) {
    d["group"] = group_resource.substr(dot + 1);
  }
  return d;
}

}  // namespace

std::string ReasonFor(int code) {
  switch (code) {
    case 400:
      return "BadRequest";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 405:
      return "MethodNotAllowed";
    case 406:
      return "NotAcceptable";
    case 409:
      return "Conflict";
    case 410:
      return "Expired";
    case 413:
      return "RequestEntityTooLarge";
    case 415:
      return "UnsupportedMediaType";
    case 422:
      return "Invalid";
    case 429:
      return "TooManyRequests";
    case 500:
      return "InternalError";
    case 503:
      return "ServiceUnavailable";
    case 504:
      return "Timeout";
    default:
      return "";
  }
}

Reply StatusError(int code, const std::string& reason, const std::string& message,
                  const json& details) {
  json body = {{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", json::object()},
               {"status", "Failure"}, {"message", message}, {"reason", reason},
               {"code", code}};
  if (!details.is_null()) {
    body["details"] = details;
  }
  return Reply{code, body};
}

Reply NotFound(const std::string& group_resource, const std::string& name) {
  return StatusError(404, "NotFound", group_resource + " \"" + name + "\" not found",
                     Details(group_resource, name));
}

Reply AlreadyExists(const std::string& group_resource, const std::string& name) {
  return StatusError(409, "AlreadyExists", group_resource + " \"" + name + "\" already exists",
                     Details(group_resource, name));
}

Reply ModifiedConflict(const std::string& group_resource, const std::string& name) {
  return StatusError(409, "Conflict",
                     "Operation cannot be fulfilled on " + group_resource + " \"" + name +
                         "\": the object has been modified; please apply your changes to the "
                         "latest version and try again",
                     Details(group_resource, name));
}

Reply Invalid(const std::string& kind, const std::string& name, const std::string& field,
              const std::string& cause_reason, const std::string& detail) {
  const std::string cause_msg = detail;
  json details = {
      {"name", name},
      {"kind", kind},
      {"causes",
       json::array({json{{"reason", cause_reason}, {"message", cause_msg}, {"field", field}}})}};
  return StatusError(422, "Invalid",
                     kind + " \"" + name + "\" is invalid: " + field + ": " + cause_msg, details);
}

Reply BadRequest(const std::string& message) { return StatusError(400, "BadRequest", message); }

json SuccessStatus(const json& details) {
  json body = {{"kind", "Status"},
               {"apiVersion", "v1"},
               {"metadata", json::object()},
               {"status", "Success"}};
  if (!details.is_null()) {
    body["details"] = details;
  }
  return body;
}

}  // namespace aicr::testing::apiserver
