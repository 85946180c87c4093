#pragma once

/// \file
/// Answers of the test API server: an HTTP code plus a JSON body, with builders
/// for metav1 Status errors carrying the real reasons.

#include <nlohmann/json.hpp>
#include <string>

namespace aicr::testing::apiserver {

/// An HTTP answer: code and JSON body (a Status object on errors).
struct Reply {
  int code = 200;
  nlohmann::json body;
  bool ok() const { return code < 400; }
};

/// The metav1 reason for an HTTP code ("NotFound" for 404...).
std::string ReasonFor(int code);

/// A Failure Status; `details` is added when not null.
Reply StatusError(int code, const std::string& reason, const std::string& message,
                  const nlohmann::json& details = nullptr);
/// 404 `<resource> "<name>" not found` (resource as "configmaps" or "jobs.batch").
Reply NotFound(const std::string& group_resource, const std::string& name);
/// 409 AlreadyExists.
Reply AlreadyExists(const std::string& group_resource, const std::string& name);
/// 409 Conflict "the object has been modified".
Reply ModifiedConflict(const std::string& group_resource, const std::string& name);
/// 422 Invalid with one cause.
Reply Invalid(const std::string& kind, const std::string& name, const std::string& field,
              const std::string& cause_reason, const std::string& detail);
/// 400 BadRequest.
Reply BadRequest(const std::string& message);
/// A Success Status.
nlohmann::json SuccessStatus(const nlohmann::json& details = nullptr);

}  // namespace aicr::testing::apiserver
