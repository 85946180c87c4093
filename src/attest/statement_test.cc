#include "attest/statement.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace aicr::attest {
namespace {

using ::testing::HasSubstr;

const std::string kSha1 = std::string(64, 'a');
const std::string kSha2 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const std::string kSha3 = std::string(64, 'f');

BundleProvenance DeterministicProvenance() {
  BundleProvenance p;
  p.recipe = "service=eks, accelerator=h100, intent=training";
  p.recipe_source = "embedded";
  p.components = {"cert-manager", "gpu-operator"};
  p.output_dir = "./bundle";
  p.tool_version = "v1.2.3";
  p.dependencies = {{"file:///usr/local/bin/aicr", kSha2}, {"file://data/registry.yaml", kSha3}};
  p.builder_id = "https://aicr.run/local/builder";
  return p;
}

TEST(StatementTest, GoldenDeterministic) {
  Result<std::string> json =
      MarshalBundleStatement(Subject{"checksums.txt", kSha1}, DeterministicProvenance());
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  const std::string golden =
      R"({"_type":"https://in-toto.io/Statement/v1","predicate":{"buildDefinition":{"buildType":)"
      R"("https://aicr.run/bundle-cpp/v1","externalParameters":{"recipe":"service=eks, )"
      R"(accelerator=h100, intent=training","recipeSource":"embedded"},"internalParameters":)"
      R"({"components":["cert-manager","gpu-operator"],"outputDir":"./bundle","toolVersion":)"
      R"("v1.2.3"},"resolvedDependencies":[{"digest":{"sha256":")" +
      kSha2 + R"("},"uri":"file:///usr/local/bin/aicr"},{"digest":{"sha256":")" + kSha3 +
      R"("},"uri":"file://data/registry.yaml"}]},"runDetails":{"builder":{"id":)"
      R"("https://aicr.run/local/builder"}}},"predicateType":"https://slsa.dev/provenance/v1",)"
      R"("subject":[{"digest":{"sha256":")" +
      kSha1 + R"("},"name":"checksums.txt"}]})";
  EXPECT_EQ(*json, golden);
  // Deterministic mode: the same inputs give the same bytes.
  EXPECT_EQ(*MarshalBundleStatement(Subject{"checksums.txt", kSha1}, DeterministicProvenance()),
            golden);
}

TEST(StatementTest, RunMetadataWhenGiven) {
  BundleProvenance p = DeterministicProvenance();
  p.invocation_id = "6f1c2d9e-0000-4000-8000-000000000001";
  p.started_on = "2026-01-02T03:04:05Z";
  Result<std::string> json = MarshalBundleStatement(Subject{"checksums.txt", kSha1}, p);
  ASSERT_TRUE(json.ok());
  EXPECT_THAT(*json,
              HasSubstr(R"("metadata":{"invocationId":"6f1c2d9e-0000-4000-8000-000000000001",)"
                        R"("startedOn":"2026-01-02T03:04:05Z"})"));
}

TEST(StatementTest, EmptyOptionalFieldsAreOmitted) {
  BundleProvenance p;
  p.builder_id = "b";
  Result<std::string> json = MarshalBundleStatement(Subject{"checksums.txt", kSha1}, p);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json, R"({"_type":"https://in-toto.io/Statement/v1","predicate":{"buildDefinition":{)"
                   R"("buildType":"https://aicr.run/bundle-cpp/v1","externalParameters":{}},)"
                   R"("runDetails":{"builder":{"id":"b"}}},"predicateType":)"
                   R"("https://slsa.dev/provenance/v1","subject":[{"digest":{"sha256":")" +
                       kSha1 + R"("},"name":"checksums.txt"}]})");
}

TEST(StatementTest, RoundTrip) {
  BundleProvenance p = DeterministicProvenance();
  p.invocation_id = "id-1";
  p.started_on = "2026-01-02T03:04:05Z";
  Result<std::string> json = MarshalBundleStatement(Subject{"checksums.txt", kSha1}, p);
  ASSERT_TRUE(json.ok());
  Result<Statement> statement = ParseStatement(*json);
  ASSERT_TRUE(statement.ok()) << statement.status().ToString();
  EXPECT_EQ(statement->type, kStatementType);
  EXPECT_EQ(statement->predicate_type, kSlsaProvenanceType);
  ASSERT_EQ(statement->subjects.size(), 1u);
  EXPECT_EQ(statement->subjects[0], (Subject{"checksums.txt", kSha1}));
  EXPECT_EQ(statement->predicate.FindPath("buildDefinition.buildType")->AsString().value(),
            kBundleBuildType);
  Result<BundleProvenance> back = ProvenanceFromStatement(*statement);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, p);
}

TEST(StatementTest, MarshalRejectsBadDigests) {
  struct Case {
    Subject subject;
    BundleProvenance provenance;
    std::string message;
  };
  BundleProvenance bad_dep;
  bad_dep.dependencies = {{"file://x", "ABC"}};
  BundleProvenance no_uri;
  no_uri.dependencies = {{"", kSha1}};
  const Case cases[] = {
      {{"", kSha1}, {}, "statement: subject has no name"},
      {{"checksums.txt", "xyz"},
       {},
       "statement: subject \"checksums.txt\": sha256 digest must be 64 lowercase hex characters"},
      {{"checksums.txt", std::string(64, 'A')},
       {},
       "statement: subject \"checksums.txt\": sha256 digest must be 64 lowercase hex characters"},
      {{"c", kSha1},
       bad_dep,
       "statement: resolved dependency \"file://x\": sha256 digest must be 64 lowercase hex "
       "characters"},
      {{"c", kSha1}, no_uri, "statement: resolved dependency has no uri"},
  };
  for (const Case& c : cases) {
    Result<std::string> json = MarshalBundleStatement(c.subject, c.provenance);
    ASSERT_FALSE(json.ok()) << c.message;
    EXPECT_EQ(json.status().code(), ErrorCode::kInvalidRequest);
    EXPECT_EQ(json.status().message(), c.message);
  }
}

TEST(StatementTest, ParseRejections) {
  const std::string digest = R"({"sha256":")" + kSha1 + R"("})";
  struct Case {
    std::string json;
    std::string reason;
  };
  const Case cases[] = {
      {"{", "statement: json: "},
      {"[]", "statement: expected a JSON object"},
      {R"({"predicateType":"p","subject":[{"name":"a","digest":)" + digest + "}]}",
       "statement: missing _type"},
      {R"({"_type":"https://in-toto.io/Statement/v0.1","predicateType":"p","subject":[]})",
       "statement: unsupported _type \"https://in-toto.io/Statement/v0.1\""},
      {R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":)" + digest +
           "}]}",
       "statement: missing predicateType"},
      {R"({"_type":"https://in-toto.io/Statement/v1","predicateType":"p","subject":[]})",
       "statement: at least one subject is required"},
      {R"({"_type":"https://in-toto.io/Statement/v1","predicateType":"p"})",
       "statement: at least one subject is required"},
      {R"({"_type":"https://in-toto.io/Statement/v1","predicateType":"p","subject":[{"digest":)" +
           digest + "}]}",
       "statement: subject[0] has no name"},
      {R"({"_type":"https://in-toto.io/Statement/v1","predicateType":"p","subject":[{"name":"a",)"
       R"("digest":{"sha512":"00"}}]})",
       "statement: subject[0] \"a\" has no sha256 digest"},
      {R"({"_type":"https://in-toto.io/Statement/v1","predicateType":"p","subject":[{"name":"a",)"
       R"("digest":{"sha256":"zz"}}]})",
       "statement: subject[0] \"a\": sha256 digest must be 64 lowercase hex characters"},
      {R"({"_type":"https://in-toto.io/Statement/v1","predicateType":"p","subject":["a"]})",
       "statement: subject[0] must be an object"},
      {R"({"_type":"https://in-toto.io/Statement/v1","predicateType":"p","subject":[{"name":"a",)"
       R"("digest":)" +
           digest + R"(}],"predicate":[]})",
       "statement: predicate must be an object"},
  };
  for (const Case& c : cases) {
    Result<Statement> statement = ParseStatement(c.json);
    ASSERT_FALSE(statement.ok()) << c.json;
    EXPECT_EQ(statement.status().code(), ErrorCode::kInvalidRequest);
    EXPECT_THAT(statement.status().message(), ::testing::StartsWith(c.reason)) << c.json;
  }
}

TEST(StatementTest, ProvenanceRejections) {
  Statement s;
  s.type = std::string(kStatementType);
  s.predicate_type = "https://example.com/other";
  Result<BundleProvenance> other = ProvenanceFromStatement(s);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().message(),
            "statement: predicateType \"https://example.com/other\" is not "
            "https://slsa.dev/provenance/v1");

  s.predicate_type = std::string(kSlsaProvenanceType);
  Result<BundleProvenance> empty = ProvenanceFromStatement(s);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, BundleProvenance{});

  s.predicate.Set("buildDefinition", serialize::Value("x"));
  Result<BundleProvenance> bad_build = ProvenanceFromStatement(s);
  ASSERT_FALSE(bad_build.ok());
  EXPECT_EQ(bad_build.status().message(), "statement: buildDefinition must be an object");

  serialize::Value build;
  serialize::Value internal;
  internal.Set("components", serialize::Value("gpu-operator"));
  build.Set("internalParameters", internal);
  s.predicate.Set("buildDefinition", build);
  Result<BundleProvenance> bad_components = ProvenanceFromStatement(s);
  ASSERT_FALSE(bad_components.ok());
  EXPECT_EQ(bad_components.status().message(),
            "statement: internalParameters.components must be an array");

  serialize::Value external;
  external.Set("recipe", serialize::Value(7));
  serialize::Value build2;
  build2.Set("externalParameters", external);
  s.predicate.Set("buildDefinition", build2);
  Result<BundleProvenance> bad_recipe = ProvenanceFromStatement(s);
  ASSERT_FALSE(bad_recipe.ok());
  EXPECT_EQ(bad_recipe.status().message(), "statement: externalParameters.recipe must be a string");
}

}  // namespace
}  // namespace aicr::attest
