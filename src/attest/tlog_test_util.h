#pragma once

// Test helpers: load a public Sigstore conformance case (bundle, trusted root, artifact) from
// ../shared/conformance/sigstore-bundle-verify beside the checkout and derive a TlogContext.

#include <filesystem>
#include <memory>
#include <string>

#include "attest/sigstore_bundle.h"
#include "attest/tlog.h"
#include "attest/trusted_root.h"
#include "base/result.h"

namespace aicr::attest::testing {

/// The conformance cases folder (AICR_SOURCE_DIR/../shared/conformance/sigstore-bundle-verify).
std::filesystem::path ConformanceCasesDir();

/// A loaded case. Not movable once built: ctx.dsse points into bundle.
struct ConformanceCase {
  SigstoreBundle bundle;
  TrustedRoot root;
  TlogContext ctx;
};

/// Reads `<case>/bundle.sigstore.json`, its trusted_root.json (or the public-good one beside the
/// cases), the artifact (or a.txt) and key.pub, and fills the context.
Result<std::unique_ptr<ConformanceCase>> LoadConformanceCase(const std::string& name);

}  // namespace aicr::attest::testing

// Skips when the vectors are absent, except on CI (CI=true), where that fails.
#define AICR_REQUIRE_TLOG_CONFORMANCE_CASES()                                             \
  do {                                                                                    \
    if (!std::filesystem::is_directory(::aicr::attest::testing::ConformanceCasesDir())) { \
      const char* ci = std::getenv("CI");                                                 \
      if (ci != nullptr && std::string(ci) == "true") {                                   \
        FAIL() << "conformance cases missing at "                                         \
               << ::aicr::attest::testing::ConformanceCasesDir().string();                \
      }                                                                                   \
      GTEST_SKIP() << "conformance cases not found at "                                   \
                   << ::aicr::attest::testing::ConformanceCasesDir().string();            \
    }                                                                                     \
  } while (false)
