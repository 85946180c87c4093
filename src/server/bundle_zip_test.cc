// POST /v1/bundle returns a ZIP that unpacks to exactly what `aicr bundle`
// (client::Client::Bundle then PublishBundle) writes for the same recipe and flags.

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "base/version.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/test_server_for_test.h"
#include "tests/e2e/subprocess.h"

namespace aicr::server {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

struct FileInfo {
  std::string bytes;
  unsigned mode = 0;
  bool operator==(const FileInfo&) const = default;
};

std::map<std::string, FileInfo> ReadTree(const fs::path& root) {
  std::map<std::string, FileInfo> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) {
      continue;
    }
    std::ifstream in(e.path(), std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    struct stat st {};
    stat(e.path().c_str(), &st);
    out[fs::relative(e.path(), root).generic_string()] =
        FileInfo{ss.str(), static_cast<unsigned>(st.st_mode & 0777)};
  }
  return out;
}

struct Case {
  std::string query;
  bundler::BundleOptions options;
};

class BundleZipTest : public ::testing::Test {
 protected:
  static TestServer& Shared() {
    static TestServer* server = new TestServer();
    return *server;
  }
};

TEST_F(BundleZipTest, ZipMatchesClientBundle) {
  REQUIRE_PROGRAM("unzip");
  auto c = Shared().Client();
  auto recipe = c.Get("/v1/recipe?service=eks&accelerator=h100&intent=training&os=ubuntu");
  ASSERT_TRUE(recipe);
  ASSERT_EQ(recipe->status, 200) << recipe->body;
  const std::string recipe_path = testing::WriteTempFile("recipe.json", recipe->body);

  std::vector<Case> cases;
  {
    Case k;
    k.query = "";
    cases.push_back(k);
  }
  {
    Case k;
    k.query =
        "?deployer=helm&set=gpuoperator:driver.version=580.105.08&accelerated-node-selector="
        "nodeGroup=gpu-worker&system-node-selector=nodeGroup=system&accelerated-node-toleration="
        "dedicated=gpu:NoSchedule&nodes=4";
    k.options.set = {"gpuoperator:driver.version=580.105.08"};
    k.options.accelerated_node_selectors = {"nodeGroup=gpu-worker"};
    k.options.system_node_selectors = {"nodeGroup=system"};
    k.options.accelerated_node_tolerations = {"dedicated=gpu:NoSchedule"};
    k.options.nodes = 4;
    cases.push_back(k);
  }
  {
    Case k;
    k.query = "?deployer=argocd&repo=https://github.com/example/gitops.git";
    k.options.deployer = "argocd";
    k.options.repo = "https://github.com/example/gitops.git";
    cases.push_back(k);
  }
  {
    Case k;
    k.query = "?deployer=helmfile&serial=true";
    k.options.deployer = "helmfile";
    k.options.serial = true;
    cases.push_back(k);
  }
  int n = 0;
  for (const Case& k : cases) {
    SCOPED_TRACE(k.query);
    const fs::path dir = fs::path(testing::TestTempDir()) / ("case" + std::to_string(n++));
    fs::create_directories(dir / "api");
    auto res = c.Post(("/v1/bundle" + k.query).c_str(), recipe->body, "application/json");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/zip");
    EXPECT_EQ(res->get_header_value("Content-Disposition"), "attachment; filename=\"bundles.zip\"");
    EXPECT_TRUE(
        std::regex_match(res->get_header_value("X-Bundle-Duration"), std::regex(R"(\d+\.\d{3}s)")))
        << res->get_header_value("X-Bundle-Duration");
    const std::string zip = (dir / "bundles.zip").string();
    std::ofstream(zip, std::ios::binary) << res->body;
    const testing::ProcessResult unzip =
        testing::RunProcess({"unzip", "-q", "-o", zip, "-d", (dir / "api").string()});
    ASSERT_EQ(unzip.exit_code, 0) << unzip.err;

    client::Client::Options opts;
    opts.version = GetBuildInfo().version;
    client::Client cli(opts);
    client::BundleRequest req;
    req.recipe = recipe_path;
    req.options = k.options;
    Result<bundler::BundleOutput> out = cli.Bundle(req);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    ASSERT_TRUE(cli.PublishBundle(*out, (dir / "cli").string()).ok());

    const auto api = ReadTree(dir / "api");
    const auto want = ReadTree(dir / "cli");
    ASSERT_FALSE(want.empty());
    EXPECT_EQ(api.size(), want.size());
    for (const auto& [path, info] : want) {
      const auto it = api.find(path);
      ASSERT_NE(it, api.end()) << path;
      EXPECT_TRUE(it->second.bytes == info.bytes) << path;
      EXPECT_EQ(it->second.mode, info.mode) << path;
    }
    std::size_t total = 0;
    for (const auto& [path, info] : api) {
      total += info.bytes.size();
    }
    EXPECT_EQ(res->get_header_value("X-Bundle-Files"), std::to_string(api.size()));
    EXPECT_EQ(res->get_header_value("X-Bundle-Size"), std::to_string(total));
  }
}

TEST_F(BundleZipTest, YamlBodyAndRejections) {
  auto c = Shared().Client();
  auto recipe = c.Get("/v1/recipe?service=eks&accelerator=h100&intent=training&os=ubuntu");
  ASSERT_TRUE(recipe);
  // The same recipe as YAML (JSON is YAML) is accepted.
  auto yaml = c.Post("/v1/bundle", recipe->body, "application/x-yaml");
  ASSERT_TRUE(yaml);
  EXPECT_EQ(yaml->status, 200);

  struct Bad {
    std::string query;
    std::string body;
    std::string want;
  };
  for (const Bad& b : {
           Bad{"?deployer=kustomize", recipe->body, "invalid deployer"},
           Bad{"?attest=true", recipe->body, "Server is not configured for attestation"},
           Bad{"?vendor-charts=true", recipe->body, "vendor-charts"},
           Bad{"?output=/tmp/x", recipe->body, "unknown query parameter \"output\""},
           Bad{"?deployer=helm&deployer=flux", recipe->body, "conflicting"},
           Bad{"", R"({"apiVersion":"aicr.run/v9","kind":"RecipeResult"})", "apiVersion"},
       }) {
    auto res = c.Post(("/v1/bundle" + b.query).c_str(), b.body, "application/json");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << b.query << res->body;
    const serialize::Value doc = Json(res->body);
    EXPECT_EQ(Str(doc, "message"), "Invalid bundle request");
    EXPECT_THAT(Str(doc, "details.error"), HasSubstr(b.want)) << res->body;
    EXPECT_THAT(res->body, Not(HasSubstr("aicrd-bundle-")));  // no temp paths leak
  }
}

}  // namespace
}  // namespace aicr::server
