#include "evidence/sign.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "attest/dsse.h"
#include "attest/sigstore_bundle.h"
#include "attest/statement.h"
#include "base/atomic_file.h"
#include "base/status_macros.h"
#include "evidence/builder.h"
#include "evidence/manifest.h"

namespace aicr::evidence {

Status SignSummaryBundle(const std::string& summary_dir, const attest::PrivateKey& key) {
  namespace fs = std::filesystem;
  const fs::path statement_path = fs::path(summary_dir) / kStatementFile;
  std::error_code ec;
  if (!fs::is_regular_file(fs::symlink_status(statement_path, ec))) {
    return NotFoundError("evidence bundle \"" + summary_dir + "\": no " +
                         std::string(kStatementFile));
  }
  std::ifstream in(statement_path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  const std::string statement = bytes.str();
  Result<attest::Statement> parsed = attest::ParseStatement(statement);
  if (!parsed.ok()) {
    return parsed.status().WithContext(statement_path.string());
  }
  if (parsed->predicate_type != kPredicateTypeV1 && parsed->predicate_type != kPredicateTypeV2) {
    return InvalidRequestError(statement_path.string() + ": predicateType \"" +
                               parsed->predicate_type + "\" is not recipe evidence");
  }
  AICR_ASSIGN_OR_RETURN(const attest::SigstoreBundle bundle,
                        attest::SignDsseBundle(key, attest::kInTotoPayloadType, statement));
  AICR_ASSIGN_OR_RETURN(const std::string json, attest::MarshalSigstoreBundle(bundle));
  return WriteFileAtomic((fs::path(summary_dir) / kAttestationFile).string(), json);
}

}  // namespace aicr::evidence
