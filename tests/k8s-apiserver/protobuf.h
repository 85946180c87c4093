#pragma once

/// \file
/// Decoding of the Kubernetes protobuf envelope (`k8s\0` + runtime.Unknown) for
/// the few kinds kubectl's typed clients send as protobuf: ConfigMap, Secret,
/// Namespace, ServiceAccount, SelfSubjectAccessReview and SubjectAccessReview.
/// Answers are always JSON (clients accept it). Other kinds → false.

#include <nlohmann/json.hpp>
#include <string>

namespace aicr::testing::apiserver {

/// The content type of protobuf request bodies.
inline constexpr const char* kProtobufContentType = "application/vnd.kubernetes.protobuf";

/// Decodes `body` into its JSON form; false with `err` when malformed or of an
/// unsupported kind.
bool DecodeProtobufObject(const std::string& body, nlohmann::json* out, std::string* err);

}  // namespace aicr::testing::apiserver
