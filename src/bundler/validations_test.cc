#include "bundler/validations.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "base/log.h"
#include "serialize/yaml_reader.h"
#include "tests/testing/status_matchers.h"

namespace aicr::bundler {
namespace {

using serialize::Value;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

Value Yaml(std::string_view text) {
  Result<Value> v = serialize::ParseYaml(text);
  EXPECT_THAT(v, IsOk()) << text;
  return v.ok() ? *v : Value();
}

// One registry entry; `validations` is the YAML list body (see Check()).
std::string Comp(const std::string& name, const std::string& validations = "",
                 const std::string& keys = "", const std::string& default_namespace = "") {
  std::string s = "  - name: " + name + "\n    displayName: " + name + "\n";
  if (!keys.empty()) {
    s += "    valueOverrideKeys: [" + keys + "]\n";
  }
  if (!default_namespace.empty()) {
    s += "    helm:\n      defaultRepository: \"\"\n      defaultNamespace: " + default_namespace +
         "\n";
  }
  if (!validations.empty()) {
    s += "    validations:\n" + validations;
  }
  return s;
}

std::string Check(const std::string& function, const std::string& severity = "warning",
                  const std::string& conditions = "", const std::string& message = "") {
  std::string s = "      - function: " + function + "\n";
  if (!severity.empty()) {
    s += "        severity: " + severity + "\n";
  }
  if (!conditions.empty()) {
    s += "        conditions: " + conditions + "\n";
  }
  if (!message.empty()) {
    s += "        message: \"" + message + "\"\n";
  }
  return s;
}

recipe::ComponentRegistry MustRegistry(const std::string& components) {
  Result<recipe::ComponentRegistry> reg = recipe::ComponentRegistry::FromValue(
      Yaml("apiVersion: aicr.run/v1beta1\nkind: ComponentRegistry\ncomponents:\n" + components));
  EXPECT_THAT(reg, IsOk());
  return reg.ok() ? *reg : recipe::ComponentRegistry();
}

struct AddOptions {
  bool selected = true;
  bool recipe_enabled = true;
  std::string namespace_;
  /// For an unselected component: supply its values as evidence.
  bool evidence = false;
};

AddOptions Unselected() {
  AddOptions o;
  o.selected = false;
  return o;
}

AddOptions RecipeDisabled() {
  AddOptions o = Unselected();
  o.recipe_enabled = false;
  return o;
}

AddOptions Evidence() {
  AddOptions o = Unselected();
  o.evidence = true;
  return o;
}

AddOptions InNamespace(const std::string& ns) {
  AddOptions o;
  o.namespace_ = ns;
  return o;
}

// A recipe, its registry and a context wired together.
struct Bed {
  explicit Bed(const std::string& components) : registry(MustRegistry(components)) {
    recipe.criteria = recipe::Criteria{};
  }

  Bed& Criteria(const std::string& service, const std::string& accelerator = "any",
                const std::string& intent = "any", const std::string& os = "any") {
    recipe.criteria->service = service;
    recipe.criteria->accelerator = accelerator;
    recipe.criteria->intent = intent;
    recipe.criteria->os = os;
    return *this;
  }

  Bed& Add(const std::string& name, const std::string& values = "{}", AddOptions o = {}) {
    recipe::ComponentRef ref;
    ref.name = name;
    ref.namespace_ = o.namespace_;
    if (!o.recipe_enabled) {
      ref.overrides = Yaml("enabled: false");
    }
    declared.component_refs.push_back(ref);
    ctx.declared.insert(name);
    if (o.selected) {
      recipe.component_refs.push_back(ref);
      ctx.selected.insert(name);
    }
    if (o.selected || o.evidence) {
      ctx.values[name] = Yaml(values);
    }
    return *this;
  }

  ValidationContext& Ctx() {
    ctx.recipe = &recipe;
    ctx.declared_recipe = &declared;
    ctx.registry = &registry;
    return ctx;
  }

  Result<ValidationOutcome> Run() { return RunComponentValidations(Ctx()); }

  // Runs and returns the warnings, or the error rendered as "[CODE] message".
  std::vector<std::string> Findings() {
    Result<ValidationOutcome> r = Run();
    if (!r.ok()) {
      return {r.status().ToString()};
    }
    return r->warnings;
  }

  recipe::ComponentRegistry registry;
  recipe::RecipeResult recipe;
  recipe::RecipeResult declared;
  ValidationContext ctx;
};

// A table row: `setup` builds the bed; `want` is empty when nothing may fire,
// else a substring of the single expected finding (or "[CODE] ..." error).
struct Case {
  std::string name;
  std::function<void(Bed&)> setup;
  std::string want;
};

void RunTable(const std::string& registry, const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Bed bed(registry);
    c.setup(bed);
    const std::vector<std::string> got = bed.Findings();
    if (c.want.empty()) {
      EXPECT_THAT(got, IsEmpty());
    } else {
      EXPECT_THAT(got, ElementsAre(HasSubstr(c.want)));
    }
  }
}

// A row expecting several findings, in order (empty: none).
struct MultiCase {
  std::string name;
  std::function<void(Bed&)> setup;
  std::vector<std::string> want;
};

void RunMultiTable(const std::string& registry, const std::vector<MultiCase>& cases) {
  for (const MultiCase& c : cases) {
    SCOPED_TRACE(c.name);
    Bed bed(registry);
    c.setup(bed);
    const std::vector<std::string> got = bed.Findings();
    ASSERT_EQ(got.size(), c.want.size()) << ::testing::PrintToString(got);
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_THAT(got[i], HasSubstr(c.want[i])) << "finding " << i;
    }
  }
}

// Captures the process logger for one test.
class LogCapture {
 public:
  LogCapture() : logger_(out_, Options()) { log::SetDefaultForTest(&logger_); }
  ~LogCapture() { log::SetDefaultForTest(nullptr); }
  std::string text() const { return out_.str(); }

 private:
  static log::Options Options() {
    log::Options o;
    o.min_level = log::Level::kDebug;
    return o;
  }
  std::ostringstream out_;
  log::Logger logger_;
};

// ---------------------------------------------------------------------------
// Runner: conditions, severities, ordering, errors.

TEST(RunComponentValidationsTest, ConditionsMatchTable) {
  struct Row {
    std::string name;
    std::string conditions;
    std::string service, intent;
    bool no_criteria;
    bool fires;
  };
  const std::vector<Row> rows = {
      {"no conditions", "", "eks", "training", false, true},
      {"equal value", "{intent: [training]}", "eks", "training", false, true},
      {"other value", "{intent: [training]}", "eks", "inference", false, false},
      {"OR within a list", "{intent: [training, inference]}", "eks", "inference", false, true},
      {"AND across keys, both hold", "{service: [aks], intent: [training]}", "aks", "training",
       false, true},
      {"AND across keys, one fails", "{service: [aks], intent: [training]}", "eks", "training",
       false, false},
      {"recipe any is a wildcard", "{intent: [training]}", "eks", "any", false, true},
      {"listed any matches only a generic recipe", "{service: [any]}", "eks", "training", false,
       false},
      {"listed any vs generic recipe", "{service: [any]}", "any", "training", false, true},
      {"unknown key ignored", "{flavour: [vanilla]}", "eks", "training", false, true},
      {"empty list never matches", "{intent: []}", "eks", "training", false, false},
      {"no criteria, conditions set", "{intent: [training]}", "", "", true, false},
      {"no criteria, no conditions", "", "", "", true, true},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    Bed bed(Comp("tuning", Check("CheckWorkloadSelectorMissing", "warning", row.conditions)));
    bed.Criteria(row.service, "any", row.intent).Add("tuning");
    if (row.no_criteria) {
      bed.recipe.criteria.reset();
    }
    const std::vector<std::string> got = bed.Findings();
    if (row.fires) {
      EXPECT_THAT(got, ElementsAre("Warning: tuning is enabled but --workload-selector is not "
                                   "set"));
    } else {
      EXPECT_THAT(got, IsEmpty());
    }
  }
}

TEST(RunComponentValidationsTest, SeverityMapping) {
  struct Row {
    std::string severity;
    std::string message;
    bool blocks;
    bool warns;
    std::string text;
  };
  const std::string base = "tuning is enabled but --workload-selector is not set";
  const std::vector<Row> rows = {
      {"warning", "", false, true, "Warning: " + base},
      {"warning", "Pass it.", false, true, "Warning: " + base + ". Pass it."},
      {"", "", false, true, "Warning: " + base},       // default
      {"fatal", "", false, true, "Warning: " + base},  // unknown spelling
      {"error", "", true, false, base},
      {"ERROR", "Pass it.", true, false, base + ". Pass it."},  // case-insensitive
      {"info", "Pass it.", false, false, ""},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE("severity=" + row.severity + " message=" + row.message);
    Bed bed(Comp("tuning", Check("CheckWorkloadSelectorMissing", row.severity, "", row.message)));
    bed.Criteria("eks").Add("tuning");
    LogCapture logs;
    Result<ValidationOutcome> r = bed.Run();
    if (row.blocks) {
      EXPECT_THAT(r, StatusIs(ErrorCode::kInvalidRequest, row.text));
      continue;
    }
    ASSERT_THAT(r, IsOk());
    if (row.warns) {
      EXPECT_THAT(r->warnings, ElementsAre(row.text));
    } else {
      EXPECT_THAT(r->warnings, IsEmpty());
      EXPECT_THAT(logs.text(), HasSubstr(base + ". Pass it."));
    }
  }
}

TEST(RunComponentValidationsTest, HardErrorsBlockUnderWarningAndKeepOrWrapTheirCode) {
  const std::string comp = "mariadb-operator";
  auto bed_for = [&](const std::string& severity, const std::string& message) {
    auto bed = std::make_unique<Bed>(
        Comp(comp, Check("CheckMariaDBOperatorOwnershipCoherence", severity, "", message)));
    bed->recipe.configuration = Yaml("slurm: {accounting: {mode: aicr-provided}}");
    bed->recipe.metadata.mariadb_operator_state = "crs-detected";
    bed->Add(comp);
    return bed;
  };
  // Without a message the check's own code is kept.
  EXPECT_THAT(bed_for("warning", "")->Run(),
              StatusIs(ErrorCode::kConflict, HasSubstr("existing MariaDB resources")));
  // With a message the error becomes INVALID_REQUEST "<error>. <message>".
  EXPECT_THAT(
      bed_for("error", "See the docs.")->Run(),
      StatusIs(ErrorCode::kInvalidRequest, AllOf(HasSubstr("existing MariaDB resources"),
                                                 HasSubstr("customer-managed. See the docs."))));
  // Under info even a hard error is only logged.
  LogCapture logs;
  Result<ValidationOutcome> info = bed_for("info", "")->Run();
  ASSERT_THAT(info, IsOk());
  EXPECT_THAT(info->warnings, IsEmpty());
  EXPECT_THAT(logs.text(), HasSubstr("validation check reported an error"));
}

TEST(RunComponentValidationsTest, UnknownFunctionIsBlockingAndNamed) {
  Bed bed(Comp("tuning", Check("CheckDoesNotExist") + Check("CheckWorkloadSelectorMissing")));
  bed.Criteria("eks").Add("tuning");
  ValidationOutcome outcome;
  EXPECT_THAT(RunComponentValidations(bed.Ctx(), &outcome),
              StatusIs(ErrorCode::kInvalidRequest,
                       "unknown validation function \"CheckDoesNotExist\" for component "
                       "\"tuning\""));
  // The component's other validations still ran, as upstream does.
  EXPECT_THAT(outcome.warnings, ElementsAre(HasSubstr("--workload-selector is not set")));
}

TEST(RunComponentValidationsTest, FirstBlockingErrorStopsAndEarlierWarningsAreKept) {
  const std::string registry =
      Comp("first", Check("CheckWorkloadSelectorMissing")) +
      Comp("second", Check("CheckWorkloadSelectorMissing", "error") +
                         Check("CheckAcceleratedSelectorMissing", "error")) +
      Comp("third", Check("CheckAcceleratedSelectorMissing"));
  Bed bed(registry);
  bed.Criteria("eks").Add("first").Add("second").Add("third");

  ValidationOutcome outcome;
  EXPECT_THAT(
      RunComponentValidations(bed.Ctx(), &outcome),
      StatusIs(ErrorCode::kInvalidRequest, "second is enabled but --workload-selector is not set"));
  EXPECT_THAT(outcome.warnings,
              ElementsAre("Warning: first is enabled but --workload-selector is not set"));

  // The Result form surfaces the kept warnings through the logger.
  LogCapture logs;
  EXPECT_THAT(bed.Run(), StatusIs(ErrorCode::kInvalidRequest, HasSubstr("second")));
  EXPECT_THAT(logs.text(), HasSubstr("Warning: first is enabled"));
  EXPECT_THAT(logs.text(), Not(HasSubstr("third")));
}

TEST(RunComponentValidationsTest, RunsSelectedComponentsInRecipeOrder) {
  const std::string registry = Comp("a", Check("CheckWorkloadSelectorMissing")) +
                               Comp("b", Check("CheckWorkloadSelectorMissing")) +
                               Comp("c", Check("CheckWorkloadSelectorMissing"));
  Bed bed(registry);
  bed.Criteria("eks").Add("c").Add("a").Add("b", "{}", Unselected());
  bed.recipe.component_refs.push_back(bed.declared.component_refs.back());  // not selected
  EXPECT_THAT(bed.Findings(), ElementsAre(HasSubstr("c is enabled"), HasSubstr("a is enabled")));
}

TEST(RunComponentValidationsTest, MalformedEntriesAndMissingInputs) {
  {
    Bed bed(Comp("tuning", "      - severity: warning\n"));
    bed.Add("tuning");
    EXPECT_THAT(bed.Run(), StatusIs(ErrorCode::kInvalidRequest, HasSubstr("has no function")));
  }
  {
    Bed bed(Comp("tuning", Check("CheckWorkloadSelectorMissing", "warning", "[intent]")));
    bed.Add("tuning");
    EXPECT_THAT(bed.Run(), StatusIs(ErrorCode::kInvalidRequest, HasSubstr("must be a mapping")));
  }
  {
    Bed bed(Comp("tuning", Check("CheckWorkloadSelectorMissing", "warning", "{intent: [1]}")));
    bed.Add("tuning");
    EXPECT_THAT(bed.Run(), StatusIs(ErrorCode::kInvalidRequest, HasSubstr("must list strings")));
  }
  {
    // A single string is accepted as a one-element list.
    Bed bed(Comp("tuning", Check("CheckWorkloadSelectorMissing", "warning", "{intent: training}")));
    bed.Criteria("eks", "any", "inference").Add("tuning");
    EXPECT_THAT(bed.Findings(), IsEmpty());
  }
  ValidationContext empty;
  EXPECT_THAT(RunComponentValidations(empty), StatusIs(ErrorCode::kInternal, HasSubstr("recipe")));
}

TEST(RunComponentValidationsTest, KnownFunctions) {
  EXPECT_THAT(KnownValidationFunctions(), SizeIs(16));
  EXPECT_TRUE(IsKnownValidationFunction("CheckDriverOwnershipCoherence"));
  EXPECT_TRUE(IsKnownValidationFunction("CheckNVSentinelPreflightGangSchedulerRequired"));
  EXPECT_FALSE(IsKnownValidationFunction("checkdriverownershipcoherence"));
  EXPECT_FALSE(IsKnownValidationFunction(""));
}

// Every function the shipped registry names is known to the runner.
TEST(RunComponentValidationsTest, RealRegistryFunctionsAreAllKnown) {
  LogCapture quiet;  // info-severity findings are logged
  const char* env = std::getenv("AICR_SOURCE_DIR");
  const std::string root = env != nullptr && *env != '\0' ? env : AICR_SOURCE_DIR;
  std::ifstream in(root + "/recipes/registry.yaml");
  ASSERT_TRUE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  Result<recipe::ComponentRegistry> reg = recipe::ComponentRegistry::FromValue(Yaml(text.str()));
  ASSERT_THAT(reg, IsOk());

  int functions = 0;
  for (const recipe::RegistryComponent& c : reg->components()) {
    const Value* list = c.raw.Find("validations");
    if (list == nullptr || !list->is_sequence()) {
      continue;
    }
    for (const Value& v : *list->if_sequence()) {
      const Value* fn = v.Find("function");
      ASSERT_NE(fn, nullptr) << c.name;
      ASSERT_NE(fn->if_string(), nullptr) << c.name;
      EXPECT_TRUE(IsKnownValidationFunction(*fn->if_string()))
          << c.name << ": " << *fn->if_string();
      ++functions;
    }
    // And through the runner: a bundle of just this component never reports an
    // unknown function (other outcomes are irrelevant here).
    recipe::RecipeResult r;
    r.criteria = recipe::Criteria{};
    recipe::ComponentRef ref;
    ref.name = c.name;
    r.component_refs.push_back(ref);
    ValidationContext ctx;
    ctx.recipe = &r;
    ctx.registry = &*reg;
    ctx.selected = {c.name};
    ctx.declared = {c.name};
    ctx.values[c.name] = Value::EmptyMapping();
    ValidationOutcome outcome;
    const Status s = RunComponentValidations(ctx, &outcome);
    EXPECT_THAT(s.message(), Not(HasSubstr("unknown validation function"))) << c.name;
  }
  EXPECT_GE(functions, 17);
}

// ---------------------------------------------------------------------------
// Scheduling flag checks.

TEST(ChecksTest, SelectorsMissing) {
  const std::string registry = Comp(
      "tuning", Check("CheckWorkloadSelectorMissing") + Check("CheckAcceleratedSelectorMissing"));
  RunTable(registry, {
                         {"neither flag",
                          [](Bed& b) {
                            b.Add("tuning");
                            b.ctx.accelerated_node_selectors = {"gpu=true"};
                          },
                          "tuning is enabled but --workload-selector is not set"},
                         {"no accelerated selector",
                          [](Bed& b) {
                            b.Add("tuning");
                            b.ctx.workload_selectors = {"app=train"};
                          },
                          "tuning is enabled but --accelerated-node-selector is not set"},
                         {"both set",
                          [](Bed& b) {
                            b.Add("tuning");
                            b.ctx.workload_selectors = {"app=train"};
                            b.ctx.accelerated_node_selectors = {"gpu=true"};
                          },
                          ""},
                     });
}

TEST(ChecksTest, WildcardAcceleratedToleration) {
  const std::string registry =
      Comp("nodewright-customizations",
           Check("CheckWildcardAcceleratedToleration", "warning", "{service: [aks]}"),
           "nodewrightcustomizations");
  auto with = [](std::vector<std::string> tolerations, bool toggle_off = false,
                 std::string service = "aks") {
    return [=](Bed& b) {
      b.Criteria(service).Add("nodewright-customizations");
      for (const std::string& t : tolerations) {
        b.ctx.accelerated_tolerations.push_back(Yaml(t));
      }
      if (toggle_off) {
        b.ctx.enabled_toggles["nodewright-customizations"] = false;
      }
    };
  };
  RunTable(registry,
           {
               {"no tolerations", with({}), "wildcard accelerated-node toleration"},
               {"bare Exists", with({"{operator: Exists}"}), "wildcard"},
               {"empty key", with({"{key: '', operator: Exists}"}), "wildcard"},
               {"one keyless among keyed",
                with({"{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}",
                      "{operator: Exists}"}),
                "wildcard"},
               {"keyed", with({"{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}"}), ""},
               {"disabled via --set", with({}, true), ""},
               {"other service", with({}, false, "eks"), ""},
           });
}

TEST(ChecksTest, HostMofedWithoutNetworkOperator) {
  const std::string registry =
      Comp("gpu-operator",
           Check("CheckHostMofedWithoutNetworkOperator", "warning", "{service: [aks]}"),
           "gpuoperator") +
      Comp("network-operator", "", "networkoperator");
  auto with = [](bool netop_off, std::string mofed, std::string service = "aks") {
    return [=](Bed& b) {
      b.Criteria(service).Add("gpu-operator");
      if (netop_off) {
        b.ctx.enabled_toggles["network-operator"] = false;
      }
      if (!mofed.empty()) {
        b.ctx.set_values["gpu-operator"]["driver.rdma.useHostMofed"] = mofed;
      }
    };
  };
  RunTable(registry, {
                         {"network-operator off, no mofed override", with(true, ""),
                          "--set gpuoperator:driver.rdma.useHostMofed=false"},
                         {"mofed override true", with(true, "true"), "useHostMofed"},
                         {"mofed override false", with(true, "false"), ""},
                         {"network-operator kept", with(false, ""), ""},
                         {"not aks", with(true, "", "eks"), ""},
                     });
}

// ---------------------------------------------------------------------------
// Driver ownership.

TEST(ChecksTest, DriverOwnershipCoherence) {
  const std::string registry =
      Comp("gpu-operator", Check("CheckDriverOwnershipCoherence"), "gpuoperator") +
      Comp("nvidia-dra-driver-gpu", "", "dradriver") +
      Comp("gcp-driver-installer", "", "gcpdriverinstaller");
  auto gpu = [](std::string values, std::string state = "", std::string service = "eks") {
    return [=](Bed& b) {
      b.Criteria(service).Add("gpu-operator", values);
      b.recipe.metadata.gpu_driver_state = state;
    };
  };
  auto with_dra = [](std::string gpu_values, std::string dra_values) {
    return [=](Bed& b) {
      b.Criteria("eks").Add("gpu-operator", gpu_values).Add("nvidia-dra-driver-gpu", dra_values);
    };
  };
  const std::string preinstalled = "{driver: {enabled: false}, toolkit: {enabled: false}}";
  RunTable(
      registry,
      {
          {"chart defaults", gpu("{}"), ""},
          {"preinstalled profile on a cluster with a driver", gpu(preinstalled, "preinstalled"),
           ""},
          {"preinstalled profile, no recorded state", gpu(preinstalled), ""},
          {"preinstalled profile on a driverless cluster", gpu(preinstalled, "absent"),
           "saw no NVIDIA kernel driver"},
          {"only the toolkit left to the host on a driverless cluster",
           gpu("{toolkit: {enabled: false}}", "absent"), "driverless"},
          {"operator-managed on a driverless cluster", gpu("{driver: {enabled: true}}", "absent"),
           ""},
          {"AKS remedy", gpu(preinstalled, "absent", "aks"), "--gpu-driver none"},
          {"driverless, but the bundle ships the GKE installer",
           [=](Bed& b) {
             gpu(preinstalled, "absent", "gke")(b);
             b.Add("gcp-driver-installer", "{installer: {enabled: true}}");
           },
           ""},
          {"driverless, GKE installer present but gated off",
           [=](Bed& b) {
             gpu(preinstalled, "absent", "gke")(b);
             b.Add("gcp-driver-installer", "{installer: {enabled: false}}");
           },
           "driverless"},
          {"unrecognised recorded state", gpu("{}", "Absent"),
           "metadata.gpuDriverState=\"Absent\""},
          {"string toggle", gpu("{driver: {enabled: 'false'}}"), "driver.enabled=\"false\""},
          {"null section", gpu("{toolkit: null}"), "toolkit is explicitly null"},
          {"install dir /", gpu("{hostPaths: {driverInstallDir: /}}"),
           "hostPaths.driverInstallDir=/ is invalid"},
          {"install dir //. cleans to /", gpu("{hostPaths: {driverInstallDir: '//.'}}"),
           "driverInstallDir=/ is invalid"},
          {"relative install dir", gpu("{hostPaths: {driverInstallDir: run/nvidia}}"),
           "not an absolute path"},
          {"dynamic ownership path",
           [=](Bed& b) {
             gpu("{}")(b);
             b.ctx.dynamic_paths["gpu-operator"] = {"driver"};
           },
           "--dynamic gpu-operator:driver covers the driver-ownership path driver.enabled"},
          {"dynamic unrelated path",
           [=](Bed& b) {
             gpu("{}")(b);
             b.ctx.dynamic_paths["gpu-operator"] = {"driver.version"};
           },
           ""},
          {"DRA follows the operator install dir",
           with_dra("{}", "{nvidiaDriverRoot: /run/nvidia/driver/}"), ""},
          {"DRA root mismatch", with_dra("{}", "{nvidiaDriverRoot: /}"),
           "--set dradriver:nvidiaDriverRoot=/run/nvidia/driver"},
          {"DRA root follows a custom install dir",
           with_dra("{hostPaths: {driverInstallDir: /opt/nv}}", "{nvidiaDriverRoot: /opt/nv}"), ""},
          {"DRA root undeclared with an operator-managed driver", with_dra("{}", "{}"),
           "declares no nvidiaDriverRoot"},
          {"DRA preinstalled pair", with_dra(preinstalled, "{nvidiaDriverRoot: /}"), ""},
          {"legacy recipe: driver off, DRA still at the operator root",
           with_dra(preinstalled, "{nvidiaDriverRoot: /run/nvidia/driver}"),
           "regenerate the recipe"},
          {"DRA empty root", with_dra("{}", "{nvidiaDriverRoot: ''}"), "empty string"},
          {"DRA disabled via --set",
           [=](Bed& b) {
             with_dra("{}", "{nvidiaDriverRoot: /}")(b);
             b.ctx.enabled_toggles["nvidia-dra-driver-gpu"] = false;
           },
           ""},
          {"dynamic DRA root",
           [=](Bed& b) {
             with_dra("{}", "{nvidiaDriverRoot: /run/nvidia/driver}")(b);
             b.ctx.dynamic_paths["nvidia-dra-driver-gpu"] = {"nvidiaDriverRoot"};
           },
           "--dynamic nvidia-dra-driver-gpu:nvidiaDriverRoot"},
          {"missing values fail closed",
           [](Bed& b) {
             b.Criteria("eks").Add("gpu-operator");
             b.ctx.values.clear();
           },
           "[INTERNAL]"},
      });
}

TEST(ChecksTest, DriverOwnershipLegacyRemedyIsServiceAware) {
  Bed bed(Comp("gpu-operator", Check("CheckDriverOwnershipCoherence"), "gpuoperator") +
          Comp("nvidia-dra-driver-gpu", "", "dradriver"));
  bed.Criteria("gke", "h100", "training", "cos")
      .Add("gpu-operator", "{driver: {enabled: false}}")
      .Add("nvidia-dra-driver-gpu", "{nvidiaDriverRoot: /run/nvidia/driver}");
  EXPECT_THAT(bed.Findings(),
              ElementsAre(AllOf(HasSubstr("nvidiaDriverRoot=/home/kubernetes/bin/nvidia"),
                                Not(HasSubstr("driver.enabled=true")))));
}

// ---------------------------------------------------------------------------
// Slurm accounting and GKE TCPXO.

TEST(ChecksTest, MariaDBOperatorOwnershipCoherence) {
  const std::string registry =
      Comp("mariadb-operator", Check("CheckMariaDBOperatorOwnershipCoherence"));
  auto with = [](std::string mode, std::string state) {
    return [=](Bed& b) {
      b.Criteria("eks").Add("mariadb-operator");
      if (!mode.empty()) {
        b.recipe.configuration = Yaml("slurm: {accounting: {mode: " + mode + "}}");
      }
      b.recipe.metadata.mariadb_operator_state = state;
    };
  };
  RunTable(registry, {
                         {"no evidence recorded", with("aicr-provided", ""),
                          "Warning: mariadb-operator: the recipe records no"},
                         {"conclusively absent", with("aicr-provided", "absent"), ""},
                         {"API only", with("aicr-provided", "api-detected"),
                          "Warning: mariadb-operator: the snapshot found the MariaDB Operator API"},
                         {"existing resources", with("aicr-provided", "crs-detected"),
                          "[CONFLICT] mariadb-operator: the snapshot found existing"},
                         {"inconclusive", with("aicr-provided", "unknown"),
                          "[CONFLICT] mariadb-operator: the MariaDB Operator conflict evidence"},
                         {"unrecognised state", with("aicr-provided", "maybe"),
                          "[INVALID_REQUEST] mariadb-operator: metadata.mariaDBOperatorState"},
                         {"customer-managed", with("customer-managed", "crs-detected"), ""},
                         {"legacy recipe without accounting", with("", "crs-detected"), ""},
                     });
}

TEST(ChecksTest, GKETCPXOInterfacesCoherence) {
  const std::string registry = Comp("kubeflow-trainer",
                                    Check("CheckGKETCPXOInterfacesCoherence", "error",
                                          "{service: [gke], accelerator: [h100]}"),
                                    "kubeflowtrainer") +
                               Comp("gke-nccl-tcpxo", "", "gkenccltcpxo");
  const std::string mapping =
      "[{interfaceName: eth1, network: net-a}, {interfaceName: eth2, network: net-b}]";
  auto with = [=](std::string recorded, std::string values, bool fabric = true,
                  std::string accelerator = "h100") {
    return [=](Bed& b) {
      b.Criteria("gke", accelerator).Add("kubeflow-trainer", values);
      if (fabric) {
        b.Add("gke-nccl-tcpxo");
      }
      if (!recorded.empty()) {
        b.recipe.configuration = Yaml("gke: {tcpxoInterfaces: " + recorded + "}");
      }
    };
  };
  const std::string swapped =
      "[{interfaceName: eth1, network: net-b}, {interfaceName: eth2, network: net-a}]";
  RunTable(registry,
           {
               {"coherent", with(mapping, "{tcpxoInterfaces: " + mapping + "}"), ""},
               {"swapped networks", with(mapping, "{tcpxoInterfaces: " + swapped + "}"),
                "[INVALID_REQUEST] kubeflow-trainer: the resolved tcpxoInterfaces differ"},
               {"nothing recorded", with("", "{tcpxoInterfaces: " + mapping + "}"),
                "records no configuration.gke.tcpxoInterfaces"},
               {"values lost the mapping", with(mapping, "{}"), "carry no tcpxoInterfaces"},
               {"malformed values", with(mapping, "{tcpxoInterfaces: [{interfaceName: eth1}]}"),
                "entry 0 must carry non-empty interfaceName and network"},
               {"no TCPXO fabric", with("", "{}", false), ""},
               {"not h100", with("", "{}", true, "b200"), ""},
               {"fabric disabled by the recipe",
                [=](Bed& b) {
                  b.Criteria("gke", "h100").Add("kubeflow-trainer");
                  b.Add("gke-nccl-tcpxo", "{}", RecipeDisabled());
                },
                ""},
           });
}

// ---------------------------------------------------------------------------
// NVSentinel.

const std::string kSentinelRegistry =
    Comp("gpu-operator", "", "gpuoperator") + Comp("kai-scheduler", "", "kaischeduler") +
    Comp("nvsentinel",
         Check("CheckNVSentinelDriverLabelDetectable") +
             Check("CheckNVSentinelRuntimeClassCoherence") +
             Check("CheckNVSentinelTracingEndpointRequired") +
             Check("CheckNVSentinelPreflightDCGMReachable") +
             Check("CheckNVSentinelPreflightGangSchedulerRequired"),
         "nv-sentinel");

// gpu-operator values plus nvsentinel values; everything else from the bed.
std::function<void(Bed&)> Sentinel(std::string gpu, std::string sentinel,
                                   std::function<void(Bed&)> extra = nullptr,
                                   AddOptions gpu_options = {}) {
  return [=](Bed& b) {
    b.Criteria("aks");
    if (!gpu.empty()) {
      b.Add("gpu-operator", gpu, gpu_options);
    }
    b.Add("nvsentinel", sentinel);
    if (extra) {
      extra(b);
    }
  };
}

TEST(ChecksTest, NVSentinelDriverLabelDetectable) {
  const std::string host_driver = "{driver: {enabled: false}}";
  const std::string remedy = "{labeler: {assumeDriverInstalled: true}}";
  RunTable(kSentinelRegistry,
           {
               {"operator-managed driver", Sentinel("{}", "{}"), ""},
               {"host driver without the remedy", Sentinel(host_driver, "{}"),
                "labeler.assumeDriverInstalled is not set"},
               {"host driver with the remedy", Sentinel(host_driver, remedy), ""},
               {"remedy spelled as a non-empty string",
                Sentinel(host_driver,
                         "{labeler: {assumeDriverInstalled: "
                         "'yes'}}"),
                ""},
               {"remedy as an empty map is falsy",
                Sentinel(host_driver, "{labeler: {assumeDriverInstalled: {}}}"), "0 desired pods"},
               {"both label consumers disabled",
                Sentinel(host_driver,
                         "{global: {metadataCollector: {enabled: false}, syslogHealthMonitor: "
                         "{enabled: false}}}"),
                ""},
               {"one consumer disabled names only the other",
                Sentinel(host_driver, "{global: {metadataCollector: {enabled: false}}}"),
                "and syslog-health-monitor-regular, syslog-health-monitor-kata silently"},
               {"GKE COS bundle-installer ships an observable driver pod",
                [=](Bed& b) {
                  Sentinel(host_driver, "{}")(b);
                  b.Criteria("gke", "h100", "training", "cos");
                  b.recipe.metadata.selected_profile =
                      recipe::SelectedProfile{"gpuStack", "bundle-installer", "", {}};
                },
                ""},
               {"no GPU Operator at all", Sentinel("", "{}"), ""},
               {"GPU Operator disabled by the recipe",
                Sentinel(host_driver, "{}", nullptr, RecipeDisabled()), ""},
               {"malformed toggle on a rendered operator is left to the ownership check",
                Sentinel("{driver: {enabled: 'no'}}", "{}"), ""},
               {"malformed toggle on an operator outside the bundle",
                Sentinel("{driver: {enabled: 'no'}}", "{}", nullptr, Evidence()),
                "driver ownership cannot be read"},
               {"operator outside the bundle without evidence values is skipped",
                Sentinel(host_driver, "{}", nullptr, Unselected()), ""},
               {"dynamic remedy path",
                Sentinel(host_driver, remedy,
                         [](Bed& b) { b.ctx.dynamic_paths["nvsentinel"] = {"labeler"}; }),
                "--dynamic nvsentinel:labeler covers labeler.assumeDriverInstalled"},
               {"consumers off but their toggle is dynamic and no remedy",
                Sentinel(host_driver,
                         "{global: {metadataCollector: {enabled: false}, syslogHealthMonitor: "
                         "{enabled: false}}}",
                         [](Bed& b) {
                           b.ctx.dynamic_paths["nvsentinel"] = {"global.metadataCollector.enabled"};
                         }),
                "covers global.metadataCollector.enabled"},
           });
}

TEST(ChecksTest, NVSentinelRuntimeClassCoherence) {
  const std::string azure = "{operator: {runtimeClass: nvidia-container-runtime}}";
  RunTable(kSentinelRegistry,
           {
               {"both defaults", Sentinel("{}", "{}"), ""},
               {"operator retargeted, collector default", Sentinel(azure, "{}"),
                "--set nv-sentinel:metadata-collector.runtimeClassName=nvidia-container-runtime"},
               {"aligned",
                Sentinel(azure,
                         "{metadata-collector: {runtimeClassName: "
                         "nvidia-container-runtime}}"),
                ""},
               {"collector omits the class",
                Sentinel(azure,
                         "{metadata-collector: {runtimeClassName: "
                         "''}}"),
                ""},
               {"collector disabled",
                Sentinel(azure, "{global: {metadataCollector: {enabled: false}}}"), ""},
               {"collector retargeted, operator default",
                Sentinel("{}", "{metadata-collector: {runtimeClassName: kata}}"),
                "runtimeClassName=\"kata\""},
               {"non-string operator class is left alone",
                Sentinel("{operator: {runtimeClass: 5}}", "{}"), ""},
               {"dynamic operator class",
                Sentinel("{}", "{}",
                         [](Bed& b) {
                           b.ctx.dynamic_paths["gpu-operator"] = {"operator.runtimeClass"};
                         }),
                "--dynamic gpu-operator:operator.runtimeClass"},
               {"collector disabled with a dynamic enable and a mismatched class",
                Sentinel(azure, "{global: {metadataCollector: {enabled: false}}}",
                         [](Bed& b) {
                           b.ctx.dynamic_paths["nvsentinel"] = {"global.metadataCollector"};
                         }),
                "covers global.metadataCollector.enabled"},
           });
}

TEST(ChecksTest, NVSentinelTracingEndpointRequired) {
  auto dyn = [](std::vector<std::string> paths) {
    return [=](Bed& b) { b.ctx.dynamic_paths["nvsentinel"] = paths; };
  };
  RunTable(
      kSentinelRegistry,
      {
          {"tracing off", Sentinel("{}", "{}"), ""},
          {"enabled with an endpoint",
           Sentinel("{}", "{global: {tracing: {enabled: true, endpoint: 'otel:4317'}}}"), ""},
          {"enabled without an endpoint", Sentinel("{}", "{global: {tracing: {enabled: true}}}"),
           "[INVALID_REQUEST] component \"nvsentinel\": global.tracing.enabled=true but "
           "global.tracing.endpoint is empty"},
          {"truthy string enables it",
           Sentinel("{}", "{global: {tracing: {enabled: 'yes', endpoint: '  '}}}"),
           "endpoint is empty"},
          {"non-string endpoint",
           Sentinel("{}", "{global: {tracing: {enabled: true, endpoint: 4317}}}"),
           "endpoint must be a string"},
          {"dynamic enable with a static endpoint is safe",
           Sentinel("{}", "{global: {tracing: {endpoint: 'otel:4317'}}}",
                    dyn({"global.tracing.enabled"})),
           ""},
          {"dynamic enable without an endpoint",
           Sentinel("{}", "{}", dyn({"global.tracing.enabled"})),
           "--dynamic nvsentinel:global.tracing.enabled"},
          {"dynamic endpoint while tracing is statically off is safe",
           Sentinel("{}", "{}", dyn({"global.tracing.endpoint"})), ""},
      });
}

TEST(ChecksTest, NVSentinelPreflightDCGMReachable) {
  const std::string on = "{global: {preflight: {enabled: true}}}";
  auto addr = [](std::string a) {
    return "{global: {preflight: {enabled: true}}, preflight: {initContainers: [{name: "
           "preflight-dcgm-diag, env: [{name: DCGM_HOSTENGINE_ADDR, value: '" +
           a + "'}]}]}}";
  };
  const std::string dcgm = "{dcgm: {enabled: true}}";
  RunTable(
      Comp("gpu-operator", "", "gpuoperator") +
          Comp("nvsentinel", Check("CheckNVSentinelPreflightDCGMReachable"), "nv-sentinel"),
      {
          {"preflight off", Sentinel("{}", "{}"), ""},
          {"chart default address, dcgm on", Sentinel(dcgm, on), ""},
          {"dcgm unset (chart default false)", Sentinel("{}", on), "does not set dcgm.enabled"},
          {"dcgm off", Sentinel("{dcgm: {enabled: false}}", on), "dcgm.enabled: false"},
          {"dcgm null toggle", Sentinel("{dcgm: {enabled: null}}", on), "dcgm.enabled is null"},
          {"no GPU Operator", Sentinel("", on), "no GPU Operator component is in the recipe"},
          {"GPU Operator disabled via --set",
           Sentinel(dcgm, on, [](Bed& b) { b.ctx.enabled_toggles["gpu-operator"] = false; }),
           "gpu-operator is disabled"},
          {"GPU Operator relocated",
           Sentinel(dcgm, on, nullptr, InNamespace("privileged-gpu-operator")),
           "names namespace \"gpu-operator\" but gpu-operator is deployed to "
           "\"privileged-gpu-operator\""},
          {"wrong port", Sentinel(dcgm, addr("nvidia-dcgm.gpu-operator.svc:5556")),
           "names port \"5556\""},
          {"explicit matching address", Sentinel(dcgm, addr("nvidia-dcgm.gpu-operator.svc")), ""},
          {"external hostengine", Sentinel("", addr("10.0.0.5:5555")), ""},
          {"another Service in the namespace",
           Sentinel("", addr("custom-hostengine.gpu-operator.svc:5555")), ""},
          {"address list", Sentinel(dcgm, addr("a.b.svc:5555,c.d.svc:5555")), "the list"},
          {"no DCGM check configured",
           Sentinel("", "{global: {preflight: {enabled: true}}, preflight: {initContainers: []}}"),
           ""},
          {"duplicate containers",
           Sentinel(dcgm,
                    "{global: {preflight: {enabled: true}}, preflight: {initContainers: [{name: "
                    "preflight-dcgm-diag}, {name: preflight-dcgm-diag}]}}"),
           "2 times"},
          {"dynamic preflight switch while off",
           Sentinel(
               "{}", "{}",
               [](Bed& b) { b.ctx.dynamic_paths["nvsentinel"] = {"global.preflight.enabled"}; }),
           "--dynamic nvsentinel:global.preflight.enabled"},
          {"operator outside the bundle without evidence values",
           Sentinel("{}", on, nullptr, Unselected()), ""},
      });
}

TEST(ChecksTest, NVSentinelPreflightGangSchedulerRequired) {
  auto gang = [](std::string gvr, std::string coordination = "") {
    return "{global: {preflight: {enabled: true}}, preflight: {" + coordination +
           "gangDiscovery: {podGroupGVR: " + gvr + "}}}";
  };
  const std::string kai = "{group: scheduling.run.ai, version: v2alpha2, resource: podgroups}";
  // gpu-operator with dcgm on keeps the DCGM check quiet (chart-default address).
  const std::string dcgm = "{dcgm: {enabled: true}}";
  RunTable(
      kSentinelRegistry,
      {
          {"KAI targeted, scheduler present",
           Sentinel(dcgm, gang(kai), [](Bed& b) { b.Add("kai-scheduler"); }), ""},
          {"KAI in another bundle subset",
           Sentinel(dcgm, gang(kai), [](Bed& b) { b.Add("kai-scheduler", "{}", Unselected()); }),
           ""},
          {"KAI targeted, scheduler absent", Sentinel(dcgm, gang(kai)),
           "kai-scheduler is not in the recipe"},
          {"KAI targeted, scheduler disabled by the recipe",
           Sentinel(dcgm, gang(kai),
                    [](Bed& b) { b.Add("kai-scheduler", "{}", RecipeDisabled()); }),
           "kai-scheduler is disabled"},
          {"KAI targeted, scheduler disabled via --set",
           Sentinel(dcgm, gang(kai),
                    [](Bed& b) {
                      b.Add("kai-scheduler", "{}", Unselected());
                      b.ctx.enabled_toggles["kai-scheduler"] = false;
                    }),
           "kai-scheduler is disabled"},
          {"KAI group with the wrong version",
           Sentinel(dcgm, gang("{group: scheduling.run.ai, version: v1, resource: podgroups}")),
           "targets scheduling.run.ai/v1 resource \"podgroups\""},
          {"another scheduler", Sentinel(dcgm, gang("{group: x.k8s.io, version: v1}")), ""},
          {"coordination off", Sentinel(dcgm, gang(kai, "gangCoordination: {enabled: false}, ")),
           ""},
          {"dynamic scheduler toggle",
           Sentinel(dcgm, gang(kai),
                    [](Bed& b) {
                      b.Add("kai-scheduler");
                      b.ctx.dynamic_paths["kai-scheduler"] = {"enabled"};
                    }),
           "--dynamic kai-scheduler:enabled"},
      });
}

TEST(ChecksTest, NVSentinelNicHealthMonitorRequiresMetadataCollector) {
  const std::string registry =
      Comp("nvsentinel", Check("CheckNVSentinelNicHealthMonitorRequiresMetadataCollector"),
           "nv-sentinel");
  auto with = [](std::string values, std::vector<std::string> dynamic = {}) {
    return [=](Bed& b) {
      b.Criteria("eks").Add("nvsentinel", values);
      if (!dynamic.empty()) {
        b.ctx.dynamic_paths["nvsentinel"] = dynamic;
      }
    };
  };
  auto monitor = [](std::string collector, std::string override_value = "") {
    std::string v =
        "{global: {nicHealthMonitor: {enabled: true}, metadataCollector: {enabled: " + collector +
        "}}";
    if (!override_value.empty()) {
      v += ", nic-health-monitor: {nicInclusionRegexOverride: " + override_value + "}";
    }
    return v + "}";
  };
  RunTable(
      registry,
      {
          {"monitor at its chart default (off)", with("{}"), ""},
          {"monitor on with the collector", with(monitor("true")), ""},
          {"monitor on without the collector", with(monitor("false")),
           "[INVALID_REQUEST] component \"nvsentinel\": global.nicHealthMonitor.enabled=true "
           "but global.metadataCollector.enabled=false"},
          {"usable override", with(monitor("false", "'^mlx5_[0-9]+$,^ib.*'")), ""},
          {"override that does not compile", with(monitor("false", "'mlx5_('")),
           "rejects at startup"},
          {"override of separators only", with(monitor("false", "' , '")), "rejects at startup"},
          {"non-string override", with(monitor("false", "5")), "must be a string"},
          {"non-bool monitor toggle renders the subchart",
           with("{global: {nicHealthMonitor: {enabled: 'no'}, metadataCollector: {enabled: "
                "false}}}"),
           "nic-health-monitor reads its NIC inventory"},
          {"dynamic monitor toggle without the collector",
           with("{global: {metadataCollector: {enabled: false}}}",
                {"global.nicHealthMonitor.enabled"}),
           "--dynamic nvsentinel:global.nicHealthMonitor.enabled"},
          {"dynamic collector toggle rescued by a static override",
           with(monitor("true", "'^mlx5'"), {"global.metadataCollector.enabled"}), ""},
          {"dynamic collector toggle without an override",
           with(monitor("true"), {"global.metadataCollector"}),
           "--dynamic nvsentinel:global.metadataCollector"},
      });
}

TEST(ChecksTest, NVSentinelSlurmDrainMonitorRequiresSlinky) {
  const std::string registry =
      Comp("nvsentinel", Check("CheckNVSentinelSlurmDrainMonitorRequiresSlinky"), "nv-sentinel") +
      Comp("slinky-slurm", "", "slinkyslurm");
  auto sentinel = [](std::string enabled, std::string ns) {
    std::string v = "{";
    if (!enabled.empty()) {
      v += "global: {slurmDrainMonitor: {enabled: " + enabled + "}}, ";
    }
    if (!ns.empty()) {
      v += "slurm-drain-monitor: {namespace: " + ns + "}";
    }
    return v + "}";
  };
  auto with = [=](std::string enabled, std::string ns, std::string slinky_ns, bool slinky = true,
                  AddOptions slinky_options = {}, std::function<void(Bed&)> extra = nullptr) {
    return [=](Bed& b) {
      b.Criteria("kind").Add("nvsentinel", sentinel(enabled, ns));
      if (slinky) {
        AddOptions o = slinky_options;
        o.namespace_ = slinky_ns;
        b.Add("slinky-slurm", "{}", o);
      }
      if (extra) {
        extra(b);
      }
    };
  };
  auto dyn = [](std::string comp, std::string path) {
    return [=](Bed& b) { b.ctx.dynamic_paths[comp] = {path}; };
  };
  RunTable(
      registry,
      {
          {"monitor at its chart default (off), no slinky", with("", "", "", false), ""},
          {"monitor explicitly off, no slinky", with("false", "", "", false), ""},
          {"monitor on, slinky in the watched namespace", with("true", "slurm", "slurm"), ""},
          {"monitor on at the default namespace, slinky namespace unset", with("true", "", ""), ""},
          {"monitor on, slinky absent", with("true", "slurm", "", false),
           "slinky-slurm is not in the recipe"},
          {"monitor on, slinky disabled by the recipe",
           with("true", "slurm", "slurm", true, RecipeDisabled()), "slinky-slurm is disabled"},
          {"monitor on, slinky disabled via --set",
           with("true", "slurm", "slurm", true, {},
                [](Bed& b) { b.ctx.enabled_toggles["slinky-slurm"] = false; }),
           "slinky-slurm is disabled"},
          {"slinky deployed elsewhere", with("true", "slurm", "hpc"),
           "watches namespace \"slurm\" but slinky-slurm deploys to \"hpc\""},
          {"bundlers= subset excluding slinky-slurm",
           with("true", "slurm", "slurm", true, Unselected()), ""},
          {"monitor watching every namespace", with("true", "''", "hpc"), ""},
          {"blank namespace", with("true", "'  '", "slurm"), "is blank"},
          {"non-string namespace", with("true", "42", "slurm"), "is not a string"},
          {"non-bool toggle renders the monitor", with("'yes'", "", "", false),
           "slinky-slurm is not in the recipe"},
          {"dynamic toggle, statically off",
           with("", "", "", false, {}, dyn("nvsentinel", "global.slurmDrainMonitor.enabled")),
           "--dynamic nvsentinel:global.slurmDrainMonitor.enabled"},
          {"dynamic namespace, monitor on",
           with("true", "slurm", "slurm", true, {},
                dyn("nvsentinel", "slurm-drain-monitor.namespace")),
           "--dynamic nvsentinel:slurm-drain-monitor.namespace"},
          {"dynamic slinky toggle, monitor on",
           with("true", "slurm", "slurm", true, {}, dyn("slinky-slurm", "enabled")),
           "--dynamic slinky-slurm:enabled"},
          {"dynamic slinky toggle, monitor off",
           with("false", "", "slurm", true, {}, dyn("slinky-slurm", "enabled")), ""},
          {"unrelated dynamic path",
           with("true", "slurm", "slurm", true, {},
                dyn("nvsentinel", "global.auditLogging.maxSizeMB")),
           ""},
      });
}

TEST(ChecksTest, NVSentinelRemediationPipelineCoherent) {
  const std::string registry =
      Comp("nvsentinel", Check("CheckNVSentinelRemediationPipelineCoherent"), "nv-sentinel",
           "nvsentinel") +
      Comp("psmdb-operator", "", "psmdboperator", "nvsentinel") +
      Comp("nvsentinel-mongodb", "", "nvsentinelmongodb", "nvsentinel") +
      Comp("gpu-operator", "", "gpuoperator", "gpu-operator") +
      Comp("gpu-operator-ocp", "", "gpuoperatorocp", "gpu-operator");
  const std::string percona =
      "datastore: {provider: mongodb, credentialsFromSecret: {name: nvsentinel-mongodb-uri}, "
      "auth: {mechanism: x509, clientCertSecretName: nvsentinel-mongodb-app-client}}";
  const std::string on = "{enabled: true}";
  const std::string observe_stages =
      percona + ", faultQuarantine: " + on + ", nodeDrainer: " + on + ", faultRemediation: " + on;
  const std::string observe = "dryRun: true, " + observe_stages;
  const std::string quarantine =
      "dryRun: false, " + percona + ", faultQuarantine: " + on + ", nodeDrainer: " + on;
  const std::string remediation_stages =
      quarantine + ", faultRemediation: " + on + ", janitor: " + on;
  const std::string remediation = remediation_stages + ", janitorProvider: " + on;
  // nvsentinel values: `global` entries plus optional top-level entries.
  auto values = [](std::string global, std::string top = "") {
    return "{global: {" + global + "}" + (top.empty() ? "" : ", " + top) + "}";
  };
  auto reset_job = [](std::string job, std::string sm = "") {
    return "janitor: {config: {controllers: {gpuReset: {resetJob: {" + job + "}" +
           (sm.empty() ? "" : ", serviceManager: " + sm) + "}}}}";
  };
  // nvsentinel plus the Percona components; `gpu` adds a gpu-operator with AICR's
  // operand set (standalone DCGM on) merged with `gpu`.
  auto pipeline = [](std::string sentinel_values, std::string gpu = "",
                     std::function<void(Bed&)> extra = nullptr) {
    return [=](Bed& b) {
      b.Criteria("eks").Add("nvsentinel", sentinel_values, InNamespace("nvsentinel"));
      b.Add("psmdb-operator").Add("nvsentinel-mongodb");
      if (!gpu.empty()) {
        const bool sets_dcgm = gpu.find("dcgm:") != std::string::npos;
        b.Add("gpu-operator",
              "{" + (sets_dcgm ? "" : std::string("dcgm: {enabled: true}, ")) + gpu + "}");
      }
      if (extra) {
        extra(b);
      }
    };
  };
  auto dyn = [](std::string comp, std::vector<std::string> paths) {
    return [=](Bed& b) { b.ctx.dynamic_paths[comp] = paths; };
  };
  const std::string host_driver = "driver: {enabled: false}";
  const std::string no_dcgm = "driver: {enabled: false}, dcgm: {enabled: false}";
  auto sm_spec = [](std::string ns, std::string timeout, std::vector<std::string> apps,
                    std::string labels = "enabledValue: 'true', disabledValue: 'false'") {
    std::string list;
    for (const std::string& a : apps) {
      list += (list.empty() ? "" : ", ") + std::string("{appSelector: {app: ") + a + "}, " +
              labels + "}";
    }
    return "{name: gpu-operator, spec: {namespace: " + ns + ", teardownTimeout: " + timeout +
           ", restoreTimeout: " + timeout + ", apps: [" + list + "]}}";
  };
  const std::string host_root = "hostDriverRootPath: /";
  RunMultiTable(
      registry,
      {
          {"pipeline at chart defaults", pipeline("{}"), {}},
          {"observe step", pipeline(values(observe)), {}},
          {"quarantine step", pipeline(values(quarantine)), {}},
          {"remediation step", pipeline(values(remediation)), {}},
          {"no datastore",
           pipeline(values("dryRun: true, faultQuarantine: " + on + ", nodeDrainer: " + on)),
           {"no datastore"}},
          {"external postgresql",
           pipeline(values("faultQuarantine: " + on + ", datastore: {provider: postgresql}")),
           {}},
          {"provider in the wrong case",
           pipeline(values("faultQuarantine: " + on + ", datastore: {provider: MongoDB}")),
           {"supports only"}},
          {"embedded MongoDB beside the pipeline",
           pipeline(values(quarantine + ", mongodbStore: " + on)),
           {"embedded MongoDB (global.mongodbStore) is not supported"}},
          {"embedded MongoDB off",
           pipeline(values(quarantine + ", mongodbStore: {enabled: false}")),
           {}},
          {"Percona datastore without its components",
           [=](Bed& b) { b.Criteria("eks").Add("nvsentinel", values(quarantine)); },
           {"psmdb-operator is not deployed", "nvsentinel-mongodb is not deployed"}},
          {"Percona datastore in another namespace",
           [=](Bed& b) {
             b.Criteria("eks").Add("nvsentinel", values(quarantine),
                                   InNamespace("privileged-nvsentinel"));
             b.Add("psmdb-operator").Add("nvsentinel-mongodb");
           },
           {"psmdb-operator deploys to namespace \"nvsentinel\"",
            "nvsentinel-mongodb deploys to namespace"}},
          {"SCRAM auth",
           pipeline(values("faultQuarantine: " + on +
                           ", datastore: {provider: mongodb, credentialsFromSecret: {name: "
                           "nvsentinel-mongodb-uri}, auth: {mechanism: scram, "
                           "clientCertSecretName: nvsentinel-mongodb-app-client}}")),
           {"authenticates only the x509 client certificate"}},
          {"customer MongoDB is not held to the Percona wiring",
           [=](Bed& b) {
             b.Criteria("eks").Add(
                 "nvsentinel",
                 values("faultQuarantine: " + on +
                        ", datastore: {provider: mongodb, credentialsFromSecret: {name: mine}}"));
           },
           {}},
          {"datastore rules silent with the pipeline off",
           pipeline(values("mongodbStore: {enabled: 1}, datastore: {provider: x}")),
           {}},
          {"node-drainer alone",
           pipeline(values("nodeDrainer: " + on)),
           {"no datastore", "node-drainer is enabled without fault-quarantine"}},
          {"fault-remediation without node-drainer",
           pipeline(values("dryRun: false, " + percona + ", faultQuarantine: " + on +
                           ", faultRemediation: " + on + ", janitor: " + on +
                           ", janitorProvider: " + on)),
           {"fault-remediation is enabled without node-drainer"}},
          {"fault-remediation live without janitor",
           pipeline(values(quarantine + ", faultRemediation: " + on)),
           {"fault-remediation is live"}},
          {"dryRun as a string",
           pipeline(values("dryRun: 'true', " + observe_stages)),
           {"dryRun is not a bool"}},
          {"janitor without janitor-provider",
           pipeline(values(remediation_stages + ", janitorProvider: {enabled: false}")),
           {"without janitor-provider"}},
          {"observe with metadata-collector disabled",
           pipeline(values(observe + ", metadataCollector: {enabled: false}")),
           {"metadata-collector is disabled"}},
          {"quarantine with metadata-collector disabled",
           pipeline(values(quarantine + ", metadataCollector: {enabled: false}")),
           {}},
          {"findings together, in rule order",
           pipeline(values("faultRemediation: " + on + ", janitor: " + on +
                           ", metadataCollector: {enabled: false}")),
           {"no datastore", "without node-drainer", "without janitor-provider",
            "metadata-collector is disabled"}},
          {"dynamic stage toggle, pipeline off",
           pipeline("{}", "", dyn("nvsentinel", {"global.faultRemediation.enabled"})),
           {"--dynamic nvsentinel:global.faultRemediation.enabled"}},
          {"dynamic remediation toggle guards what remediation reads",
           pipeline("{}", "",
                    dyn("nvsentinel", {"global.faultRemediation.enabled",
                                       "global.metadataCollector.enabled", "global.dryRun"})),
           {"--dynamic", "--dynamic", "--dynamic"}},
          {"dynamic dryRun with janitor on",
           pipeline(values(remediation), "", dyn("nvsentinel", {"global.dryRun"})),
           {}},
          {"dynamic datastore section, quarantine on",
           pipeline(values(quarantine), "", dyn("nvsentinel", {"global.datastore"})),
           {"--dynamic nvsentinel:global.datastore"}},
          {"dependencies dynamic, pipeline off",
           pipeline(
               "{}", "",
               dyn("nvsentinel", {"global.metadataCollector.enabled", "global.mongodbStore.enabled",
                                  "global.janitorProvider.enabled"})),
           {}},
          {"reset Job and operator on the chart default",
           pipeline(values(remediation), "a: 1"),
           {}},
          {"operator retargeted, reset Job on the default",
           pipeline(values(remediation), "operator: {runtimeClass: custom}"),
           {"reset Job requests runtimeClassName \"nvidia\" but gpu-operator creates its "
            "RuntimeClass as \"custom\""}},
          {"reset Job aligned",
           pipeline(values(remediation, reset_job("runtimeClassName: custom")),
                    "operator: {runtimeClass: custom}"),
           {}},
          {"reset Job runtime class empty",
           pipeline(values(remediation, reset_job("runtimeClassName: ''")),
                    "operator: {runtimeClass: custom}"),
           {}},
          {"reset Job runtime class not a string",
           pipeline(values(remediation, reset_job("runtimeClassName: 42")), "a: 1"),
           {"resetJob.runtimeClassName must be a string"}},
          {"host driver, reset Job at the operator root",
           pipeline(values(remediation), host_driver),
           {"leaves the driver to the node image"}},
          {"host driver, reset Job at the host root",
           pipeline(values(remediation, reset_job(host_root)), host_driver),
           {}},
          {"host driver, janitor off", pipeline(values(quarantine), host_driver), {}},
          {"operator-installed driver, reset Job at the host root",
           pipeline(values(remediation, reset_job(host_root)), "a: 1"),
           {"installs the driver into /run/nvidia/driver"}},
          {"custom install dir followed",
           pipeline(values(remediation, reset_job("hostDriverRootPath: /opt/nvidia/driver")),
                    "hostPaths: {driverInstallDir: /opt/nvidia/driver/}"),
           {}},
          {"GKE managed driver install",
           pipeline(values(remediation, reset_job(host_root)),
                    host_driver + ", hostPaths: {driverInstallDir: /home/kubernetes/bin/nvidia}"),
           {"not supported with GKE's managed driver install"}},
          {"relative host driver root",
           pipeline(values(remediation, reset_job("hostDriverRootPath: run/nvidia")), host_driver),
           {"hostDriverRootPath must be an absolute path"}},
          {"driverRoot at the container root",
           pipeline(values(remediation, reset_job("driverRoot: /")), "a: 1"),
           {"resetJob.driverRoot must be unset"}},
          {"driverRoot at the operator root",
           pipeline(values(remediation, reset_job("driverRoot: /run/nvidia/driver")), "a: 1"),
           {}},
          {"driverRoot relative, no GPU Operator",
           pipeline(values(remediation, reset_job("driverRoot: relative"))),
           {"resetJob.driverRoot must be unset"}},
          {"OCP: disabled canonical operator, enabled OCP variant with a host driver",
           pipeline(values(remediation), "",
                    [=](Bed& b) {
                      b.Add("gpu-operator", "{}", RecipeDisabled());
                      b.Add("gpu-operator-ocp", "{dcgm: {enabled: true}, " + host_driver + "}");
                    }),
           {"gpu-operator-ocp leaves the driver to the node image"}},
          {"CDI with NRI, reset Job on the default RuntimeClass",
           pipeline(values(remediation, reset_job(host_root)),
                    host_driver + ", cdi: {enabled: true, nriPluginEnabled: true}"),
           {"registers no runtime handler"}},
          {"CDI with NRI, reset Job without a RuntimeClass",
           pipeline(values(remediation, reset_job("runtimeClassName: '', " + host_root)),
                    host_driver + ", cdi: {enabled: true, nriPluginEnabled: true}"),
           {}},
          {"service manager default, no standalone DCGM",
           pipeline(values(remediation, reset_job(host_root, "{name: gpu-operator}")), no_dcgm),
           {"nvidia-dcgm, which gpu-operator does not run, so each reset fails with "
            "RestoreTimeoutExceeded"}},
          {"service manager lists only running operands",
           pipeline(values(remediation,
                           reset_job(host_root,
                                     sm_spec("gpu-operator", "10m",
                                             {"nvidia-device-plugin-daemonset",
                                              "nvidia-dcgm-exporter", "gpu-feature-discovery"}))),
                    no_dcgm),
           {}},
          {"service manager without timeouts",
           pipeline(values(remediation, reset_job(host_root, sm_spec("gpu-operator", "null",
                                                                     {"nvidia-dcgm-exporter"}))),
                    no_dcgm),
           {"want a positive duration", "want a positive duration"}},
          {"service manager zero timeouts",
           pipeline(values(remediation, reset_job(host_root, sm_spec("gpu-operator", "0s",
                                                                     {"nvidia-dcgm-exporter"}))),
                    no_dcgm),
           {"teardownTimeout is \"0s\"", "restoreTimeout is \"0s\""}},
          {"service manager in the wrong namespace",
           pipeline(values(remediation, reset_job(host_root, sm_spec("nvidia-gpu-operator", "1h30m",
                                                                     {"nvidia-dcgm-exporter"}))),
                    no_dcgm),
           {"waits for operand pods in namespace \"nvidia-gpu-operator\""}},
          {"service manager app with equal label values",
           pipeline(
               values(remediation,
                      reset_job(host_root, sm_spec("gpu-operator", "10m", {"nvidia-dcgm-exporter"},
                                                   "enabledValue: 'true', disabledValue: 'true'"))),
               no_dcgm),
           {"distinct, non-empty enabledValue"}},
          {"no service manager",
           pipeline(values(remediation, reset_job(host_root, "{name: ''}")), no_dcgm),
           {}},
          {"dynamic reset Job path, janitor on",
           pipeline(values(remediation), "",
                    dyn("nvsentinel",
                        {"janitor.config.controllers.gpuReset.resetJob.hostDriverRootPath"})),
           {"--dynamic nvsentinel:janitor.config.controllers.gpuReset.resetJob"}},
          {"dynamic reset Job path, janitor off",
           pipeline(values(quarantine), "",
                    dyn("nvsentinel", {"janitor.config.controllers.gpuReset"})),
           {}},
          {"dynamic GPU Operator operand, janitor on",
           pipeline(values(remediation), "a: 1", dyn("gpu-operator", {"dcgm.enabled"})),
           {"--dynamic gpu-operator:dcgm.enabled"}},
          {"dynamic GPU Operator operand, janitor off",
           pipeline(values(quarantine), "a: 1", dyn("gpu-operator", {"dcgm.enabled"})),
           {}},
      });
}

TEST(ChecksTest, NVSentinelMongoDBCoherent) {
  const std::string registry =
      Comp("nvsentinel-mongodb", Check("CheckNVSentinelMongoDBCoherent"), "nvsentinelmongodb") +
      Comp("psmdb-operator", "", "psmdboperator") + Comp("nvsentinel", "", "nv-sentinel");
  const std::string users =
      "[{name: 'CN=mongo-user-client', db: '$external', roles: [{name: readWrite, db: "
      "HealthEventsDatabase}, {name: nvsentinelTTLIndex, db: admin}]}]";
  const std::string roles =
      "[{role: nvsentinelTTLIndex, db: admin, privileges: [{resource: {db: "
      "HealthEventsDatabase, collection: ''}, actions: [collMod]}]}]";
  struct Db {
    std::string tls = "requireTLS";
    std::string sharding = "{enabled: false}";
    std::string users;
    std::string roles;
    std::string cr = "1.21.2";
    std::string init = "1.21.2@sha256:abc";
  };
  auto render = [](const Db& d) {
    return "{crVersion: '" + d.cr + "', initImage: {tag: '" + d.init + "'}, tls: {mode: " + d.tls +
           "}, sharding: " + d.sharding + ", roles: " + d.roles + ", users: " + d.users + "}";
  };
  Db good;
  good.users = users;
  good.roles = roles;
  const std::string op_good =
      "{image: {tag: '1.21.2@sha256:def'}, watchAllNamespaces: false, disableTelemetry: true}";
  auto with = [=](Db d, std::string op = "", AddOptions op_options = {}, bool sentinel = true,
                  std::function<void(Bed&)> extra = nullptr) {
    return [=](Bed& b) {
      b.Criteria("eks").Add("nvsentinel-mongodb", render(d));
      b.Add("psmdb-operator", op.empty() ? op_good : op, op_options);
      if (sentinel) {
        b.Add("nvsentinel");
      }
      if (extra) {
        extra(b);
      }
    };
  };
  auto change = [=](std::function<void(Db&)> f) {
    Db d = good;
    f(d);
    return d;
  };
  auto dyn = [](std::string comp, std::string path) {
    return [=](Bed& b) { b.ctx.dynamic_paths[comp] = {path}; };
  };
  RunTable(
      registry,
      {
          {"coherent", with(good), ""},
          {"bundlers subset renders only the datastore", with(good, "", Unselected()), ""},
          {"operator declared but disabled", with(good, "", RecipeDisabled()),
           "psmdb-operator is not deployed"},
          {"no NVSentinel", with(good, "", {}, false), "NVSentinel is not deployed"},
          {"TLS preferred", with(change([](Db& d) { d.tls = "preferTLS"; })), "want requireTLS"},
          {"sharding on", with(change([](Db& d) { d.sharding = "{enabled: true}"; })),
           "sharding.enabled must be false"},
          {"sharding unset", with(change([](Db& d) { d.sharding = "{}"; })),
           "sharding.enabled must be false"},
          {"no app user", with(change([](Db& d) { d.users = "[]"; })), "no $external user"},
          {"app user in the wrong database", with(change([](Db& d) {
             d.users =
                 "[{name: x, db: admin, roles: [{name: readWrite, db: "
                 "HealthEventsDatabase}]}]";
           })),
           "no $external user"},
          {"app user without readWrite", with(change([](Db& d) {
             d.users =
                 "[{name: x, db: '$external', roles: [{name: nvsentinelTTLIndex, db: "
                 "admin}]}]";
           })),
           "lacks readWrite on HealthEventsDatabase"},
          {"app user without the TTL role", with(change([](Db& d) {
             d.users =
                 "[{name: x, db: '$external', roles: [{name: readWrite, db: "
                 "HealthEventsDatabase}]}]";
           })),
           "lacks role nvsentinelTTLIndex"},
          {"TTL role without collMod", with(change([](Db& d) {
             d.roles =
                 "[{role: nvsentinelTTLIndex, db: admin, privileges: [{resource: {db: "
                 "HealthEventsDatabase}, actions: [find]}]}]";
           })),
           "lacks role nvsentinelTTLIndex"},
          {"operator watches every namespace",
           with(good, "{image: {tag: '1.21.2'}, watchAllNamespaces: true, disableTelemetry: true}"),
           "watchAllNamespaces is true, want false"},
          {"operator telemetry on",
           with(good,
                "{image: {tag: '1.21.2'}, watchAllNamespaces: false, disableTelemetry: false}"),
           "disableTelemetry is false, want true"},
          {"crVersion a minor behind", with(change([](Db& d) { d.cr = "1.20.1"; })),
           "crVersion \"1.20.1\""},
          {"initImage a minor ahead", with(change([](Db& d) { d.init = "1.22.0"; })),
           "initImage.tag \"1.22.0\""},
          {"operator tag unreadable",
           with(good, "{image: {tag: latest}, watchAllNamespaces: false, disableTelemetry: true}"),
           "cannot read psmdb-operator's image.tag"},
          {"dynamic tls ancestor", with(good, "", {}, true, dyn("nvsentinel-mongodb", "tls")),
           "--dynamic nvsentinel-mongodb:tls covers tls.mode"},
          {"dynamic operator image tag",
           with(good, "", {}, true, dyn("psmdb-operator", "image.tag")),
           "--dynamic psmdb-operator:image.tag"},
          {"unrelated dynamic path",
           with(good, "", {}, true, dyn("nvsentinel-mongodb", "replsets.rs0.resources")), ""},
      });
}

}  // namespace
}  // namespace aicr::bundler
