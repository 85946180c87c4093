#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/log.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "base/version.h"
#include "cli/commands.h"
#include "cli/recipe_flags.h"
#include "client/client.h"
#include "client/diff.h"
#include "measurement/diff.h"
#include "serialize/json_writer.h"
#include "serialize/output.h"
#include "serialize/yaml_writer.h"

namespace aicr::cli {
namespace {

std::string OrDash(const std::optional<std::string>& v) {
  return v.has_value() && !v->empty() ? *v : "-";
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return out;
}

// A human summary: the counts, one row per change and a verdict line.
std::string DiffTable(const measurement::DiffResult& r) {
  if (r.changes.empty()) {
    return "NO CHANGES\n";
  }
  std::string out = "CHANGES (" + std::to_string(r.summary.added) + " added, " +
                    std::to_string(r.summary.removed) + " removed, " +
                    std::to_string(r.summary.modified) + " modified)\n";
  std::vector<std::vector<std::string>> rows = {{"KIND", "PATH", "BASELINE", "TARGET"}};
  for (const measurement::Change& c : r.changes) {
    rows.push_back(
        {Upper(measurement::ChangeKindName(c.kind)), c.path, OrDash(c.baseline), OrDash(c.target)});
  }
  out += AlignColumns(rows);
  out += "\nDRIFT DETECTED\n";
  return out;
}

Status RunDiff(CommandContext& ctx) {
  if (!ctx.IsSet("baseline") || ctx.GetString("baseline").empty()) {
    return InvalidRequestError("required flag --baseline not set");
  }
  if (!ctx.IsSet("target") || ctx.GetString("target").empty()) {
    return InvalidRequestError("required flag --target not set");
  }
  client::Client cli(ClientOptions(ctx));
  client::DiffRequest request;
  request.baseline = ctx.GetString("baseline");
  request.target = ctx.GetString("target");
  request.configmaps = cli.configmaps();
  request.cancel = ctx.cancel();
  AICR_ASSIGN_OR_RETURN(const measurement::DiffResult result, client::DiffSnapshots(request));
  log::Info("snapshot diff complete", {{"added", std::to_string(result.summary.added)},
                                       {"removed", std::to_string(result.summary.removed)},
                                       {"modified", std::to_string(result.summary.modified)}});

  const std::string format = ctx.GetString("format");
  std::string bytes;
  if (format == "table") {
    bytes = DiffTable(result);
  } else if (format == "json") {
    AICR_ASSIGN_OR_RETURN(bytes, serialize::WriteJson(measurement::DiffResultToValue(result)));
  } else {
    bytes = serialize::WriteYaml(measurement::DiffResultToValue(result));
  }
  serialize::OutputOptions out;
  out.kind = "DiffResult";
  out.format = format;
  out.version = GetBuildInfo().version;
  out.cancel = ctx.cancel();
  out.stdout_stream = &ctx.out();
  out.configmaps = cli.configmaps();
  AICR_RETURN_IF_ERROR(serialize::WriteOutput(ctx.GetString("output"), bytes, out));

  if (ctx.GetBool("fail-on-drift") && result.HasDrift()) {
    return ConflictError("drift detected: " + std::to_string(result.summary.total) +
                         " change(s) found");
  }
  return OkStatus();
}

}  // namespace

CommandSpec DiffCommand() {
  std::vector<FlagSpec> flags;
  flags.push_back(FlagSpec{
      .name = "baseline",
      .shorts = {'b'},
      .usage = "baseline snapshot: a file, http(s) URL or cm://namespace/name (required)",
      .value_name = "SNAPSHOT",
  });
  flags.push_back(FlagSpec{
      .name = "target",
      .usage = "target snapshot: a file, http(s) URL or cm://namespace/name (required)",
      .value_name = "SNAPSHOT",
  });
  flags.push_back(FlagSpec{
      .name = "fail-on-drift",
      .type = FlagType::kBool,
      .usage = "exit with status 2 (CONFLICT) when anything differs; the report is written first",
  });
  flags.push_back(OutputFlag());
  flags.push_back(DocumentFormatFlag());
  flags.push_back(FlagSpec{
      .name = "kubeconfig",
      .shorts = {'k'},
      .usage = "kubeconfig for cm:// sources and targets (default: KUBECONFIG, in-cluster, "
               "~/.kube/config)",
      .value_name = "FILE",
  });
  return CommandSpec{
      .name = "diff",
      .summary = "compare two snapshots and report drift",
      .description =
          "Compares a target snapshot with a baseline field by field and lists every\n"
          "added, removed and modified reading, context entry and item, sorted by path\n"
          "(`<type>.<subtype>.<key>`, `.context.<key>`, `.items.length`,\n"
          "`.items[i].context.<key>`, `.items[i].data.<key>`). Snapshot metadata such as\n"
          "the capture time is not compared. With --fail-on-drift any change exits 2.\n"
          "\n"
          "    aicr diff --baseline before.yaml --target after.yaml\n"
          "    aicr diff -b cm://gpu-operator/aicr-snapshot --target now.yaml -t table\n",
      .flags = std::move(flags),
      .handler = RunDiff,
  };
}

}  // namespace aicr::cli
