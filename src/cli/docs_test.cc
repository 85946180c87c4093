#include "cli/docs.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "cli/builtin_commands.h"
#include "cli/help.h"
#include "cli/test_table_for_test.h"

namespace aicr::cli {
namespace {

using ::testing::HasSubstr;

TEST(DocsTest, CheckedInReferenceIsUpToDate) {
  const std::string path = std::string(AICR_SOURCE_DIR) + "/docs/cli-reference.md";
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << path
                         << " is missing; generate it with: cmake --build <build-dir> "
                            "--target docs";
  std::stringstream checked_in;
  checked_in << in.rdbuf();
  EXPECT_TRUE(checked_in.str() == RenderCliReference(BuildCommandTable()))
      << path << " is out of date with the command table in src/cli.\n"
      << "Regenerate it with: cmake --build <build-dir> --target docs";
}

TEST(DocsTest, DocumentsEveryVisibleCommandFlagAndExitCode) {
  const CommandSpec table = TestTable();
  const std::string doc = RenderCliReference(table);
  EXPECT_EQ(doc, RenderCliReference(table));
  for (const char* heading :
       {"### `aicr completion`", "### `aicr recipe`", "### `aicr recipe list`",
        "### `aicr group leaf`", "## Global flags", "## Exit codes"}) {
    EXPECT_THAT(doc, HasSubstr(heading));
  }
  EXPECT_THAT(doc, HasSubstr("| Flag | Aliases | Type | Default | Env | Description |"));
  EXPECT_THAT(doc, HasSubstr("| `--accelerator` | `--gpu` | `string` |  |  | accelerator type"));
  EXPECT_THAT(doc, HasSubstr("| `--format` | `-t` | `string` | `yaml` |  | output format (one "
                             "of: json, table, yaml) |"));
  EXPECT_THAT(doc, HasSubstr("| `--timeout` |  | `duration` | `5m` | `AICR_TEST_TIMEOUT` |"));
  EXPECT_THAT(doc, HasSubstr("| `--debug` |  | `bool` |  | `AICR_DEBUG` |"));
  EXPECT_THAT(doc, HasSubstr("Aliases: `rcp`"));
  EXPECT_THAT(doc, HasSubstr("```\naicr completion <shell>\n```"));
  EXPECT_THAT(doc, HasSubstr("| `<shell>` | yes | `bash`, `fish`, `zsh` |"));
  EXPECT_THAT(doc, ::testing::Not(HasSubstr("secret")));
  EXPECT_THAT(doc, HasSubstr("| 0 |  | success |"));
  EXPECT_THAT(doc, HasSubstr("| 2 | `INVALID_REQUEST` |"));
  EXPECT_THAT(doc, HasSubstr("| 9 | `CANCELED` |"));
  EXPECT_THAT(doc, HasSubstr("| 1 | `UNKNOWN` |"));
}

}  // namespace
}  // namespace aicr::cli
