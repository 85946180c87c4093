#include "checksum/verify.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "checksum/manifest.h"
#include "checksum/sha256.h"
#include "checksum/temp_tree_for_test.h"
#include "tests/testing/status_matchers.h"

namespace aicr::checksum {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

/// The files of a small but realistic bundle.
const std::map<std::string, std::string>& GoodFiles() {
  static const auto* files = new std::map<std::string, std::string>{
      {"README.md", "# bundle\n"},
      {"recipe.yaml", "kind: Recipe\n"},
      {"001-cert-manager/values.yaml", "installCRDs: true\n"},
      {"001-cert-manager/install.sh", "#!/bin/sh\nhelm upgrade --install\n"},
      {"002-gpu-operator/templates/cm.yaml", "kind: ConfigMap\n"},
      {"data/overlays/base.yaml", "spec: {}\n"},
      {"my file ſ.txt", "spaces and unicode\n"},
  };
  return *files;
}

/// The manifest BuildManifest makes for GoodFiles().
std::string GoodManifest() {
  std::vector<std::pair<std::string_view, std::string_view>> views;
  for (const auto& [path, bytes] : GoodFiles()) {
    views.emplace_back(path, bytes);
  }
  return BuildManifest(views).value();
}

class VerifyBundleTest : public ::testing::Test {
 protected:
  /// Writes GoodFiles() and the manifest built from them.
  void WriteGoodBundle() {
    for (const auto& [path, bytes] : GoodFiles()) {
      tree_.Write(path, bytes);
    }
    manifest_ = GoodManifest();
    tree_.Write("checksums.txt", manifest_);
  }

  /// VerifyBundle's error message (empty when it succeeded).
  std::string Failure() {
    auto r = VerifyBundle(tree_.root());
    if (r.ok()) {
      return "";
    }
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidRequest) << r.status().ToString();
    return r.status().message();
  }

  testing::TempTree tree_;
  testing::TempTree outside_;  // symlink targets and scratch files outside the bundle
  std::string manifest_;
};

TEST_F(VerifyBundleTest, GoodTreePasses) {
  WriteGoodBundle();
  auto r = VerifyBundle(tree_.root());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->files_verified, GoodFiles().size());
  EXPECT_FALSE(r->has_bundle_attestation);
  EXPECT_FALSE(r->has_binary_attestation);
  EXPECT_TRUE(r->has_data_dir);
  EXPECT_EQ(r->manifest_sha256, Sha256Hex(manifest_));
  EXPECT_EQ(r->manifest_sha256, Sha256Hex(tree_.Read("checksums.txt")));
}

TEST_F(VerifyBundleTest, NoDataDirIsReported) {
  tree_.Write("a.txt", "a");
  tree_.Write("checksums.txt", BuildManifest({{"a.txt", "a"}}).value());
  auto r = VerifyBundle(tree_.root());
  ASSERT_THAT(r, IsOk());
  EXPECT_FALSE(r->has_data_dir);
  EXPECT_EQ(r->files_verified, 1u);
}

TEST_F(VerifyBundleTest, ExtraFilesAtAnyDepthFail) {
  WriteGoodBundle();
  tree_.Write("stray.txt", "x");
  tree_.Write("001-cert-manager/stray.yaml", "x");
  tree_.Write("002-gpu-operator/templates/deep/er/stray", "x");
  tree_.Write("new-dir/file", "x");
  const std::string msg = Failure();
  EXPECT_THAT(msg,
              StartsWith("bundle \"" + tree_.root() + "\" failed verification (4 problems): "));
  EXPECT_THAT(msg, HasSubstr("\"001-cert-manager/stray.yaml\": unexpected file (not listed in "
                             "checksums.txt)"));
  EXPECT_THAT(msg, HasSubstr("\"002-gpu-operator/templates/deep/er/stray\": unexpected file"));
  EXPECT_THAT(msg, HasSubstr("\"new-dir/file\": unexpected file"));
  EXPECT_THAT(msg, HasSubstr("\"stray.txt\": unexpected file"));
}

TEST_F(VerifyBundleTest, EmptyDirectoriesFail) {
  WriteGoodBundle();
  tree_.Mkdir("empty");
  tree_.Mkdir("001-cert-manager/charts");
  const std::string msg = Failure();
  EXPECT_THAT(msg, HasSubstr("(2 problems)"));
  EXPECT_THAT(msg, HasSubstr("\"001-cert-manager/charts\": empty directory"));
  EXPECT_THAT(msg, HasSubstr("\"empty\": empty directory"));
}

TEST_F(VerifyBundleTest, EmptyAttestationDirectoryFails) {
  WriteGoodBundle();
  tree_.Mkdir("attestation");
  EXPECT_THAT(Failure(), HasSubstr("(1 problem): \"attestation\": empty directory"));
}

TEST_F(VerifyBundleTest, AttestationFilesAllowedOnlyWithExactNames) {
  WriteGoodBundle();
  tree_.Write("attestation/bundle-attestation.sigstore.json", "{}");
  auto r = VerifyBundle(tree_.root());
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(r->has_bundle_attestation);
  EXPECT_FALSE(r->has_binary_attestation);
  EXPECT_EQ(r->files_verified, GoodFiles().size());

  tree_.Write("attestation/aicr-attestation.sigstore.json", "{}");
  r = VerifyBundle(tree_.root());
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(r->has_bundle_attestation);
  EXPECT_TRUE(r->has_binary_attestation);

  // Near misses are extra files, even next to the real ones.
  for (const char* near : {"attestation/bundle-attestation.sigstore.json.bak",
                           "attestation/Bundle-Attestation.sigstore.json",
                           "attestation/aicr-attestation.sigstore.jsonx",
                           "attestation/sub/bundle-attestation.sigstore.json"}) {
    SCOPED_TRACE(near);
    tree_.Write(near, "{}");
    EXPECT_THAT(Failure(), HasSubstr("(1 problem): \"" + std::string(near) +
                                     "\": unexpected file (attestation/ holds only"));
    tree_.Remove(near);
    if (std::string_view(near).find("/sub/") != std::string_view::npos) {
      tree_.Remove("attestation/sub");
    }
  }
  // At the root the metadata names mean nothing.
  tree_.Write("bundle-attestation.sigstore.json", "{}");
  EXPECT_THAT(Failure(), HasSubstr("\"bundle-attestation.sigstore.json\": unexpected file (not "
                                   "listed in checksums.txt)"));
}

TEST_F(VerifyBundleTest, SymlinksFailListedOrNot) {
  WriteGoodBundle();
  // Listed: replaced by a symlink to a file with the very same bytes.
  outside_.Write("same-readme", GoodFiles().at("README.md"));
  tree_.Remove("README.md");
  tree_.Symlink(outside_.Path("same-readme"), "README.md");
  // Unlisted.
  tree_.Symlink("recipe.yaml", "alias.yaml");
  const std::string msg = Failure();
  EXPECT_THAT(msg, HasSubstr("(2 problems)"));
  EXPECT_THAT(msg, HasSubstr("\"README.md\": listed file is a symlink"));
  EXPECT_THAT(msg, HasSubstr("\"alias.yaml\": unexpected symlink"));
  EXPECT_THAT(msg, Not(HasSubstr("missing")));
}

TEST_F(VerifyBundleTest, SymlinkedDirectoryFailsWithoutReportingItsFilesMissing) {
  WriteGoodBundle();
  // Move a listed directory aside and put a symlink to the identical copy in its place.
  ASSERT_EQ(::rename(tree_.Path("001-cert-manager").c_str(), outside_.Path("moved").c_str()), 0);
  tree_.Symlink(outside_.Path("moved"), "001-cert-manager");
  const std::string msg = Failure();
  EXPECT_THAT(msg, HasSubstr("(1 problem): \"001-cert-manager\": unexpected symlink"));
  EXPECT_THAT(VerifyBundle(tree_.root() + "/001-cert-manager"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("is a symlink")));
}

TEST_F(VerifyBundleTest, FifoFailsWithoutBlocking) {
  WriteGoodBundle();
  tree_.Fifo("pipe");
  tree_.Remove("recipe.yaml");
  tree_.Fifo("recipe.yaml");
  const std::string msg = Failure();
  EXPECT_THAT(msg, HasSubstr("(2 problems)"));
  EXPECT_THAT(msg, HasSubstr("\"pipe\": unexpected fifo"));
  EXPECT_THAT(msg, HasSubstr("\"recipe.yaml\": listed file is a fifo"));
}

TEST_F(VerifyBundleTest, MissingListedFileFails) {
  WriteGoodBundle();
  tree_.Remove("002-gpu-operator");
  const std::string msg = Failure();
  EXPECT_THAT(msg, HasSubstr("(1 problem): \"002-gpu-operator/templates/cm.yaml\": listed file "
                             "is missing"));
}

TEST_F(VerifyBundleTest, DigestMismatchFails) {
  WriteGoodBundle();
  tree_.Write("recipe.yaml", "kind: Tampered\n");
  EXPECT_THAT(Failure(), HasSubstr("(1 problem): \"recipe.yaml\": digest mismatch: listed " +
                                   Sha256Hex(GoodFiles().at("recipe.yaml")) + ", actual " +
                                   Sha256Hex("kind: Tampered\n")));
}

TEST_F(VerifyBundleTest, ListedDirectoryFails) {
  WriteGoodBundle();
  tree_.Remove("recipe.yaml");
  tree_.Write("recipe.yaml/inner", "x");
  const std::string msg = Failure();
  EXPECT_THAT(msg, HasSubstr("(1 problem): \"recipe.yaml\": listed file is a directory"));
}

TEST_F(VerifyBundleTest, MissingManifestIsTheNotFoundSentinel) {
  tree_.Write("recipe.yaml", "x");
  auto r = VerifyBundle(tree_.root());
  EXPECT_THAT(
      r, StatusIs(ErrorCode::kNotFound, "checksums.txt not found in \"" + tree_.root() + "\""));
  EXPECT_EQ(r.status().message(), ManifestMissingMessage(tree_.root()));
  EXPECT_TRUE(IsManifestMissing(r.status()));

  auto missing_dir = VerifyBundle(tree_.Path("nope"));
  EXPECT_THAT(missing_dir, StatusIs(ErrorCode::kNotFound, HasSubstr("bundle directory")));
  EXPECT_FALSE(IsManifestMissing(missing_dir.status()));
  EXPECT_FALSE(IsManifestMissing(InvalidRequestError("checksums.txt not found in x")));
}

TEST_F(VerifyBundleTest, ManifestMustBeARegularFileAndWellFormed) {
  WriteGoodBundle();
  tree_.Remove("checksums.txt");
  outside_.Write("elsewhere.txt", manifest_);
  tree_.Symlink(outside_.Path("elsewhere.txt"), "checksums.txt");
  EXPECT_THAT(VerifyBundle(tree_.root()),
              StatusIs(ErrorCode::kInvalidRequest, "\"checksums.txt\" is a symlink"));

  tree_.Remove("checksums.txt");
  tree_.Fifo("checksums.txt");
  EXPECT_THAT(VerifyBundle(tree_.root()),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("is a fifo, not a regular file")));

  tree_.Remove("checksums.txt");
  tree_.Write("checksums.txt", manifest_ + "\n");
  EXPECT_THAT(VerifyBundle(tree_.root()),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("checksums.txt line 8: blank line")));

  tree_.Write("checksums.txt", "");
  EXPECT_THAT(VerifyBundle(tree_.root()),
              StatusIs(ErrorCode::kInvalidRequest, "checksums.txt: empty manifest"));
}

TEST_F(VerifyBundleTest, RootMustBeARealDirectory) {
  WriteGoodBundle();
  outside_.Symlink(tree_.root(), "link");
  EXPECT_THAT(VerifyBundle(outside_.Path("link")),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("is a symlink")));
  // Through a symlinked parent the last component is a real directory: that is allowed.
  EXPECT_THAT(VerifyBundle(outside_.Path("link") + "/."), IsOk());
  EXPECT_THAT(VerifyBundle(tree_.Path("recipe.yaml")),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("is not a directory")));
}

TEST_F(VerifyBundleTest, ProblemsAreSortedAndCapped) {
  WriteGoodBundle();
  for (int i = 24; i >= 0; --i) {
    tree_.Write("x" + std::string(i < 10 ? "0" : "") + std::to_string(i), "x");
  }
  const std::string msg = Failure();
  EXPECT_THAT(msg, HasSubstr("(25 problems): \"x00\": unexpected file"));
  EXPECT_THAT(msg, HasSubstr("\"x19\": unexpected file (not listed in checksums.txt); and 5 more"));
  EXPECT_THAT(msg, Not(HasSubstr("\"x20\"")));
  EXPECT_LT(msg.find("\"x03\""), msg.find("\"x04\""));
}

TEST_F(VerifyBundleTest, ReportsEveryKindOfProblemAtOnce) {
  WriteGoodBundle();
  tree_.Write("recipe.yaml", "tampered");
  tree_.Remove("README.md");
  tree_.Write("extra", "x");
  tree_.Mkdir("hollow");
  const std::string msg = Failure();
  EXPECT_THAT(
      msg, AllOf(HasSubstr("(4 problems)"), HasSubstr("\"README.md\": listed file is missing"),
                 HasSubstr("\"extra\": unexpected file"), HasSubstr("\"hollow\": empty directory"),
                 HasSubstr("\"recipe.yaml\": digest mismatch")));
  // Sorted by path.
  EXPECT_LT(msg.find("README.md"), msg.find("extra"));
  EXPECT_LT(msg.find("extra"), msg.find("hollow"));
  EXPECT_LT(msg.find("hollow"), msg.find("recipe.yaml"));
}

/// Runs `sh -c cmd` and returns its exit status.
int Shell(const std::string& cmd) {
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

TEST_F(VerifyBundleTest, CoreutilsSha256sumAcceptsOurManifest) {
  WriteGoodBundle();
  const std::string cd = "cd '" + tree_.root() + "' && ";
  EXPECT_EQ(Shell(cd + "sha256sum --check --strict --quiet checksums.txt"), 0);
  tree_.Write("recipe.yaml", "tampered\n");
  EXPECT_NE(Shell(cd + "sha256sum --check --strict --quiet checksums.txt >/dev/null 2>&1"), 0);
  EXPECT_THAT(Failure(), HasSubstr("digest mismatch"));
}

TEST_F(VerifyBundleTest, WeAcceptAManifestWrittenBySha256sum) {
  for (const auto& [path, bytes] : GoodFiles()) {
    tree_.Write(path, bytes);
  }
  const std::string cd = "cd '" + tree_.root() + "' && ";
  ASSERT_EQ(Shell(cd +
                  "find . -type f | sed 's|^\\./||' | LC_ALL=C sort | "
                  "tr '\\n' '\\0' | xargs -0 sha256sum > '" +
                  outside_.Path("sums") + "' && mv '" + outside_.Path("sums") + "' checksums.txt"),
            0);
  EXPECT_EQ(tree_.Read("checksums.txt"), GoodManifest());
  auto r = VerifyBundle(tree_.root());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->files_verified, GoodFiles().size());
}

class ValidateOutputRootTest : public ::testing::Test {
 protected:
  testing::TempTree tree_;
};

TEST_F(ValidateOutputRootTest, MissingAndCleanTreesPass) {
  EXPECT_THAT(ValidateOutputRoot(tree_.Path("not-yet")), IsOk());
  EXPECT_THAT(ValidateOutputRoot(tree_.root()), IsOk());
  tree_.Write("a/b/c.yaml", "x");
  tree_.Mkdir("empty/dirs/are/fine");
  EXPECT_THAT(ValidateOutputRoot(tree_.root()), IsOk());
}

TEST_F(ValidateOutputRootTest, SpecialFilesAnywhereFail) {
  tree_.Write("a/b/c.yaml", "x");
  tree_.Symlink("c.yaml", "a/b/link");
  tree_.Symlink("/", "dirlink");
  tree_.Fifo("a/pipe");
  // A UNIX socket.
  const std::string sock_path = tree_.Path("a/sock");
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(sock_path.size(), sizeof(addr.sun_path));
  std::memcpy(addr.sun_path, sock_path.c_str(), sock_path.size() + 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)), 0);
  ::close(fd);

  auto s = ValidateOutputRoot(tree_.root());
  EXPECT_THAT(s, StatusIs(ErrorCode::kInvalidRequest,
                          "output directory \"" + tree_.root() +
                              "\" is unsafe (4 problems): "
                              "\"a/b/link\": symlink (only regular files and directories "
                              "allowed); "
                              "\"a/pipe\": fifo (only regular files and directories allowed); "
                              "\"a/sock\": socket (only regular files and directories allowed); "
                              "\"dirlink\": symlink (only regular files and directories "
                              "allowed)"));
}

TEST_F(ValidateOutputRootTest, RootSymlinkOrFileFails) {
  tree_.Mkdir("real");
  tree_.Symlink(tree_.Path("real"), "link");
  tree_.Write("file", "x");
  EXPECT_THAT(ValidateOutputRoot(tree_.Path("link")),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("is a symlink")));
  EXPECT_THAT(ValidateOutputRoot(tree_.Path("file")),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("is not a directory")));
}

}  // namespace
}  // namespace aicr::checksum
