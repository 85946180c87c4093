// Push and pull against a real OCI registry (Debian's docker-registry, distribution
// 2.8, which has no referrers API), and Helm charts consumed by the real helm binary.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "base/subprocess.h"
#include "oci/manifest.h"
#include "oci/pull.h"
#include "oci/push.h"
#include "oci/registry.h"
#include "tests/testing/oci_registry.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/tools.h"

namespace aicr::oci {
namespace {

using ::testing::HasSubstr;

RegistryOptions Plain() {
  RegistryOptions o;
  o.plain_http = true;
  o.docker_config = "/nonexistent/config.json";
  o.initial_backoff = std::chrono::milliseconds(10);
  return o;
}

std::vector<BundleFile> BundleFiles() {
  return {{"README.md", "# bundle\n", false},
          {"checksums.txt", "0000  README.md\n", false},
          {"deploy.sh", "#!/bin/sh\nhelm upgrade --install\n", true},
          {"gpu-operator/values.yaml", "driver:\n  version: \"580\"\n", false},
          {"gpu-operator/manifests/extra.yaml", "kind: ConfigMap\n", false}};
}

Reference At(const testing::OciRegistry& reg, const std::string& repo, const std::string& tag) {
  return Reference{reg.host(), repo, tag, ""};
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(RealRegistryTest, PushThenPullByDigestGivesIdenticalFiles) {
  testing::OciRegistry reg;
  REQUIRE_OCI_REGISTRY(reg);
  auto pushed = PushBundle(At(reg, "aicr/bundle", "v0.1.0"), BundleFiles(), "v0.1.0", Plain());
  ASSERT_THAT(pushed, IsOk());
  EXPECT_EQ(pushed->pinned.String(), reg.host() + "/aicr/bundle@" + pushed->digest);

  auto pulled = PullBundle(pushed->pinned, PullLimits{}, Plain());
  ASSERT_THAT(pulled, IsOk());
  EXPECT_EQ(pulled->manifest_digest, pushed->digest);
  auto want = BundleFiles();
  std::sort(want.begin(), want.end(),
            [](const BundleFile& a, const BundleFile& b) { return a.path < b.path; });
  ASSERT_EQ(pulled->files.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(pulled->files[i].path, want[i].path);
    EXPECT_EQ(pulled->files[i].bytes, want[i].bytes) << want[i].path;
    EXPECT_EQ(pulled->files[i].executable, want[i].executable) << want[i].path;
  }

  // The manifest as stored: OCI 1.1 artifact, empty config, fixed annotations.
  RegistryClient client(pushed->pinned, Plain());
  auto raw = client.GetManifest(pushed->digest, 1 << 20);
  ASSERT_THAT(raw, IsOk());
  EXPECT_EQ(raw->media_type, kMediaTypeImageManifest);
  auto m = DecodeManifest(raw->bytes);
  ASSERT_THAT(m, IsOk());
  EXPECT_EQ(m->artifact_type, "application/vnd.nvidia.aicr.artifact");
  EXPECT_EQ(m->config.media_type, "application/vnd.oci.empty.v1+json");
  EXPECT_EQ(m->config.size, 2);
  ASSERT_EQ(m->layers.size(), 1u);
  EXPECT_EQ(m->layers[0].media_type, "application/vnd.oci.image.layer.v1.tar+gzip");
  EXPECT_EQ(m->annotations.at("org.opencontainers.image.created"), "1970-01-01T00:00:00Z");
  EXPECT_EQ(m->annotations.at("org.opencontainers.image.version"), "v0.1.0");
  EXPECT_EQ(m->annotations.at("org.opencontainers.image.vendor"), "NVIDIA");
  EXPECT_EQ(m->annotations.at("org.opencontainers.image.title"), "AICR Bundle");
  EXPECT_EQ(m->annotations.at("org.opencontainers.image.source"), "https://github.com/NVIDIA/aicr");

  // Written out: a new folder, 0700 folders and 0600 files, same bytes.
  const std::string out = reg.scratch() + "/out";
  ASSERT_THAT(WriteBundleFiles(pulled->files, out), IsOk());
  EXPECT_EQ(ReadFile(out + "/gpu-operator/values.yaml"), "driver:\n  version: \"580\"\n");
  struct stat st {};
  ASSERT_EQ(stat((out + "/gpu-operator").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(stat((out + "/deploy.sh").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_THAT(WriteBundleFiles(pulled->files, out),
              StatusIs(ErrorCode::kConflict, HasSubstr("already exists")));
}

TEST(RealRegistryTest, SameFilesGiveTheSameManifestDigest) {
  testing::OciRegistry reg;
  REQUIRE_OCI_REGISTRY(reg);
  auto a = PushBundle(At(reg, "aicr/bundle", "one"), BundleFiles(), "v1", Plain());
  ASSERT_THAT(a, IsOk());
  auto shuffled = BundleFiles();
  std::reverse(shuffled.begin(), shuffled.end());
  auto b = PushBundle(At(reg, "aicr/other", "two"), shuffled, "v1", Plain());
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(a->digest, b->digest);
  EXPECT_EQ(a->size, b->size);
  // A pull by tag returns the digest-pinned reference.
  auto pulled = PullBundle(At(reg, "aicr/other", "two"), PullLimits{}, Plain());
  ASSERT_THAT(pulled, IsOk());
  EXPECT_EQ(pulled->pinned.digest, a->digest);
  EXPECT_EQ(pulled->pinned.tag, "");
}

TEST(RealRegistryTest, HtpasswdRegistryNeedsCredentials) {
  testing::OciRegistry reg;
  REQUIRE_OCI_REGISTRY(reg, "alice", "s3cret-pw");
  EXPECT_THAT(PushBundle(At(reg, "private/bundle", "v1"), BundleFiles(), "v1", Plain()),
              StatusIs(ErrorCode::kUnauthorized,
                       ::testing::AllOf(HasSubstr(reg.host()), HasSubstr("private/bundle"))));
  RegistryOptions o = Plain();
  o.docker_config = reg.docker_config();
  auto pushed = PushBundle(At(reg, "private/bundle", "v1"), BundleFiles(), "v1", o);
  ASSERT_THAT(pushed, IsOk());
  auto pulled = PullBundle(pushed->pinned, PullLimits{}, o);
  ASSERT_THAT(pulled, IsOk());
  EXPECT_EQ(pulled->files.size(), BundleFiles().size());
  EXPECT_THAT(PullBundle(pushed->pinned, PullLimits{}, Plain()),
              StatusIs(ErrorCode::kUnauthorized, HasSubstr("requires authentication")));
}

TEST(RealRegistryTest, ReferrerFoundThroughTagSchemaFallback) {
  testing::OciRegistry reg;
  REQUIRE_OCI_REGISTRY(reg);
  auto pushed = PushBundle(At(reg, "aicr/bundle", "v1"), BundleFiles(), "v1", Plain());
  ASSERT_THAT(pushed, IsOk());
  const std::string sig = R"({"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"})";
  auto ref =
      PushReferrer(At(reg, "aicr/bundle", ""), *pushed, kMediaTypeSigstoreBundle, sig, Plain());
  ASSERT_THAT(ref, IsOk());

  auto found = ListReferrers(pushed->pinned, kMediaTypeSigstoreBundle, Plain());
  ASSERT_THAT(found, IsOk());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].digest, ref->digest);
  auto blob = FetchReferrerBlob(pushed->pinned, (*found)[0], 1 << 20, Plain());
  ASSERT_THAT(blob, IsOk());
  EXPECT_EQ(*blob, sig);

  RegistryClient client(pushed->pinned, Plain());
  auto api = client.HasReferrersApi(pushed->digest);
  ASSERT_THAT(api, IsOk());
  EXPECT_FALSE(*api) << "distribution 2.8 has no referrers API";
  auto tags = client.ListTags();
  ASSERT_THAT(tags, IsOk());
  EXPECT_THAT(*tags, ::testing::Contains("sha256-" + pushed->digest.substr(7)));
  EXPECT_THAT(*tags, ::testing::Contains(ref->digest.substr(7)));
  auto none = ListReferrers(pushed->pinned, "application/vnd.other", Plain());
  ASSERT_THAT(none, IsOk());
  EXPECT_TRUE(none->empty());
}

std::vector<BundleFile> Chart() {
  return {{"Chart.yaml",
           "apiVersion: v2\nname: demo\ndescription: A demo chart\ntype: application\n"
           "version: 0.0.0\nappVersion: \"1.16\"\n",
           false},
          {"values.yaml", "greeting: hello\n", false},
          {"templates/configmap.yaml",
           "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-demo\n"
           "  labels:\n    chart-version: {{ .Chart.Version | replace \"+\" \"_\" | quote }}\n"
           "data:\n  greeting: {{ .Values.greeting | quote }}\n",
           false}};
}

Result<SubprocessResult> RunHelm(const std::string& scratch, std::vector<std::string> args) {
  SubprocessOptions o;
  o.argv = {testing::ToolPath("helm")};
  o.argv.insert(o.argv.end(), args.begin(), args.end());
  o.env_add = {{"HELM_CACHE_HOME", scratch + "/helm/cache"},
               {"HELM_CONFIG_HOME", scratch + "/helm/config"},
               {"HELM_DATA_HOME", scratch + "/helm/data"},
               {"HELM_REGISTRY_CONFIG", scratch + "/helm/registry.json"}};
  o.timeout = std::chrono::milliseconds(120000);
  return RunSubprocess(o);
}

TEST(RealRegistryTest, HelmChartIsPulledAndRenderedByRealHelm) {
  REQUIRE_TOOL("helm");
  testing::OciRegistry reg;
  REQUIRE_OCI_REGISTRY(reg);
  auto pushed = PushHelmChart(At(reg, "charts/demo", "v1.2.3_build.5"), Chart(), Plain());
  ASSERT_THAT(pushed, IsOk());
  EXPECT_EQ(pushed->tag, "1.2.3_build.5");

  RegistryClient client(pushed->pinned, Plain());
  auto raw = client.GetManifest(pushed->digest, 1 << 20);
  ASSERT_THAT(raw, IsOk());
  auto m = DecodeManifest(raw->bytes);
  ASSERT_THAT(m, IsOk());
  EXPECT_EQ(m->config.media_type, "application/vnd.cncf.helm.config.v1+json");
  ASSERT_EQ(m->layers.size(), 1u);
  EXPECT_EQ(m->layers[0].media_type, "application/vnd.cncf.helm.chart.content.v1.tar+gzip");
  auto config = client.GetBlob(m->config.digest, 1 << 20);
  ASSERT_THAT(config, IsOk());
  EXPECT_EQ(*config,
            R"({"apiVersion":"v2","appVersion":"1.16","description":"A demo chart","name":"demo",)"
            R"("type":"application","version":"1.2.3+build.5"})");

  const std::string dest = reg.scratch() + "/pulled";
  std::filesystem::create_directories(dest);
  auto pull = RunHelm(reg.scratch(), {"pull", "oci://" + reg.host() + "/charts/demo", "--version",
                                      "1.2.3+build.5", "--plain-http", "-d", dest});
  ASSERT_THAT(pull, IsOk());
  ASSERT_TRUE(pull->success()) << pull->out << pull->err;
  std::string tgz;
  for (const auto& e : std::filesystem::directory_iterator(dest)) {
    tgz = e.path().string();
  }
  ASSERT_FALSE(tgz.empty());
  auto render = RunHelm(reg.scratch(), {"template", "rel", tgz});
  ASSERT_THAT(render, IsOk());
  ASSERT_TRUE(render->success()) << render->out << render->err;
  EXPECT_THAT(render->out, HasSubstr("name: rel-demo"));
  EXPECT_THAT(render->out, HasSubstr("chart-version: \"1.2.3_build.5\""));
  EXPECT_THAT(render->out, HasSubstr("greeting: \"hello\""));
}

TEST(RealRegistryTest, HelmChartErrorsComeBeforeAnyNetworkCall) {
  // Nothing listens on port 1: any network call would be UNAVAILABLE, not INVALID_REQUEST.
  const Reference target{"127.0.0.1:1", "charts/demo", "v1.2.3", ""};
  Reference wrong_name = target;
  wrong_name.repository = "charts/other";
  EXPECT_THAT(PushHelmChart(wrong_name, Chart(), Plain()),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("must equal the chart name")));
  Reference bad_tag = target;
  bad_tag.tag = "latest";
  EXPECT_THAT(PushHelmChart(bad_tag, Chart(), Plain()),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("strict semantic version")));
  Reference no_tag = target;
  no_tag.tag = "";
  EXPECT_THAT(PushHelmChart(no_tag, Chart(), Plain()),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("needs a tag")));
  EXPECT_THAT(PushHelmChart(target, {{"values.yaml", "a: 1\n", false}}, Plain()),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("no Chart.yaml")));
  EXPECT_THAT(PushHelmChart(target, {{"Chart.yaml", "apiVersion: v2\n", false}}, Plain()),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("no name")));
  EXPECT_THAT(PushHelmChart(target, {{"Chart.yaml", "name: [\n", false}}, Plain()),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("Chart.yaml")));
}

}  // namespace
}  // namespace aicr::oci
