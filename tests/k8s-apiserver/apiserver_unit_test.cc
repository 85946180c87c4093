// Unit tests of the test API server's pieces: selectors, server-side apply,
// the store's paging, preconditions and cascades, YAML and protobuf decoding.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "tests/k8s-apiserver/apply.h"
#include "tests/k8s-apiserver/protobuf.h"
#include "tests/k8s-apiserver/selectors.h"
#include "tests/k8s-apiserver/store.h"
#include "tests/k8s-apiserver/yaml_json.h"

namespace aicr::testing::apiserver {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

json Labeled(const std::string& name, json labels) {
  return {{"metadata", {{"name", name}, {"labels", labels}}}, {"status", {{"phase", "Running"}}}};
}

TEST(SelectorTest, LabelOperators) {
  const json obj = Labeled("a", {{"app", "web"}, {"tier", "front"}});
  auto matches = [&](const std::string& text) {
    Selector s;
    std::string err;
    EXPECT_TRUE(Selector::ParseLabels(text, &s, &err)) << text << ": " << err;
    return s.Matches(obj);
  };
  EXPECT_TRUE(matches(""));
  EXPECT_TRUE(matches("app=web"));
  EXPECT_TRUE(matches("app==web"));
  EXPECT_FALSE(matches("app!=web"));
  EXPECT_TRUE(matches("app in (web, db)"));
  EXPECT_FALSE(matches("app notin (web,db)"));
  EXPECT_TRUE(matches("app,tier"));
  EXPECT_FALSE(matches("!tier"));
  EXPECT_TRUE(matches("!missing"));
  EXPECT_TRUE(matches("missing!=x"));
  EXPECT_FALSE(matches("app=web,tier in (back)"));
}

TEST(SelectorTest, FieldSelectorAndErrors) {
  Selector s;
  std::string err;
  ASSERT_TRUE(Selector::ParseFields("metadata.name=a,status.phase!=Failed", &s, &err));
  EXPECT_TRUE(s.Matches(Labeled("a", json::object())));
  EXPECT_FALSE(s.Matches(Labeled("b", json::object())));
  EXPECT_FALSE(Selector::ParseFields("metadata.name", &s, &err));
  EXPECT_FALSE(Selector::ParseLabels("app in (a", &s, &err));
}

TEST(ApplyTest, ConflictsWithOtherManagerUnlessForced) {
  const json applied_a = {{"apiVersion", "v1"},
                          {"kind", "ConfigMap"},
                          {"metadata", {{"name", "x"}}},
                          {"data", {{"k", "1"}, {"j", "2"}}}};
  ApplyOutcome first = ServerSideApply(nullptr, applied_a, "a", false, "t");
  ASSERT_TRUE(first.ok);
  const json applied_b = {{"apiVersion", "v1"},
                          {"kind", "ConfigMap"},
                          {"metadata", {{"name", "x"}}},
                          {"data", {{"k", "other"}}}};
  ApplyOutcome conflict = ServerSideApply(first.object, applied_b, "b", false, "t");
  ASSERT_FALSE(conflict.ok);
  ASSERT_EQ(conflict.conflicts.size(), 1u);
  EXPECT_EQ(conflict.conflicts[0].first, "a");
  EXPECT_EQ(PathString(conflict.conflicts[0].second), ".data.k");
  EXPECT_THAT(ConflictMessage(conflict.conflicts), HasSubstr("conflict with \"a\": .data.k"));
  // Same value: shared ownership, no conflict.
  const json same = {{"apiVersion", "v1"},
                     {"kind", "ConfigMap"},
                     {"metadata", {{"name", "x"}}},
                     {"data", {{"k", "1"}}}};
  EXPECT_TRUE(ServerSideApply(first.object, same, "b", false, "t").ok);
  ApplyOutcome forced = ServerSideApply(first.object, applied_b, "b", true, "t");
  ASSERT_TRUE(forced.ok);
  EXPECT_EQ(forced.object["data"]["k"], "other");
  EXPECT_EQ(forced.object["data"]["j"], "2");
  // a re-applies without j: j is removed (nobody else owns it); k belongs to b now.
  const json a_again = {{"apiVersion", "v1"},
                        {"kind", "ConfigMap"},
                        {"metadata", {{"name", "x"}}},
                        {"data", json::object()}};
  ApplyOutcome dropped = ServerSideApply(forced.object, a_again, "a", false, "t");
  ASSERT_TRUE(dropped.ok);
  EXPECT_FALSE(dropped.object["data"].contains("j"));
  EXPECT_EQ(dropped.object["data"]["k"], "other");
}

TEST(ApplyTest, FieldsV1RoundTrip) {
  const FieldSet fields = {{"data", "k"}, {"metadata", "labels", "app"}};
  const json v1 = EncodeFieldsV1(fields);
  EXPECT_EQ(v1["f:data"]["f:k"], json::object());
  EXPECT_EQ(DecodeFieldsV1(v1), fields);
}

class StoreTest : public ::testing::Test {
 protected:
  ResourceInfo Info(const std::string& group, const std::string& resource) {
    return *registry_.Find(group, "v1", resource);
  }
  json Cm(const std::string& name, json labels = json::object()) {
    return {{"metadata", {{"name", name}, {"labels", labels}}}, {"data", {{"a", "b"}}}};
  }
  Registry registry_;
  Store store_{&registry_, 1572864};
  WriteOptions opts_{"test"};
};

TEST_F(StoreTest, PagingNeverSkipsOrDuplicates) {
  const ResourceInfo cm = Info("", "configmaps");
  for (int i = 0; i < 250; ++i) {
    ASSERT_EQ(store_.Create(cm, "default", Cm("cm-" + std::to_string(i)), opts_).code, 201);
  }
  std::set<std::string> seen;
  ListOptions lo;
  lo.limit = 40;
  int pages = 0;
  while (true) {
    Reply r = store_.List(cm, "default", lo);
    ASSERT_EQ(r.code, 200) << r.body.dump();
    std::set<std::string> deleted;
    for (const json& item : r.body["items"]) {
      EXPECT_TRUE(seen.insert(item["metadata"]["name"].get<std::string>()).second);
    }
    // Churn between pages: delete one already seen, add new ones.
    (void)store_.Delete(cm, "default", r.body["items"][0]["metadata"]["name"], nullptr, false);
    (void)store_.Create(cm, "default", Cm("zz-new-" + std::to_string(pages)), opts_);
    ++pages;
    if (!r.body["metadata"].contains("continue")) {
      break;
    }
    lo.continue_token = r.body["metadata"]["continue"];
  }
  for (int i = 0; i < 250; ++i) {
    EXPECT_EQ(seen.count("cm-" + std::to_string(i)), 1u) << i;
  }
  EXPECT_GE(pages, 7);
}

TEST_F(StoreTest, PreconditionsAndErrors) {
  const ResourceInfo cm = Info("", "configmaps");
  Reply created = store_.Create(cm, "default", Cm("x"), opts_);
  ASSERT_EQ(created.code, 201);
  EXPECT_EQ(store_.Create(cm, "default", Cm("x"), opts_).body["reason"], "AlreadyExists");
  EXPECT_EQ(store_.Create(cm, "nope", Cm("y"), opts_).code, 404);
  Reply bad = store_.Create(cm, "default", Cm("Bad_Name"), opts_);
  EXPECT_EQ(bad.code, 422);
  EXPECT_THAT(bad.body["message"].get<std::string>(),
              HasSubstr("ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value"));
  json stale = created.body;
  stale["data"]["a"] = "c";
  ASSERT_EQ(store_.Update(cm, "default", "x", stale, opts_).code, 200);
  Reply conflict = store_.Update(cm, "default", "x", stale, opts_);
  EXPECT_EQ(conflict.code, 409);
  EXPECT_EQ(conflict.body["reason"], "Conflict");
  json wrong_uid = {{"preconditions", {{"uid", "nope"}}}};
  EXPECT_EQ(store_.Delete(cm, "default", "x", wrong_uid, false).code, 409);
  EXPECT_EQ(store_.Delete(cm, "default", "x", nullptr, false).code, 200);
  EXPECT_EQ(store_.Get(cm, "default", "x").code, 404);
}

TEST_F(StoreTest, JobDeletionCascadesToOwnedPods) {
  const ResourceInfo job = Info("batch", "jobs");
  const ResourceInfo pod = Info("", "pods");
  Reply j = store_.Create(
      job, "default",
      json{{"metadata", {{"name", "j"}, {"annotations", {{"aicr.test/kubelet", "ignore"}}}}},
           {"spec", {{"template", json::object()}}}},
      opts_, false);
  ASSERT_EQ(j.code, 201);
  json p = {{"metadata",
             {{"name", "j-abc"},
              {"ownerReferences", json::array({{{"apiVersion", "batch/v1"},
                                                {"kind", "Job"},
                                                {"name", "j"},
                                                {"uid", j.body["metadata"]["uid"]}}})}}},
            {"spec", {{"containers", json::array()}}}};
  ASSERT_EQ(store_.Create(pod, "default", p, opts_, false).code, 201);
  ASSERT_EQ(
      store_.Delete(job, "default", "j", json{{"propagationPolicy", "Background"}}, false).code,
      200);
  EXPECT_EQ(store_.Get(pod, "default", "j-abc").code, 404);
}

TEST(YamlTest, TypesAndDocuments) {
  std::vector<json> docs;
  std::string err;
  ASSERT_TRUE(ParseYamlDocuments("a: 1\nb: \"1\"\nc: true\nd: 1.5\n---\n---\n- x\n", &docs, &err));
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0]["a"], 1);
  EXPECT_EQ(docs[0]["b"], "1");
  EXPECT_EQ(docs[0]["c"], true);
  EXPECT_EQ(docs[0]["d"], 1.5);
  EXPECT_FALSE(ParseYamlDocuments("a: [", &docs, &err));
}

std::string Field(int number, const std::string& bytes) {
  std::string out(1, static_cast<char>((number << 3) | 2));
  out += static_cast<char>(bytes.size());
  return out + bytes;
}

TEST(ProtobufTest, DecodesSelfSubjectAccessReview) {
  const std::string attrs = Field(2, "get") + Field(5, "configmaps") + Field(1, "default");
  const std::string spec = Field(1, attrs);
  const std::string raw = Field(2, spec);
  const std::string type_meta =
      Field(1, "authorization.k8s.io/v1") + Field(2, "SelfSubjectAccessReview");
  const std::string body = std::string("k8s\0", 4) + Field(1, type_meta) + Field(2, raw);
  json out;
  std::string err;
  ASSERT_TRUE(DecodeProtobufObject(body, &out, &err)) << err;
  EXPECT_EQ(out["kind"], "SelfSubjectAccessReview");
  EXPECT_EQ(out["spec"]["resourceAttributes"]["verb"], "get");
  EXPECT_EQ(out["spec"]["resourceAttributes"]["resource"], "configmaps");
  EXPECT_FALSE(DecodeProtobufObject("junk", &out, &err));
}

}  // namespace
}  // namespace aicr::testing::apiserver
