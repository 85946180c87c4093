#include <string>
#include <utility>
#include <vector>

#include "base/log.h"
#include "base/status_macros.h"
#include "base/version.h"
#include "cli/commands.h"
#include "cli/recipe_flags.h"
#include "client/client.h"
#include "client/mirror.h"
#include "mirror/formats.h"
#include "serialize/output.h"

namespace aicr::cli {
namespace {

Status RunMirrorList(CommandContext& ctx) {
  const std::string format = ctx.GetString("format");
  client::MirrorRequest req;
  req.recipe = ctx.GetString("recipe");
  if (ctx.IsSet("recipe") && req.recipe.empty()) {
    return InvalidRequestError("--recipe must not be empty");
  }
  req.resolve = RecipeRequestFromFlags(ctx);
  req.set = ctx.GetStrings("set");
  req.cancel = ctx.cancel();

  client::Client cli(ClientOptions(ctx));
  recipe::ResolutionErrorDetails details;
  Result<mirror::MirrorList> list = client::ListMirror(cli, req, GetBuildInfo().version, &details);
  if (!list.ok()) {
    LogResolutionDetails(details);
    return list.status();
  }
  for (const mirror::ComponentImages& c : list->components) {
    for (const std::string& warning : c.warnings) {
      log::Warn("image discovery incomplete", {{"component", c.component}, {"warning", warning}});
    }
  }
  log::Info("discovery complete", {{"images", std::to_string(list->images.size())},
                                   {"charts", std::to_string(list->charts.size())},
                                   {"components", std::to_string(list->components.size())}});
  AICR_ASSIGN_OR_RETURN(const std::string bytes, mirror::Render(*list, format));
  serialize::OutputOptions out;
  out.kind = "MirrorList";
  out.format = format == "json" ? "json" : "yaml";
  out.version = list->recipe_version;
  out.cancel = ctx.cancel();
  out.stdout_stream = &ctx.out();
  out.configmaps = cli.configmaps();
  return serialize::WriteOutput(ctx.GetString("output"), bytes, out);
}

}  // namespace

CommandSpec MirrorCommand() {
  std::vector<FlagSpec> flags = {
      FlagSpec{.name = "recipe",
               .shorts = {'r'},
               .usage = "recipe to list: file, http(s) URL, cm://namespace/name or - (instead of "
                        "criteria flags)",
               .value_name = "SOURCE"},
  };
  for (FlagSpec& f : CriteriaFlags()) {
    flags.push_back(std::move(f));
  }
  for (FlagSpec& f : ResolutionFlags()) {
    flags.push_back(std::move(f));
  }
  flags.push_back(FlagSpec{
      .name = "set",
      .type = FlagType::kStringList,
      .usage = "value override that affects image discovery comp:path=value (repeatable; "
               "comp:enabled=false drops a component)",
      .value_name = "COMP:PATH=VALUE",
  });
  flags.push_back(FlagSpec{
      .name = "format",
      .shorts = {'f'},
      .default_value = "yaml",
      .usage = "output format (hauler: content.hauler.cattle.io/v1 manifest; zarf: "
               "ZarfPackageConfig)",
      .values = mirror::SupportedFormats(),
  });
  flags.push_back(OutputFlag());

  return CommandSpec{
      .name = "mirror",
      .summary = "discover container images and Helm charts for air-gapped mirroring",
      .subcommands = {CommandSpec{
          .name = "list",
          .summary = "list every container image and Helm chart a recipe needs",
          .description =
              "Renders each enabled Helm component of the recipe with `helm template`\n"
              "(helm must be on PATH; --kube-version comes from the recipe's\n"
              "K8s.server.version constraint, default 1.33.0) using the same merged\n"
              "values as `aicr bundle`, and collects every `image` reference from the\n"
              "output and from the component's manifests. The recipe comes from -r or is\n"
              "resolved from the criteria flags. A chart that cannot be rendered (for\n"
              "example an unreachable repository) becomes a warning on its component and\n"
              "the command still succeeds.\n"
              "\n"
              "Formats: yaml and json list images, charts and a per-component breakdown\n"
              "with warnings; hauler is a manifest for `hauler store sync -f`; zarf is a\n"
              "zarf.yaml for `zarf package create`.\n"
              "\n"
              "    aicr mirror list -r recipe.yaml\n"
              "    aicr mirror list --service eks --accelerator h100 --intent training -f hauler\n"
              "    aicr mirror list -r recipe.yaml --set gpuoperator:driver.enabled=false\n",
          .flags = std::move(flags),
          .handler = RunMirrorList,
      }},
  };
}

}  // namespace aicr::cli
