#pragma once

/// \file
/// A small subset of Go's text/template, with the Helm functions that raw manifests
/// use, for rendering the manifests shipped with catalogue components at bundle time.
///
/// The dot is a serialize::Value, typically
/// `{Values: {<component>: {...}}, Release: {Namespace, Service}, Chart: {Name, Version}}`.
///
/// Supported: text and `{{ }}` actions with the `{{- ` / ` -}}` trim markers, comments
/// `{{/* */}}`, field chains (`.a.b`, `$x.a`, `(pipeline).a`), `.`, `$`, variables
/// (`$x := p`, `$x = p`), pipelines (`a | b`, the piped value is the last argument),
/// parentheses, string (`"..."`, raw `` `...` ``), character, number, bool and nil
/// literals, `if`/`else if`/`else`, `with`/`else with`/`else`, `range` over sequences,
/// mappings (keys in sorted order) and integers, and the functions listed in funcs.h.
///
/// Missing values: a missing map key prints as nothing. As in Helm's engine, every
/// `<no value>` (Go's rendering of a missing value) is removed from the output. A field
/// of a missing key is missing too (`.Values.absent.x` is empty, as with Go's default
/// `missingkey` that upstream AICR renders with; Helm's `missingkey=zero` would fail
/// there, and the catalogue's manifests rely on the lenient form), while a field of a
/// key that is present with a null value is an error
/// (`nil pointer evaluating interface {}.x`), as in both.
///
/// Not supported, and reported as errors naming the construct: `define`, `template`,
/// `block`, `break`, `continue`, and the Helm functions `include`, `tpl` and `lookup`.
///
/// Deliberate differences from Go, all stricter or caused by the data model: assigning
/// an undeclared variable, or using a variable of an if/with body in its else branch,
/// is a parse error (Go fails at execution); a trailing `|` is an error; literals such as
/// `09` and hexadecimal floats are rejected; YAML integers stay integers (Helm reads
/// values as float64, so it would print 1000000 from values as `1e+06`).
///
/// Every error is INVALID_REQUEST `<name>:<line>: <what>`, with the template's name and
/// the 1-based line of the offending action. Parse errors include unknown functions
/// (`function "foo" not defined`) and undefined variables. Templates come from
/// user-supplied data, so size, nesting, output and work are bounded (Limits).

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "base/limits.h"
#include "base/result.h"
#include "serialize/value.h"

namespace aicr::gotemplate {

/// Bounds for untrusted templates. Exceeding one is an INVALID_REQUEST error.
struct Limits {
  /// Template source size.
  std::size_t max_template_bytes = limits::kMaxDataFileBytes;
  /// Nesting of if/with/range (an `else if` counts as one more) and of parentheses.
  std::size_t max_depth = 100;
  /// Rendered output, and any single string a function builds.
  std::size_t max_output_bytes = std::size_t{16} * 1024 * 1024;
  /// Range iterations of one execution, all loops together.
  std::size_t max_range_iterations = 1'000'000;
  /// Nodes and commands evaluated by one execution.
  std::size_t max_steps = 10'000'000;
  /// Bytes and value nodes built by functions during one execution.
  std::size_t max_work_bytes = std::size_t{256} * 1024 * 1024;
};

namespace internal {
struct Tree;
}  // namespace internal

/// A parsed template. Cheap to copy; Execute may be called any number of times, also
/// concurrently.
class Template {
 public:
  /// Parses `text`. `name` (a data-relative path) prefixes every error message.
  static Result<Template> Parse(std::string name, std::string_view text, const Limits& limits = {});

  /// Renders the template with `dot` as `.` and `$`.
  Result<std::string> Execute(const serialize::Value& dot) const;

  const std::string& name() const { return name_; }

 private:
  Template(std::string name, std::shared_ptr<const internal::Tree> tree, const Limits& limits);

  std::string name_;
  std::shared_ptr<const internal::Tree> tree_;
  Limits limits_;
};

/// Parse and Execute in one call.
Result<std::string> Render(std::string name, std::string_view text, const serialize::Value& dot);

}  // namespace aicr::gotemplate
