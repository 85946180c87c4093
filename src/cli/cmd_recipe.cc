#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "base/log.h"
#include "base/status_macros.h"
#include "base/version.h"
#include "cli/commands.h"
#include "cli/recipe_flags.h"
#include "client/client.h"
#include "recipe/result.h"
#include "serialize/json_writer.h"
#include "serialize/output.h"
#include "serialize/yaml_writer.h"

namespace aicr::cli {
namespace {

// A human summary: criteria, applied overlays and one row per component.
std::string RecipeTable(const recipe::RecipeResult& r) {
  std::ostringstream out;
  if (r.criteria.has_value()) {
    out << "Criteria: " << r.criteria->ToString() << "\n";
  }
  out << "Applied overlays: ";
  for (std::size_t i = 0; i < r.metadata.applied_overlays.size(); ++i) {
    out << (i > 0 ? ", " : "") << r.metadata.applied_overlays[i];
  }
  out << "\n\n";
  std::vector<std::vector<std::string>> rows = {
      {"COMPONENT", "TYPE", "VERSION", "NAMESPACE", "SOURCE"}};
  for (const recipe::ComponentRef& ref : r.component_refs) {
    rows.push_back({ref.name, ref.type, ref.version.empty() ? "-" : ref.version,
                    ref.namespace_.empty() ? "-" : ref.namespace_,
                    ref.source.empty() ? "-" : ref.source});
  }
  out << RenderTable(rows);
  if (!r.constraints.empty()) {
    out << "\n";
    std::vector<std::vector<std::string>> crows = {{"CONSTRAINT", "VALUE"}};
    for (const recipe::Constraint& c : r.constraints) {
      crows.push_back({c.name, c.value});
    }
    out << RenderTable(crows);
  }
  out << "\nDeployment order: ";
  for (std::size_t i = 0; i < r.deployment_order.size(); ++i) {
    out << (i > 0 ? ", " : "") << r.deployment_order[i];
  }
  out << "\n";
  return out.str();
}

Status RunRecipe(CommandContext& ctx) {
  client::Client cli(ClientOptions(ctx));
  recipe::ResolutionErrorDetails details;
  Result<client::RecipeResponse> resolved =
      cli.ResolveRecipe(RecipeRequestFromFlags(ctx), &details);
  if (!resolved.ok()) {
    LogResolutionDetails(details);
    return resolved.status();
  }
  std::string format = ctx.GetString("format");
  if (!ctx.IsSet("format") && !resolved->config_output_format.empty()) {
    format = resolved->config_output_format;
  }
  std::string target = ctx.GetString("output");
  if (!ctx.IsSet("output") && !resolved->config_output_path.empty()) {
    target = resolved->config_output_path;
  }
  std::string bytes;
  if (format == "table") {
    bytes = RecipeTable(resolved->result);
  } else if (format == "json") {
    AICR_ASSIGN_OR_RETURN(bytes, serialize::WriteJson(recipe::ToValue(resolved->result)));
  } else {
    bytes = serialize::WriteYaml(recipe::ToValue(resolved->result));
  }
  serialize::OutputOptions out;
  out.kind = "RecipeResult";
  out.format = format;
  out.version = resolved->result.metadata.version;
  out.cancel = ctx.cancel();
  out.stdout_stream = &ctx.out();
  return serialize::WriteOutput(target, bytes, out);
}

std::string Cell(const std::string& v) { return recipe::IsAny(v) ? "any" : v; }

Status RunRecipeList(CommandContext& ctx) {
  client::Client cli(ClientOptions(ctx));
  client::ListRequest req;
  req.filters = CriteriaFromFlags(ctx);
  req.data_dir = ctx.GetString("data");
  req.criteria_strict = ctx.GetBool("criteria-strict");
  req.skip_health = ctx.GetBool("no-health");
  AICR_ASSIGN_OR_RETURN(const std::vector<client::ListItem> items, cli.ListRecipes(req));
  const std::string format = ctx.GetString("format");
  if (format == "table") {
    std::vector<std::vector<std::string>> rows = {{"NAME", "SERVICE", "ACCELERATOR", "INTENT", "OS",
                                                   "PLATFORM", "IS_LEAF", "STATUS", "COVERAGE",
                                                   "SOURCE"}};
    for (const client::ListItem& item : items) {
      const bool health = item.health.has_value();
      rows.push_back({item.name, Cell(item.criteria.service), Cell(item.criteria.accelerator),
                      Cell(item.criteria.intent), Cell(item.criteria.os),
                      Cell(item.criteria.platform), item.is_leaf ? "true" : "false",
                      health ? item.health->status : "-",
                      health ? client::CoverageSummary(*item.health) : "-", item.source});
    }
    ctx.out() << RenderTable(rows);
    return OkStatus();
  }
  serialize::Value list = serialize::Value::EmptySequence();
  for (const client::ListItem& item : items) {
    list.Append(client::ListItemToValue(item));
  }
  if (format == "json") {
    AICR_ASSIGN_OR_RETURN(const std::string json, serialize::WriteJson(list));
    ctx.out() << json;
  } else {
    ctx.out() << serialize::WriteYaml(list);
  }
  return OkStatus();
}

}  // namespace

CommandSpec RecipeCommand() {
  std::vector<FlagSpec> flags = CriteriaFlags();
  for (FlagSpec& f : ResolutionFlags()) {
    flags.push_back(std::move(f));
  }
  flags.push_back(FlagSpec{
      .name = "output",
      .shorts = {'o'},
      .usage = "output target: a file, cm://namespace/name, or - for stdout",
      .value_name = "TARGET",
  });
  flags.push_back(FlagSpec{
      .name = "format",
      .shorts = {'t'},
      .default_value = "yaml",
      .usage = "output format",
      .values = {"json", "table", "yaml"},
  });

  std::vector<FlagSpec> list_flags = CriteriaFilterFlags();
  list_flags.push_back(FlagSpec{
      .name = "format",
      .shorts = {'t'},
      .default_value = "table",
      .usage = "output format",
      .values = {"json", "table", "yaml"},
  });
  list_flags.push_back(FlagSpec{
      .name = "data",
      .usage = "external data directory layered over the embedded catalogue",
      .value_name = "DIR",
  });
  list_flags.push_back(FlagSpec{
      .name = "no-health",
      .aliases = {"skip-health"},
      .type = FlagType::kBool,
      .usage = "skip per-leaf health scoring",
  });
  list_flags.push_back(CriteriaStrictFlag());

  return CommandSpec{
      .name = "recipe",
      .summary = "resolve a version-locked recipe from criteria",
      .description =
          "Composes the catalogue's overlays, mixins and component registry into one\n"
          "RecipeResult for the given criteria. Precedence: flags, then --config, then\n"
          "criteria detected from --snapshot. A stated criterion that no overlay honours\n"
          "is an error listing the valid completions.\n"
          "\n"
          "    aicr recipe --service eks --accelerator h100 --intent training --os ubuntu\n",
      .flags = std::move(flags),
      .subcommands = {CommandSpec{
          .name = "list",
          .summary = "list catalogue overlays with per-leaf health",
          .description =
              "Lists the overlays of the catalogue that match every given filter, with\n"
              "each leaf's structural health: whether it resolves, whether every chart is\n"
              "pinned, and its declared validation coverage (R:readiness D:deployment\n"
              "P:performance C:conformance).\n",
          .flags = std::move(list_flags),
          .handler = RunRecipeList,
      }},
      .handler = RunRecipe,
  };
}

}  // namespace aicr::cli
