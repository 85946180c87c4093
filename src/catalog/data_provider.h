#pragma once

/// \file
/// Read access to the recipe catalogue data: the `recipes/` tree compiled into the
/// binary (EmbeddedProvider), in-memory trees for tests (MakeMemoryProvider), and
/// an external `--data DIR` layered over either (layered.h).
///
/// Paths are relative, with forward slashes (`overlays/base.yaml`). Providers are
/// immutable once built, so every method may be called from any thread.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "catalog/path.h"

namespace aicr::catalog {

/// Source() values.
inline constexpr std::string_view kSourceEmbedded = "embedded";
inline constexpr std::string_view kSourceExternal = "external";
inline constexpr std::string_view kSourceMerged = "merged (embedded + external)";

/// The component registry (always merged by a layered provider).
inline constexpr std::string_view kRegistryPath = "registry.yaml";
/// The validator catalogue (merged when the external directory has one).
inline constexpr std::string_view kValidatorCatalogPath = "validators/catalog.yaml";

/// A read-only tree of data files.
class DataProvider {
 public:
  virtual ~DataProvider() = default;

  /// Every file, in walk order: WalkOrderLess for an embedded or in-memory tree; for
  /// a layered provider the external files in walk order, then the embedded files
  /// the external directory does not override, in walk order.
  virtual std::vector<std::string> Files() const = 0;

  /// The bytes of `path`. NOT_FOUND `data file "<path>" not found` when absent; a
  /// layered provider may also fail reading its external file (see layered.h).
  virtual Result<std::string> Read(std::string_view path) const = 0;

  /// Where `path` comes from: kSourceEmbedded, kSourceExternal or kSourceMerged.
  /// A path the provider does not hold reports the underlying embedded source.
  virtual std::string_view Source(std::string_view path) const = 0;

  /// Whether `path` is one of Files().
  virtual bool Has(std::string_view path) const = 0;

  /// A pre-parsed form of `path`, when the provider has one: compact JSON that
  /// serialize::ParseJson reads to exactly the document serialize::ParseYaml reads
  /// from Read(path) (same values, same key order), which also means the file holds
  /// exactly one YAML document. Parsing it is >10x faster than the YAML. Only
  /// embedded files built in have one (embedded_table.h): the embedded provider
  /// answers for its single-document `.yaml` files outside `components/` and
  /// `checks/`, a layered provider only for such paths it serves unchanged from the
  /// embedded tree (never for an external or merged file). The view lives as long as
  /// the provider. Default: none.
  virtual std::optional<std::string_view> PreparsedJson(std::string_view /*path*/) const {
    return std::nullopt;
  }

  /// A stable id for caches keyed by provider: `embedded`, `layered:<canonical dir>`,
  /// or `memory:<content hash>` for an in-memory provider.
  virtual std::string_view Identity() const = 0;
};

/// The process-wide provider over the tree compiled into the binary.
const DataProvider& EmbeddedProvider();

/// A provider over `files` (path -> bytes), e.g. for tests of other modules. Every
/// file reports `source`; the identity is derived from the content, so two providers
/// with the same files and source share it.
std::unique_ptr<DataProvider> MakeMemoryProvider(std::map<std::string, std::string> files,
                                                 std::string source = std::string(kSourceEmbedded));

}  // namespace aicr::catalog
