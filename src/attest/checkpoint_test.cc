// Signed-note checkpoints: parsing, key hints (Rekor v1 and C2SP rules), cosignatures.

#include "attest/checkpoint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "attest/keys.h"
#include "attest/merkle.h"
#include "attest/test_keys.h"
#include "base/base64.h"

namespace aicr::attest {
namespace {

using ::aicr::attest::testing::GeneratePrivateKeyPem;
using ::aicr::attest::testing::TestKey;
using ::testing::HasSubstr;

const std::string kDash = "\xE2\x80\x94 ";

PrivateKey Key(TestKey kind) {
  Result<PrivateKey> k = PrivateKey::FromPem(GeneratePrivateKeyPem(kind), "test key");
  EXPECT_TRUE(k.ok());
  return *k;
}

std::string Text(std::string_view origin, uint64_t size) {
  return std::string(origin) + "\n" + std::to_string(size) + "\n" +
         EncodeBase64(Sha256Raw("root")) + "\n";
}

std::string SigLine(const PrivateKey& key, std::string_view name, std::string_view text,
                    CheckpointKeyRule rule) {
  Result<std::string> sig = key.Sign(text);
  EXPECT_TRUE(sig.ok());
  return kDash + std::string(name) + " " +
         EncodeBase64(CheckpointKeyHint(key.public_key(), name, rule) + *sig) + "\n";
}

TEST(CheckpointTest, ParsesFieldsExtensionsAndSignatures) {
  const PrivateKey key = Key(TestKey::kEd25519);
  const std::string text = Text("example.org/log", 42) + "ext one\n";
  Result<Checkpoint> cp = ParseCheckpoint(
      text + "\n" + SigLine(key, "example.org/log", text, CheckpointKeyRule::kSignedNote));
  ASSERT_TRUE(cp.ok()) << cp.status().message();
  EXPECT_EQ(cp->origin, "example.org/log");
  EXPECT_EQ(cp->tree_size, 42u);
  EXPECT_EQ(cp->root_hash, Sha256Raw("root"));
  EXPECT_EQ(cp->extensions, std::vector<std::string>{"ext one"});
  EXPECT_EQ(cp->text, text);
  ASSERT_EQ(cp->signatures.size(), 1u);
  EXPECT_EQ(cp->signatures[0].name, "example.org/log");
  EXPECT_EQ(cp->signatures[0].signature.size(), 64u);
  EXPECT_TRUE(
      VerifyCheckpointSignature(*cp, key.public_key(), CheckpointKeyRule::kSignedNote).ok());
}

TEST(CheckpointTest, RejectsMalformedNotesWithSpecificReasons) {
  const std::string root = EncodeBase64(Sha256Raw("root"));
  const std::string sig = kDash + "o " + EncodeBase64("abcdefgh") + "\n";
  struct Case {
    std::string note;
    std::string reason;
  };
  const Case cases[] = {
      {"o\n1\n" + root + "\n" + sig, "no blank line"},
      {"1\n" + root + "\n\n" + sig, "missing origin line"},
      {"o\n" + root + "\n\n" + sig, "missing tree size line"},
      {"o\n1\n\n" + sig, "missing root hash line"},
      {"o\nx1\n" + root + "\n\n" + sig, "is not a decimal number"},
      {"o\n1\n!!\n\n" + sig, "root hash is not valid base64"},
      {"o\n1\n" + EncodeBase64("short") + "\n\n" + sig, "root hash is 5 bytes"},
      {"o\n1\n" + root + "\n\n", "no signature lines"},
      {"o\n1\n" + root + "\n\n- o " + EncodeBase64("abcdefgh") + "\n", "em dash"},
      {"o\n1\n" + root + "\n\n" + kDash + "o AAA=\n", "too short"},
      {"o\n1\n" + root + "\n\n" + kDash + "o\n", "needs a name"},
      {"o\n1\n" + root + "\n\n" + sig.substr(0, sig.size() - 1), "newline"},
  };
  for (const Case& c : cases) {
    Result<Checkpoint> cp = ParseCheckpoint(c.note);
    ASSERT_FALSE(cp.ok()) << c.reason;
    EXPECT_EQ(cp.status().code(), ErrorCode::kInvalidRequest);
    EXPECT_THAT(cp.status().message(), HasSubstr("checkpoint: "));
    EXPECT_THAT(cp.status().message(), HasSubstr(c.reason));
  }
}

TEST(CheckpointTest, UnknownCosignaturesAreIgnoredInAnyPosition) {
  const PrivateKey log = Key(TestKey::kEd25519);
  const PrivateKey witness = Key(TestKey::kEd25519);
  const PrivateKey other_log = Key(TestKey::kEcP256Pkcs8);
  const std::string text = Text("log.example", 7);
  const std::string note =
      text + "\n" + SigLine(witness, "witness.example", text, CheckpointKeyRule::kSignedNote) +
      SigLine(other_log, "log.example", text, CheckpointKeyRule::kSignedNote) +
      SigLine(log, "log.example", text, CheckpointKeyRule::kSignedNote);
  Result<Checkpoint> cp = ParseCheckpoint(note);
  ASSERT_TRUE(cp.ok());
  EXPECT_TRUE(
      VerifyCheckpointSignature(*cp, log.public_key(), CheckpointKeyRule::kSignedNote).ok());
  // A key that signed nothing finds no line.
  Status none = VerifyCheckpointSignature(*cp, Key(TestKey::kEd25519).public_key(),
                                          CheckpointKeyRule::kSignedNote);
  EXPECT_THAT(none.message(), HasSubstr("no signature line matches the log key"));
}

TEST(CheckpointTest, NameMustMatchOriginForSignedNotes) {
  const PrivateKey log = Key(TestKey::kEd25519);
  const std::string text = Text("log.example", 7);
  // Hint computed for the origin, but the line carries another name.
  Result<std::string> sig = log.Sign(text);
  ASSERT_TRUE(sig.ok());
  const std::string line = kDash + "log.other " +
                           EncodeBase64(CheckpointKeyHint(log.public_key(), "log.example",
                                                          CheckpointKeyRule::kSignedNote) +
                                        *sig) +
                           "\n";
  Result<Checkpoint> cp = ParseCheckpoint(text + "\n" + line);
  ASSERT_TRUE(cp.ok());
  EXPECT_FALSE(
      VerifyCheckpointSignature(*cp, log.public_key(), CheckpointKeyRule::kSignedNote).ok());
}

TEST(CheckpointTest, RekorV1HintIsSpkiHashAndBadSignatureIsRejected) {
  const PrivateKey log = Key(TestKey::kEcP256Pkcs8);
  EXPECT_EQ(CheckpointKeyHint(log.public_key(), "anything", CheckpointKeyRule::kRekorV1),
            Sha256Raw(log.public_key().SpkiDer()).substr(0, 4));
  const std::string text = Text("rekor.example - 123", 9);
  const std::string good = SigLine(log, "rekor.example", text, CheckpointKeyRule::kRekorV1);
  Result<Checkpoint> cp = ParseCheckpoint(text + "\n" + good);
  ASSERT_TRUE(cp.ok());
  EXPECT_TRUE(VerifyCheckpointSignature(*cp, log.public_key(), CheckpointKeyRule::kRekorV1).ok());
  // Same key hint, signature over different text.
  const std::string forged =
      SigLine(log, "rekor.example", Text("rekor.example - 123", 10), CheckpointKeyRule::kRekorV1);
  Result<Checkpoint> bad = ParseCheckpoint(text + "\n" + forged);
  ASSERT_TRUE(bad.ok());
  EXPECT_THAT(
      VerifyCheckpointSignature(*bad, log.public_key(), CheckpointKeyRule::kRekorV1).message(),
      HasSubstr("signature by \"rekor.example\" does not verify"));
}

TEST(CheckpointTest, ExpectedKeyHintOverridesTheComputedOne) {
  const PrivateKey log = Key(TestKey::kEcP256Pkcs8);
  const std::string text = Text("log.example", 3);
  Result<std::string> sig = log.Sign(text);
  ASSERT_TRUE(sig.ok());
  const std::string hint = "\x01\x02\x03\x04";
  Result<Checkpoint> cp =
      ParseCheckpoint(text + "\n" + kDash + "log.example " + EncodeBase64(hint + *sig) + "\n");
  ASSERT_TRUE(cp.ok());
  EXPECT_FALSE(
      VerifyCheckpointSignature(*cp, log.public_key(), CheckpointKeyRule::kSignedNote).ok());
  EXPECT_TRUE(
      VerifyCheckpointSignature(*cp, log.public_key(), CheckpointKeyRule::kSignedNote, hint).ok());
}

}  // namespace
}  // namespace aicr::attest
