#include "validator/catalog.h"

#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <utility>

#include "base/status_macros.h"
#include "base/strings.h"
#include "base/suggest.h"
#include "serialize/json_reader.h"
#include "serialize/yaml_reader.h"

namespace aicr::validator {
namespace {

using serialize::Mapping;
using serialize::Value;

constexpr std::string_view kErrorPrefix = "validator catalog: ";

Status CatalogError(std::string_view where, std::string_view problem) {
  std::string msg(kErrorPrefix);
  if (!where.empty()) {
    msg.append(where);
    msg += ": ";
  }
  msg.append(problem);
  return InvalidRequestError(std::move(msg));
}

Status TypeError(std::string_view where, std::string_view want, const Value& got) {
  return CatalogError(where, std::string(want) + " expected, got " +
                                 std::string(serialize::ValueTypeName(got.type())));
}

// A string field; absent or null reads as "".
Result<std::string> StringField(const Mapping& m, std::string_view key, std::string_view where) {
  const Value* v = m.Find(key);
  if (v == nullptr || v->is_null()) {
    return std::string();
  }
  if (const std::string* s = v->if_string()) {
    return *s;
  }
  return TypeError(std::string(where) + ": " + std::string(key), "string", *v);
}

// An environment value: a string, or an int or bool read back as its text.
Result<std::string> EnvValue(const Value& v, std::string_view where) {
  if (v.is_null()) {
    return std::string();
  }
  if (const std::string* s = v.if_string()) {
    return *s;
  }
  if (const std::int64_t* i = v.if_int()) {
    return std::to_string(*i);
  }
  if (const bool* b = v.if_bool()) {
    return std::string(*b ? "true" : "false");
  }
  return TypeError(where, "string", v);
}

Result<std::vector<std::string>> StringList(const Mapping& m, std::string_view key,
                                            std::string_view where) {
  std::vector<std::string> out;
  const Value* v = m.Find(key);
  if (v == nullptr || v->is_null()) {
    return out;
  }
  const std::string field = std::string(where) + ": " + std::string(key);
  const serialize::Sequence* seq = v->if_sequence();
  if (seq == nullptr) {
    return TypeError(field, "list", *v);
  }
  for (std::size_t i = 0; i < seq->size(); ++i) {
    AICR_ASSIGN_OR_RETURN(std::string s,
                          EnvValue((*seq)[i], field + "[" + std::to_string(i) + "]"));
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<EnvVar>> DecodeEnv(const Mapping& m, std::string_view where) {
  std::vector<EnvVar> out;
  const Value* v = m.Find("env");
  if (v == nullptr || v->is_null()) {
    return out;
  }
  const std::string field = std::string(where) + ": env";
  const serialize::Sequence* seq = v->if_sequence();
  if (seq == nullptr) {
    return TypeError(field, "list", *v);
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < seq->size(); ++i) {
    const std::string item = field + "[" + std::to_string(i) + "]";
    const Mapping* em = (*seq)[i].if_mapping();
    if (em == nullptr) {
      return TypeError(item, "mapping", (*seq)[i]);
    }
    EnvVar env;
    AICR_ASSIGN_OR_RETURN(env.name, StringField(*em, "name", item));
    if (env.name.empty()) {
      return CatalogError(item, "name is required");
    }
    if (!seen.insert(env.name).second) {
      return CatalogError(item, "duplicate name " + Quote(env.name));
    }
    if (const Value* value = em->Find("value")) {
      AICR_ASSIGN_OR_RETURN(env.value, EnvValue(*value, item + ": value"));
    }
    out.push_back(std::move(env));
  }
  return out;
}

Status DecodeResources(const Mapping& m, std::string_view where, ValidatorEntry& entry) {
  const Value* v = m.Find("resources");
  if (v == nullptr || v->is_null()) {
    return OkStatus();
  }
  const std::string field = std::string(where) + ": resources";
  const Mapping* rm = v->if_mapping();
  if (rm == nullptr) {
    return TypeError(field, "mapping", *v);
  }
  entry.resources_set = true;
  AICR_ASSIGN_OR_RETURN(std::string cpu,
                        EnvValue(rm->Find("cpu") ? *rm->Find("cpu") : Value(), field + ": cpu"));
  AICR_ASSIGN_OR_RETURN(std::string memory, StringField(*rm, "memory", field));
  // A half-specified block keeps the default for the other quantity.
  if (!cpu.empty()) {
    entry.resources.cpu = std::move(cpu);
  }
  if (!memory.empty()) {
    entry.resources.memory = std::move(memory);
  }
  return OkStatus();
}

Result<std::vector<DependencyAffinity>> DecodeAffinity(const Mapping& m, std::string_view where) {
  std::vector<DependencyAffinity> out;
  const Value* v = m.Find("dependencyAffinity");
  if (v == nullptr || v->is_null()) {
    return out;
  }
  const std::string field = std::string(where) + ": dependencyAffinity";
  const serialize::Sequence* seq = v->if_sequence();
  if (seq == nullptr) {
    return TypeError(field, "list", *v);
  }
  for (std::size_t i = 0; i < seq->size(); ++i) {
    const std::string item = field + "[" + std::to_string(i) + "]";
    const Mapping* am = (*seq)[i].if_mapping();
    if (am == nullptr) {
      return TypeError(item, "mapping", (*seq)[i]);
    }
    DependencyAffinity a;
    AICR_ASSIGN_OR_RETURN(a.component_ref, StringField(*am, "componentRef", item));
    if (a.component_ref.empty()) {
      return CatalogError(item, "componentRef is required");
    }
    const Value* sel = am->Find("podLabelSelector");
    const Mapping* sm = sel != nullptr ? sel->if_mapping() : nullptr;
    if (sel != nullptr && !sel->is_null() && sm == nullptr) {
      return TypeError(item + ": podLabelSelector", "mapping", *sel);
    }
    if (sm == nullptr || sm->empty()) {
      return CatalogError(item, "podLabelSelector is required");
    }
    for (const auto& [key, value] : *sm) {
      AICR_ASSIGN_OR_RETURN(a.pod_label_selector[key],
                            EnvValue(value, item + ": podLabelSelector." + key));
    }
    AICR_ASSIGN_OR_RETURN(std::string requirement, StringField(*am, "requirement", item));
    if (requirement.empty() || requirement == "preferred") {
      a.requirement = AffinityRequirement::kPreferred;
    } else if (requirement == "required") {
      a.requirement = AffinityRequirement::kRequired;
    } else {
      return CatalogError(item, "invalid requirement " + Quote(requirement) +
                                    ", must be one of: required, preferred");
    }
    out.push_back(std::move(a));
  }
  return out;
}

Result<std::chrono::milliseconds> DecodeTimeout(const Mapping& m, std::string_view where) {
  const Value* v = m.Find("timeout");
  std::chrono::milliseconds timeout{0};
  if (v == nullptr || v->is_null()) {
    // Absent: the default.
  } else if (const std::int64_t* i = v->if_int()) {
    if (*i != 0) {
      return CatalogError(where, "timeout " + std::to_string(*i) +
                                     " has no unit (write a duration such as \"" +
                                     std::to_string(*i) + "s\")");
    }
  } else if (const std::string* s = v->if_string()) {
    Result<std::chrono::milliseconds> parsed = ParseGoDuration(*s);
    if (!parsed.ok()) {
      return CatalogError(
          where, "invalid timeout " + Quote(*s) + " (a duration such as \"90s\" or \"2m30s\")");
    }
    timeout = *parsed;
  } else {
    return TypeError(std::string(where) + ": timeout", "duration", *v);
  }
  return timeout.count() == 0 ? kDefaultValidatorTimeout : timeout;
}

Result<ValidatorEntry> DecodeEntry(const Value& v, std::size_t index) {
  std::string where = "validators[" + std::to_string(index) + "]";
  const Mapping* m = v.if_mapping();
  if (m == nullptr) {
    return TypeError(where, "mapping", v);
  }
  ValidatorEntry e;
  AICR_ASSIGN_OR_RETURN(e.name, StringField(*m, "name", where));
  if (e.name.empty()) {
    return CatalogError(where, "name is required");
  }
  where += " " + EscapedQuote(e.name);
  AICR_ASSIGN_OR_RETURN(std::string phase, StringField(*m, "phase", where));
  const std::optional<Phase> parsed = ParsePhase(phase);
  if (!parsed.has_value()) {
    return CatalogError(where, "invalid phase " + EscapedQuote(phase) +
                                   ", must be one of: deployment, performance, conformance");
  }
  e.phase = *parsed;
  AICR_ASSIGN_OR_RETURN(e.description, StringField(*m, "description", where));
  AICR_ASSIGN_OR_RETURN(e.image, StringField(*m, "image", where));
  if (e.image.empty()) {
    return CatalogError(where, "image is required");
  }
  AICR_ASSIGN_OR_RETURN(e.timeout, DecodeTimeout(*m, where));
  AICR_ASSIGN_OR_RETURN(e.args, StringList(*m, "args", where));
  AICR_ASSIGN_OR_RETURN(e.env, DecodeEnv(*m, where));
  AICR_RETURN_IF_ERROR(DecodeResources(*m, where, e));
  AICR_ASSIGN_OR_RETURN(e.dependency_affinity, DecodeAffinity(*m, where));
  return e;
}

// Digits of `text` from `pos` as an integer (saturating); advances `pos`.
bool ReadDigits(std::string_view text, std::size_t& pos, std::uint64_t& value, int& count) {
  value = 0;
  count = 0;
  bool overflow = false;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
    if (value > (std::numeric_limits<std::uint64_t>::max() - 9) / 10) {
      overflow = true;
    } else {
      value = value * 10 + static_cast<std::uint64_t>(text[pos] - '0');
    }
    ++pos;
    ++count;
  }
  return !overflow;
}

}  // namespace

std::string_view PhaseName(Phase phase) {
  switch (phase) {
    case Phase::kDeployment:
      return "deployment";
    case Phase::kPerformance:
      return "performance";
    case Phase::kConformance:
      return "conformance";
  }
  return "deployment";
}

std::optional<Phase> ParsePhase(std::string_view name) {
  for (Phase p : kPhases) {
    if (PhaseName(p) == name) {
      return p;
    }
  }
  return std::nullopt;
}

std::string_view AffinityRequirementName(AffinityRequirement requirement) {
  return requirement == AffinityRequirement::kRequired ? "required" : "preferred";
}

std::vector<ValidatorEntry> ValidatorCatalog::ForPhase(Phase phase) const {
  std::vector<ValidatorEntry> out;
  for (const ValidatorEntry& e : validators) {
    if (e.phase == phase) {
      out.push_back(e);
    }
  }
  return out;
}

const ValidatorEntry* ValidatorCatalog::Find(std::string_view name) const {
  for (const ValidatorEntry& e : validators) {
    if (e.name == name) {
      return &e;
    }
  }
  return nullptr;
}

Result<ValidatorCatalog> DecodeCatalog(const serialize::Value& doc) {
  const Mapping* m = doc.if_mapping();
  if (m == nullptr) {
    return TypeError("", "mapping", doc);
  }
  ValidatorCatalog cat;
  AICR_ASSIGN_OR_RETURN(cat.api_version, StringField(*m, "apiVersion", "document"));
  if (cat.api_version != kCatalogApiVersion && cat.api_version != kLegacyCatalogApiVersion) {
    return CatalogError("", "unsupported apiVersion " + EscapedQuote(cat.api_version) +
                                ", expected " + Quote(kCatalogApiVersion));
  }
  AICR_ASSIGN_OR_RETURN(std::string kind, StringField(*m, "kind", "document"));
  if (kind != kCatalogKind) {
    return CatalogError(
        "", "unsupported kind " + EscapedQuote(kind) + ", expected " + Quote(kCatalogKind));
  }
  if (const Value* md = m->Find("metadata"); md != nullptr && !md->is_null()) {
    const Mapping* mm = md->if_mapping();
    if (mm == nullptr) {
      return TypeError("metadata", "mapping", *md);
    }
    AICR_ASSIGN_OR_RETURN(cat.metadata.name, StringField(*mm, "name", "metadata"));
    AICR_ASSIGN_OR_RETURN(cat.metadata.version,
                          EnvValue(mm->Find("version") != nullptr ? *mm->Find("version") : Value(),
                                   "metadata: version"));
  }
  const Value* validators = m->Find("validators");
  if (validators == nullptr || validators->is_null()) {
    return cat;
  }
  const serialize::Sequence* seq = validators->if_sequence();
  if (seq == nullptr) {
    return TypeError("validators", "list", *validators);
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < seq->size(); ++i) {
    AICR_ASSIGN_OR_RETURN(ValidatorEntry e, DecodeEntry((*seq)[i], i));
    if (!seen.insert(e.name).second) {
      return CatalogError("validators[" + std::to_string(i) + "]",
                          "duplicate name " + EscapedQuote(e.name));
    }
    cat.validators.push_back(std::move(e));
  }
  return cat;
}

Result<ValidatorCatalog> ParseCatalog(std::string_view yaml) {
  Result<Value> doc = serialize::ParseYaml(yaml);
  if (!doc.ok()) {
    return CatalogError("", doc.status().message());
  }
  return DecodeCatalog(*doc);
}

Result<std::chrono::milliseconds> ParseGoDuration(std::string_view text) {
  const auto invalid = [&] {
    return InvalidRequestError("invalid duration " + EscapedQuote(text));
  };
  std::string_view s = text;
  if (!s.empty() && s.front() == '+') {
    s.remove_prefix(1);
  }
  if (s == "0") {
    return std::chrono::milliseconds(0);
  }
  if (s.empty()) {
    return invalid();
  }
  constexpr std::uint64_t kMaxNs =
      static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  std::uint64_t total_ns = 0;
  std::size_t pos = 0;
  while (pos < s.size()) {
    std::uint64_t whole = 0;
    std::uint64_t frac = 0;
    int whole_digits = 0;
    int frac_digits = 0;
    if (!ReadDigits(s, pos, whole, whole_digits)) {
      return invalid();
    }
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      // Keep at most 18 fraction digits; further ones cannot change a millisecond.
      const std::size_t start = pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (pos - start < 18) {
          frac = frac * 10 + static_cast<std::uint64_t>(s[pos] - '0');
          ++frac_digits;
        }
        ++pos;
      }
      if (pos == start && whole_digits == 0) {
        return invalid();
      }
    } else if (whole_digits == 0) {
      return invalid();
    }
    const std::size_t unit_start = pos;
    while (pos < s.size() && !(s[pos] >= '0' && s[pos] <= '9') && s[pos] != '.') {
      ++pos;
    }
    const std::string_view unit = s.substr(unit_start, pos - unit_start);
    std::uint64_t scale = 0;
    if (unit == "ns") {
      scale = 1;
    } else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") {
      scale = 1000;
    } else if (unit == "ms") {
      scale = 1000 * 1000;
    } else if (unit == "s") {
      scale = 1000ULL * 1000 * 1000;
    } else if (unit == "m") {
      scale = 60ULL * 1000 * 1000 * 1000;
    } else if (unit == "h") {
      scale = 3600ULL * 1000 * 1000 * 1000;
    } else {
      return invalid();
    }
    if (whole > kMaxNs / scale) {
      return invalid();
    }
    std::uint64_t ns = whole * scale;
    if (frac_digits > 0) {
      long double f = static_cast<long double>(frac);
      for (int i = 0; i < frac_digits; ++i) {
        f /= 10;
      }
      ns += static_cast<std::uint64_t>(f * static_cast<long double>(scale));
    }
    if (ns > kMaxNs - total_ns) {
      return invalid();
    }
    total_ns += ns;
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(total_ns / 1000000));
}

std::string FormatGoDuration(std::chrono::milliseconds d) {
  std::int64_t ms = d.count();
  if (ms == 0) {
    return "0s";
  }
  std::string out;
  if (ms < 0) {
    out = "-";
    ms = -ms;
  }
  if (ms < 1000) {
    return out + std::to_string(ms) + "ms";
  }
  const std::int64_t hours = ms / 3600000;
  const std::int64_t minutes = (ms / 60000) % 60;
  const std::int64_t seconds = (ms / 1000) % 60;
  const std::int64_t millis = ms % 1000;
  if (hours > 0) {
    out += std::to_string(hours) + "h";
  }
  if (hours > 0 || minutes > 0) {
    out += std::to_string(minutes) + "m";
  }
  out += std::to_string(seconds);
  if (millis > 0) {
    std::string frac = std::to_string(1000 + millis).substr(1);
    while (!frac.empty() && frac.back() == '0') {
      frac.pop_back();
    }
    out += "." + frac;
  }
  return out + "s";
}

bool IsReleaseVersion(std::string_view version) {
  return !version.empty() && version != "dev" && version.front() == 'v' &&
         version.find("-next") == std::string_view::npos;
}

std::string ReplaceLatestTag(std::string_view image, std::string_view version) {
  constexpr std::string_view kLatest = ":latest";
  if (image.size() >= kLatest.size() && image.substr(image.size() - kLatest.size()) == kLatest) {
    return std::string(image.substr(0, image.size() - kLatest.size())) + ":" + std::string(version);
  }
  return std::string(image);
}

std::string ReplaceRegistry(std::string_view image, std::string_view registry) {
  const std::size_t first = image.find('/');
  if (first == std::string_view::npos) {
    return std::string(image);
  }
  const std::size_t second = image.find('/', first + 1);
  const std::size_t cut = second == std::string_view::npos ? first : second;
  return std::string(registry) + std::string(image.substr(cut));
}

void RewriteImages(ValidatorCatalog& catalog, std::string_view cli_version,
                   std::string_view registry) {
  for (ValidatorEntry& e : catalog.validators) {
    if (IsReleaseVersion(cli_version)) {
      e.image = ReplaceLatestTag(e.image, cli_version);
    }
    if (!registry.empty()) {
      e.image = ReplaceRegistry(e.image, registry);
    }
  }
}

Result<ValidatorCatalog> LoadCatalog(const catalog::DataProvider& data,
                                     const LoadOptions& options) {
  Result<ValidatorCatalog> cat = [&]() -> Result<ValidatorCatalog> {
    if (const std::optional<std::string_view> json =
            data.PreparsedJson(catalog::kValidatorCatalogPath)) {
      AICR_ASSIGN_OR_RETURN(Value doc, serialize::ParseJson(*json));
      return DecodeCatalog(doc);
    }
    AICR_ASSIGN_OR_RETURN(std::string text, data.Read(catalog::kValidatorCatalogPath));
    return ParseCatalog(text);
  }();
  if (!cat.ok()) {
    return cat.status();
  }
  const EnvLookup env = options.env ? options.env : ProcessEnv();
  const std::string registry = env(kImageRegistryEnv).value_or("");
  RewriteImages(*cat, options.cli_version, registry);
  return cat;
}

std::vector<std::string> DeclaredChecks(const recipe::ValidationConfig& validation, Phase phase) {
  const std::optional<recipe::ValidationPhase>* p = nullptr;
  switch (phase) {
    case Phase::kDeployment:
      p = &validation.deployment;
      break;
    case Phase::kPerformance:
      p = &validation.performance;
      break;
    case Phase::kConformance:
      p = &validation.conformance;
      break;
  }
  if (p == nullptr || !p->has_value() || !(*p)->checks.has_value()) {
    return {};
  }
  return *(*p)->checks;
}

std::vector<ValidatorEntry> SelectEntries(const ValidatorCatalog& catalog, Phase phase,
                                          const std::vector<std::string>& checks) {
  const std::set<std::string> wanted(checks.begin(), checks.end());
  std::vector<ValidatorEntry> out;
  for (const ValidatorEntry& e : catalog.validators) {
    if (e.phase == phase && wanted.count(e.name) > 0) {
      out.push_back(e);
    }
  }
  return out;
}

std::vector<UnmatchedCheck> UnmatchedChecks(const ValidatorCatalog& catalog, Phase phase,
                                            const std::vector<std::string>& checks) {
  std::vector<UnmatchedCheck> out;
  std::set<std::string> reported;
  for (const std::string& name : checks) {
    const ValidatorEntry* e = catalog.Find(name);
    if ((e != nullptr && e->phase == phase) || !reported.insert(name).second) {
      continue;
    }
    UnmatchedCheck u{name, phase, std::nullopt};
    if (e != nullptr) {
      u.other_phase = e->phase;
    }
    out.push_back(std::move(u));
  }
  return out;
}

std::vector<std::string> DuplicateChecks(const std::vector<std::string>& checks) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  std::set<std::string> reported;
  for (const std::string& name : checks) {
    if (!seen.insert(name).second && reported.insert(name).second) {
      out.push_back(name);
    }
  }
  return out;
}

Result<std::vector<ValidatorEntry>> ResolveChecks(const ValidatorCatalog& catalog, Phase phase,
                                                  const std::vector<std::string>& checks) {
  const std::string where = "validation." + std::string(PhaseName(phase)) + ".checks";
  std::vector<std::string> problems;
  for (const std::string& name : DuplicateChecks(checks)) {
    problems.push_back("duplicate check " + EscapedQuote(name));
  }
  std::vector<std::string> candidates;
  for (const ValidatorEntry& e : catalog.ForPhase(phase)) {
    candidates.push_back(e.name);
  }
  for (const UnmatchedCheck& u : UnmatchedChecks(catalog, phase, checks)) {
    std::string problem = "unknown check " + EscapedQuote(u.name);
    if (u.other_phase.has_value()) {
      problem += " (it is a " + std::string(PhaseName(*u.other_phase)) + " check)";
    } else if (const std::string guess = ClosestMatch(u.name, candidates); !guess.empty()) {
      problem += " (did you mean " + Quote(guess) + "?)";
    }
    problems.push_back(std::move(problem));
  }
  if (!problems.empty()) {
    std::string msg = where + ": " + Join(problems, "; ");
    if (!candidates.empty()) {
      msg += "; " + std::string(PhaseName(phase)) + " checks are: " + Join(candidates, ", ");
    }
    return InvalidRequestError(std::move(msg));
  }
  return SelectEntries(catalog, phase, checks);
}

}  // namespace aicr::validator
