#include <string>

#include "base/status_macros.h"
#include "cli/commands.h"
#include "cli/recipe_flags.h"
#include "client/client.h"
#include "serialize/json_writer.h"
#include "serialize/yaml_writer.h"

namespace aicr::cli {
namespace {

Status RunQuery(CommandContext& ctx) {
  if (!ctx.IsSet("selector")) {
    return InvalidRequestError("required flag --selector not set");
  }
  client::Client cli(ClientOptions(ctx));
  recipe::ResolutionErrorDetails details;
  Result<serialize::Value> selected =
      cli.Query(RecipeRequestFromFlags(ctx), ctx.GetString("selector"), &details);
  if (!selected.ok()) {
    LogResolutionDetails(details);
    return selected.status();
  }
  const serialize::Value& v = *selected;
  if (v.is_scalar()) {
    // Scalars print as plain text: a string without quotes, numbers and bools as
    // their canonical text.
    if (const std::string* s = v.if_string()) {
      ctx.out() << *s << "\n";
    } else if (v.is_null()) {
      ctx.out() << "null\n";
    } else {
      AICR_ASSIGN_OR_RETURN(const std::string text, serialize::WriteJson(v));
      ctx.out() << text;
    }
    return OkStatus();
  }
  if (ctx.GetString("format") == "json") {
    AICR_ASSIGN_OR_RETURN(const std::string json, serialize::WriteJson(v));
    ctx.out() << json;
  } else {
    ctx.out() << serialize::WriteYaml(v);
  }
  return OkStatus();
}

}  // namespace

CommandSpec QueryCommand() {
  std::vector<FlagSpec> flags = CriteriaFlags();
  for (FlagSpec& f : ResolutionFlags()) {
    flags.push_back(std::move(f));
  }
  flags.push_back(FlagSpec{
      .name = "selector",
      .usage = "dot path into the hydrated recipe (required; empty selects everything)",
      .value_name = "PATH",
  });
  flags.push_back(FlagSpec{
      .name = "format",
      .shorts = {'t'},
      .default_value = "yaml",
      .usage = "format for maps and lists (scalars print as plain text)",
      .values = {"json", "yaml"},
  });
  return CommandSpec{
      .name = "query",
      .summary = "select a value from a resolved, hydrated recipe",
      .description =
          "Resolves a recipe like `aicr recipe`, merges every component's values, and\n"
          "prints the value at --selector. Roots: components.<name>[.values.<path>|.chart],\n"
          "criteria.<dimension>, metadata.selectedProfile, deploymentOrder, constraints.\n"
          "\n"
          "    aicr query --service eks --accelerator h100 --intent training \\\n"
          "      --selector components.gpu-operator.values.driver.version\n",
      .flags = std::move(flags),
      .handler = RunQuery,
  };
}

}  // namespace aicr::cli
