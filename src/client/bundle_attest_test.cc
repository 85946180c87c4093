// `aicr bundle --attest` and the OCI output settings through the facade: every
// precondition fails before anything is read or written, and a signed bundle carries
// a verifiable in-toto statement over the exact bytes of its checksums.txt.

#include "client/bundle_attest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>

#include "attest/dsse.h"
#include "attest/sigstore_bundle.h"
#include "attest/statement.h"
#include "catalog/data_provider.h"
#include "checksum/sha256.h"
#include "checksum/verify.h"
#include "client/bundle_publish.h"
#include "client/client.h"
#include "recipe/result.h"
#include "serialize/yaml_writer.h"
#include "tests/testing/status_matchers.h"

namespace aicr::client {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kRegistry[] = R"(apiVersion: aicr.run/v1beta1
kind: ComponentRegistry
components:
  - name: cert-manager
    displayName: cert-manager
    helm:
      defaultRepository: https://charts.jetstack.io
      defaultChart: cert-manager
      defaultVersion: v1.17.2
      defaultNamespace: cert-manager
  - name: gpu-operator
    displayName: GPU Operator
    helm:
      defaultRepository: https://helm.ngc.nvidia.com/nvidia
      defaultChart: nvidia/gpu-operator
      defaultVersion: v26.7.0
      defaultNamespace: gpu-operator
)";

constexpr char kOverlay[] = R"(kind: RecipeMetadata
apiVersion: aicr.run/v1beta1
metadata:
  name: base
spec:
  componentRefs:
    - name: cert-manager
      type: Helm
    - name: gpu-operator
      type: Helm
      dependencyRefs: [cert-manager]
)";

constexpr char kEksOverlay[] = R"(kind: RecipeMetadata
apiVersion: aicr.run/v1beta1
metadata:
  name: eks
spec:
  criteria: {service: eks}
)";

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const fs::path& p, const std::string& content) {
  std::ofstream(p, std::ios::binary) << content;
  fs::permissions(p, fs::perms::owner_read | fs::perms::owner_write);
}

// A fresh PEM private key of the given OpenSSL type ("EC" P-256 or "ED25519").
std::string NewKeyPem(bool ed25519) {
  EVP_PKEY* key = ed25519 ? EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")
                          : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  EXPECT_NE(key, nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  EXPECT_EQ(PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr), 1);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

class BundleAttestTest : public ::testing::Test {
 protected:
  BundleAttestTest()
      : catalog_(catalog::MakeMemoryProvider({{"registry.yaml", kRegistry},
                                              {"overlays/base.yaml", kOverlay},
                                              {"overlays/eks.yaml", kEksOverlay}})),
        client_(ClientOptions(catalog_.get())) {}

  static Client::Options ClientOptions(const catalog::DataProvider* provider) {
    Client::Options opts;
    opts.embedded = provider;
    opts.version = "v1.2.3";
    return opts;
  }

  void SetUp() override {
    root_ = fs::path(::testing::TempDir()) /
            ("bundle-attest-" + std::to_string(getpid()) + "-" +
             std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    fs::create_directories(root_);
    RecipeRequest req;
    req.criteria.service = "eks";
    auto resolved = client_.ResolveRecipe(req);
    ASSERT_THAT(resolved, IsOk());
    WriteFile(root_ / "recipe.yaml", serialize::WriteYaml(recipe::ToValue(resolved->result)));
    // A stand-in for the running binary, so its digest is known.
    exe_ = (root_ / "aicr").string();
    WriteFile(exe_, "not really an executable\n");
    ec_key_ = (root_ / "ec.pem").string();
    WriteFile(ec_key_, NewKeyPem(false));
    ed_key_ = (root_ / "ed.pem").string();
    WriteFile(ed_key_, NewKeyPem(true));
  }

  void TearDown() override { fs::remove_all(root_); }

  // A request that would succeed, writing to `out` (a path under root_).
  BundleRequest Request(const std::string& out = "out") const {
    BundleRequest req;
    req.recipe = (root_ / "recipe.yaml").string();
    req.options.aicr_version = "v1.2.3";
    req.publish.output = (root_ / out).string();
    req.publish.local_dir = (root_ / out).string();
    req.attestation.executable = exe_;
    return req;
  }

  BundleRequest Signed(const std::string& key, const std::string& out = "out") const {
    BundleRequest req = Request(out);
    req.attestation.attest = true;
    req.attestation.signing_key = "file://" + key;
    req.attestation.tlog_upload = false;
    req.attestation.source_date_epoch = 1700000000;
    return req;
  }

  std::unique_ptr<catalog::DataProvider> catalog_;
  Client client_;
  fs::path root_;
  std::string exe_, ec_key_, ed_key_;
};

struct PreconditionCase {
  std::string name;
  std::function<void(BundleRequest&)> edit;
  ErrorCode code;
  std::string message;
};

TEST_F(BundleAttestTest, EveryPreconditionFailsBeforeAnythingIsWritten) {
  const std::string ec = ec_key_;
  const std::string root = root_.string();
  WriteFile(root_ / "garbage.pem",
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
  fs::create_directories(root_ / "outside");
  fs::create_symlink(root_ / "outside" / "target", root_ / "refs-link");
  const std::vector<PreconditionCase> cases = {
      {"key without attest", [&](BundleRequest& r) { r.attestation.signing_key = "file://" + ec; },
       ErrorCode::kInvalidRequest, "--signing-key requires --attest"},
      {"tlog without attest", [](BundleRequest& r) { r.attestation.tlog_upload = false; },
       ErrorCode::kInvalidRequest, "--tlog-upload requires --attest"},
      {"token without attest", [](BundleRequest& r) { r.attestation.identity_token = "t"; },
       ErrorCode::kInvalidRequest, "--identity-token requires --attest"},
      {"device flow without attest",
       [](BundleRequest& r) { r.attestation.oidc_device_flow = true; }, ErrorCode::kInvalidRequest,
       "--oidc-device-flow requires --attest"},
      {"regexp without attest",
       [](BundleRequest& r) {
         r.attestation.certificate_identity_regexp = "^https://github.com/NVIDIA/aicr/.*";
       },
       ErrorCode::kInvalidRequest, "--certificate-identity-regexp requires --attest"},
      {"key with token",
       [&](BundleRequest& r) {
         r.attestation.attest = true;
         r.attestation.signing_key = ec;
         r.attestation.identity_token = "t";
       },
       ErrorCode::kInvalidRequest, "--signing-key cannot be combined with --identity-token"},
      {"key with device flow",
       [&](BundleRequest& r) {
         r.attestation.attest = true;
         r.attestation.signing_key = ec;
         r.attestation.oidc_device_flow = true;
       },
       ErrorCode::kInvalidRequest, "--signing-key cannot be combined with --oidc-device-flow"},
      {"key with fulcio",
       [&](BundleRequest& r) {
         r.attestation.attest = true;
         r.attestation.signing_key = ec;
         r.attestation.fulcio_url = "https://fulcio.example";
       },
       ErrorCode::kInvalidRequest, "--signing-key cannot be combined with --fulcio-url"},
      {"rekor with signing config",
       [](BundleRequest& r) {
         r.attestation.attest = true;
         r.attestation.rekor_url = "https://rekor.example";
         r.attestation.signing_config = "sc.json";
       },
       ErrorCode::kInvalidRequest, "--rekor-url cannot be combined with --signing-config"},
      {"tlog off without key",
       [](BundleRequest& r) {
         r.attestation.attest = true;
         r.attestation.tlog_upload = false;
       },
       ErrorCode::kInvalidRequest, "--tlog-upload=false requires --signing-key"},
      {"http fulcio",
       [](BundleRequest& r) {
         r.attestation.attest = true;
         r.attestation.fulcio_url = "http://fulcio.example";
       },
       ErrorCode::kInvalidRequest,
       "--fulcio-url \"http://fulcio.example\": must be an absolute https:// URL"},
      {"rekor with credentials",
       [](BundleRequest& r) {
         r.attestation.attest = true;
         r.attestation.rekor_url = "https://u:p@rekor.example/api";
       },
       ErrorCode::kInvalidRequest, "must not carry credentials"},
      {"relative rekor",
       [](BundleRequest& r) {
         r.attestation.attest = true;
         r.attestation.rekor_url = "rekor.example";
       },
       ErrorCode::kInvalidRequest, "must be an absolute https:// URL"},
      {"unpinned identity",
       [](BundleRequest& r) {
         r.attestation.attest = true;
         r.attestation.certificate_identity_regexp = "^https://github.com/evil/.*";
       },
       ErrorCode::kInvalidRequest, "must begin with \"https://github.com/NVIDIA/aicr/\""},
      {"alternation escapes the pin",
       [](BundleRequest& r) {
         r.attestation.attest = true;
         r.attestation.certificate_identity_regexp = "^https://github.com/NVIDIA/aicr/.*|.*";
       },
       ErrorCode::kInvalidRequest, "must not be a top-level alternation"},
      {"keyless", [](BundleRequest& r) { r.attestation.attest = true; }, ErrorCode::kUnavailable,
       "keyless signing (Fulcio certificate and Rekor transparency log) "
       "is not supported in this build"},
      {"kms key",
       [](BundleRequest& r) {
         r.attestation.attest = true;
         r.attestation.signing_key = "awskms:///alias/aicr";
         r.attestation.tlog_upload = false;
       },
       ErrorCode::kUnavailable, "not supported in this build"},
      {"missing key file",
       [&](BundleRequest& r) {
         r.attestation.attest = true;
         r.attestation.signing_key = "file://" + root + "/missing.pem";
         r.attestation.tlog_upload = false;
       },
       ErrorCode::kNotFound, "missing.pem"},
      {"bad key file",
       [&](BundleRequest& r) {
         r.attestation.attest = true;
         r.attestation.signing_key = root + "/garbage.pem";
         r.attestation.tlog_upload = false;
       },
       ErrorCode::kInvalidRequest, "garbage.pem"},
      {"local key with tlog upload",
       [&](BundleRequest& r) {
         r.attestation.attest = true;
         r.attestation.signing_key = "file://" + ec;
       },
       ErrorCode::kInvalidRequest,
       "uploading to a transparency log is not supported in this build; pass "
       "--tlog-upload=false to sign offline"},
      {"image refs without oci", [&](BundleRequest& r) { r.publish.image_refs = root + "/refs"; },
       ErrorCode::kInvalidRequest, "--image-refs requires an oci:// --output"},
      {"plain http without oci", [](BundleRequest& r) { r.publish.plain_http = true; },
       ErrorCode::kInvalidRequest, "--plain-http requires an oci:// --output"},
      {"insecure tls without oci", [](BundleRequest& r) { r.publish.insecure_tls = true; },
       ErrorCode::kInvalidRequest, "--insecure-tls requires an oci:// --output"},
      {"oci digest target",
       [](BundleRequest& r) {
         r.publish.output = "oci://localhost:5000/aicr/bundle@sha256:" + std::string(64, 'a');
       },
       ErrorCode::kInvalidRequest, "cannot pin a digest"},
      {"oci bad repository",
       [](BundleRequest& r) { r.publish.output = "oci://localhost:5000/UPPER/case"; },
       ErrorCode::kInvalidRequest, "UPPER"},
      {"argocd-helm non-semver tag",
       [](BundleRequest& r) {
         r.publish.output = "oci://localhost:5000/aicr-stack:latest";
         r.options.deployer = "argocd-helm";
       },
       ErrorCode::kInvalidRequest, "an argocd-helm chart needs a semver tag"},
      {"image refs symlink",
       [&](BundleRequest& r) {
         r.publish.output = "oci://localhost:5000/aicr/bundle:v1";
         r.publish.image_refs = root + "/refs-link";
       },
       ErrorCode::kInvalidRequest, "must not be a symlink"},
      {"image refs inside the bundle",
       [&](BundleRequest& r) {
         r.publish.output = "oci://localhost:5000/aicr/bundle:v1";
         r.publish.image_refs = r.publish.local_dir + "/refs.txt";
       },
       ErrorCode::kInvalidRequest, "must lie outside the bundle directory"},
      {"image refs without parent",
       [&](BundleRequest& r) {
         r.publish.output = "oci://localhost:5000/aicr/bundle:v1";
         r.publish.image_refs = root + "/no/such/dir/refs.txt";
       },
       ErrorCode::kInvalidRequest, "does not exist"},
  };
  int i = 0;
  for (const PreconditionCase& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string out = "out-" + std::to_string(i++);
    BundleRequest req = Request(out);
    c.edit(req);
    EXPECT_THAT(client_.BundleAndPublish(req), StatusIs(c.code, HasSubstr(c.message)));
    EXPECT_FALSE(fs::exists(root_ / out)) << "output written for " << c.name;
    // Checked before the recipe is even read: the same error without one.
    req.recipe = (root_ / "no-such-recipe.yaml").string();
    EXPECT_THAT(client_.BundleAndPublish(req), StatusIs(c.code, HasSubstr(c.message)));
  }
  EXPECT_FALSE(fs::exists(root_ / "outside" / "target"));
}

TEST_F(BundleAttestTest, ABadBinaryAttestationSidecarIsRefusedUpFront) {
  WriteFile(exe_ + kBinaryAttestationSuffix, "{\"mediaType\": 1}");
  EXPECT_THAT(client_.BundleAndPublish(Signed(ec_key_)),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("binary attestation \"" + exe_ +
                                                             kBinaryAttestationSuffix + "\"")));
  EXPECT_FALSE(fs::exists(root_ / "out"));
}

TEST_F(BundleAttestTest, SignedBundleCarriesAVerifiableStatementOverChecksums) {
  // A binary attestation next to the executable is copied into the bundle.
  auto key = attest::LoadSigningKey(ed_key_);
  ASSERT_THAT(key, IsOk());
  auto sidecar = attest::SignDsseBundle(*key, attest::kInTotoPayloadType, "{}");
  ASSERT_THAT(sidecar, IsOk());
  const std::string sidecar_json = attest::MarshalSigstoreBundle(*sidecar).value();
  WriteFile(exe_ + kBinaryAttestationSuffix, sidecar_json);

  auto run = client_.BundleAndPublish(Signed(ec_key_));
  ASSERT_THAT(run, IsOk());
  EXPECT_TRUE(run->attested);
  const fs::path out = root_ / "out";
  auto report = checksum::VerifyBundle(out.string());
  ASSERT_THAT(report, IsOk());
  EXPECT_TRUE(report->has_bundle_attestation);
  EXPECT_TRUE(report->has_binary_attestation);
  EXPECT_EQ(ReadFile(out / kBinaryAttestationPath), sidecar_json);
  struct stat st {};
  ASSERT_EQ(stat((out / kBundleAttestationPath).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  auto bundle = attest::ParseSigstoreBundle(ReadFile(out / kBundleAttestationPath));
  ASSERT_THAT(bundle, IsOk());
  ASSERT_TRUE(bundle->dsse.has_value());
  EXPECT_EQ(bundle->dsse->payload_type, attest::kInTotoPayloadType);
  auto ec = attest::LoadSigningKey(ec_key_);
  ASSERT_THAT(ec, IsOk());
  EXPECT_TRUE(attest::VerifyEnvelope(*bundle->dsse, ec->public_key()));
  EXPECT_FALSE(attest::VerifyEnvelope(*bundle->dsse, key->public_key()));
  EXPECT_EQ(bundle->material.public_key_hint, ec->public_key().Hint());

  auto statement = attest::ParseStatement(bundle->dsse->payload);
  ASSERT_THAT(statement, IsOk());
  ASSERT_EQ(statement->subjects.size(), 1u);
  EXPECT_EQ(statement->subjects[0].name, "checksums.txt");
  EXPECT_EQ(statement->subjects[0].sha256, checksum::Sha256Hex(ReadFile(out / "checksums.txt")));
  EXPECT_EQ(statement->subjects[0].sha256, report->manifest_sha256);
  auto prov = attest::ProvenanceFromStatement(*statement);
  ASSERT_THAT(prov, IsOk());
  EXPECT_THAT(prov->recipe, HasSubstr("service=eks"));
  EXPECT_EQ(prov->recipe_source, "embedded");
  EXPECT_THAT(prov->components, ElementsAre("cert-manager", "gpu-operator"));
  EXPECT_EQ(prov->output_dir, out.string());
  EXPECT_EQ(prov->tool_version, "v1.2.3");
  ASSERT_EQ(prov->dependencies.size(), 1u);
  EXPECT_EQ(prov->dependencies[0].uri, "file://" + exe_);
  EXPECT_EQ(prov->dependencies[0].sha256, checksum::Sha256Hex("not really an executable\n"));
  EXPECT_EQ(prov->builder_id, "key:" + ec->public_key().Hint());
  EXPECT_EQ(prov->invocation_id, "");
  EXPECT_EQ(prov->started_on, "2023-11-14T22:13:20Z");

  // Tampering with checksums.txt breaks the binding.
  WriteFile(out / "checksums.txt", ReadFile(out / "checksums.txt") + "\n");
  EXPECT_NE(statement->subjects[0].sha256, checksum::Sha256Hex(ReadFile(out / "checksums.txt")));
}

TEST_F(BundleAttestTest, SourceDateEpochMakesEd25519SigningReproducible) {
  ASSERT_THAT(client_.BundleAndPublish(Signed(ed_key_, "a")), IsOk());
  ASSERT_THAT(client_.BundleAndPublish(Signed(ed_key_, "b")), IsOk());
  const std::string a = ReadFile(root_ / "a" / kBundleAttestationPath);
  const std::string b = ReadFile(root_ / "b" / kBundleAttestationPath);
  // The output directory is recorded, so compare statements with it normalised.
  auto statement = [](const std::string& json) {
    auto bundle = attest::ParseSigstoreBundle(json);
    EXPECT_THAT(bundle, IsOk());
    return bundle->dsse->payload;
  };
  std::string sa = statement(a), sb = statement(b);
  const std::string da = (root_ / "a").string(), db = (root_ / "b").string();
  sa.replace(sa.find(da), da.size(), "DIR");
  sb.replace(sb.find(db), db.size(), "DIR");
  EXPECT_EQ(sa, sb);
  // Same output directory → byte-identical Sigstore bundles.
  fs::rename(root_ / "a", root_ / "a-first");
  ASSERT_THAT(client_.BundleAndPublish(Signed(ed_key_, "a")), IsOk());
  EXPECT_EQ(ReadFile(root_ / "a" / kBundleAttestationPath),
            ReadFile(root_ / "a-first" / kBundleAttestationPath));
}

TEST_F(BundleAttestTest, WithoutSourceDateEpochTheRunIsStampedAndIdentified) {
  FakeClock clock(std::chrono::system_clock::time_point(std::chrono::seconds(1750000000)));
  BundleRequest req = Signed(ed_key_);
  req.attestation.source_date_epoch.reset();
  req.attestation.clock = &clock;
  auto signer = PrepareBundleSigner(req.attestation);
  ASSERT_THAT(signer, IsOk());
  ASSERT_TRUE(signer->has_value());
  EXPECT_EQ((*signer)->started_on, "2025-06-15T15:06:40Z");
  EXPECT_TRUE(std::regex_match((*signer)->invocation_id,
                               std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                          "[0-9a-f]{12}")))
      << (*signer)->invocation_id;
  auto again = PrepareBundleSigner(req.attestation);
  ASSERT_THAT(again, IsOk());
  EXPECT_NE((*again)->invocation_id, (*signer)->invocation_id);
}

TEST_F(BundleAttestTest, DataFilesAreRecordedAsDependencies) {
  auto signer = PrepareBundleSigner(Signed(ed_key_).attestation);
  ASSERT_THAT(signer, IsOk());
  layout::FileTree tree;
  ASSERT_THAT(tree.Add("data/registry.yaml", "x: 1\n", layout::kModePrivate), IsOk());
  ASSERT_THAT(tree.Add("README.md", "hi\n", layout::kModePrivate), IsOk());
  ASSERT_THAT(tree.Add("checksums.txt", "abc\n", layout::kModePrivate), IsOk());
  BundleProvenanceInputs inputs{.recipe = "criteria(any)", .external_data = true};
  auto json = AttestBundleTree(**signer, inputs, &tree);
  ASSERT_THAT(json, IsOk());
  EXPECT_EQ(tree.Find(kBundleAttestationPath)->bytes, *json);
  auto bundle = attest::ParseSigstoreBundle(*json);
  ASSERT_THAT(bundle, IsOk());
  auto prov =
      attest::ProvenanceFromStatement(attest::ParseStatement(bundle->dsse->payload).value());
  ASSERT_THAT(prov, IsOk());
  EXPECT_EQ(prov->recipe_source, "external");
  ASSERT_EQ(prov->dependencies.size(), 2u);
  EXPECT_EQ(prov->dependencies[1].uri, "file://data/registry.yaml");
  EXPECT_EQ(prov->dependencies[1].sha256, checksum::Sha256Hex("x: 1\n"));
  // A tree is attested once; one without checksums.txt not at all.
  EXPECT_THAT(AttestBundleTree(**signer, inputs, &tree),
              StatusIs(ErrorCode::kInvalidRequest, "bundle already holds an attestation"));
  layout::FileTree empty;
  EXPECT_THAT(AttestBundleTree(**signer, inputs, &empty),
              StatusIs(ErrorCode::kInvalidRequest, "bundle has no checksums.txt to attest"));
}

TEST_F(BundleAttestTest, UnsignedBundleHasNoAttestation) {
  auto run = client_.BundleAndPublish(Request());
  ASSERT_THAT(run, IsOk());
  EXPECT_FALSE(run->attested);
  auto report = checksum::VerifyBundle((root_ / "out").string());
  ASSERT_THAT(report, IsOk());
  EXPECT_FALSE(report->has_bundle_attestation);
  EXPECT_FALSE(fs::exists(root_ / "out" / "attestation"));
}

TEST_F(BundleAttestTest, PrivateFilesAreWrittenAtomicallyWithMode0600) {
  const std::string path = (root_ / "refs.txt").string();
  WriteFile(path, "old\n");
  chmod(path.c_str(), 0644);
  ASSERT_THAT(WritePrivateFileAtomic(path, "new\n"), IsOk());
  EXPECT_EQ(ReadFile(path), "new\n");
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  fs::create_symlink(path, root_ / "link.txt");
  EXPECT_THAT(WritePrivateFileAtomic((root_ / "link.txt").string(), "x\n"),
              StatusIs(ErrorCode::kInvalidRequest, HasSubstr("must not be a symlink")));
  EXPECT_EQ(ReadFile(path), "new\n");
  for (const auto& entry : fs::directory_iterator(root_)) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos);
  }
}

}  // namespace
}  // namespace aicr::client
